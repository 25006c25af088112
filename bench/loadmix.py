"""The request mix of the load-and-kill benchmark: cheap lookups, expensive queries, a cross
join that runs into the time limit, and contributions, each request timed and recorded.

Each client thread keeps one ``requests.Session`` and picks its next request at random by
weight. At most one cross join is in flight at a time, so it holds one query slot of the
server, not all of them (the others keep answering the cheap queries).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

ACCEPT = "application/sparql-results+json"
PREFIXES = """@prefix tp: <https://w3id.org/tpkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix st: <https://w3id.org/tpkg/id/state/> .
@prefix country: <https://w3id.org/tpkg/id/country/> .
@prefix theme: <https://w3id.org/tpkg/id/theme/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix doc: <https://w3id.org/tpkg/id/document/> .
"""
STATES = ("KAZ", "KGZ", "TJK")
COUNTRIES = ("belgium", "denmark", "estonia", "ireland", "netherlands")
THEMES = ("torture-prevention", "npm", "statistics", "compensation-redress")
#: Aggregates: counts per class, per predicate, per addressee and theme.
AGGREGATES = (
    "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n)",
    "SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "PREFIX tp: <https://w3id.org/tpkg/ontology#> PREFIX dct: <http://purl.org/dc/terms/> "
    "SELECT ?st ?t (COUNT(?r) AS ?n) WHERE { ?r tp:addressee ?st ; dct:subject ?t } "
    "GROUP BY ?st ?t ORDER BY DESC(?n)",
)
#: A join: recommendations with their addressee's and recommender's labels.
JOIN = (
    "PREFIX tp: <https://w3id.org/tpkg/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?r ?sl ?bl WHERE { ?r a tp:Recommendation ; tp:addressee ?st ; tp:recommendedBy ?b . "
    "?st rdfs:label ?sl . OPTIONAL { ?b rdfs:label ?bl } } ORDER BY ?r LIMIT 200"
)
#: A cross join of every triple with every triple with every triple: runs into the time limit.
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Request kinds and their weights.
#: How often a contribution the server shed (503/429 with Retry-After) is sent again (about
#: half a minute of waiting at most).
SHED_RETRIES = 30
WEIGHTS = {"lookup": 55, "aggregate": 15, "join": 15, "contribution": 12, "cross-join": 3}


@dataclass
class Sample:
    """One request: its kind, HTTP status (0: no answer), error type, latency, end time, and
    for a 5xx the error message."""

    kind: str
    status: int
    error: str | None
    ms: float
    end: float
    message: str | None = None


@dataclass
class Contribution:
    """A contribution sent: its Turtle, subject, and what the server answered."""

    turtle: str
    subject: str
    status: int = 0
    id: str | None = None
    graph: str | None = None


@dataclass
class Recorder:
    """Everything the clients did, shared between the threads (list appends are atomic)."""

    samples: list[Sample] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    #: Shed answers (status and error type) that a contribution was sent again after.
    shed: Counter[str] = field(default_factory=Counter)


def payload(tag: str, client: int, n: int, rng: random.Random) -> Contribution:
    """A small contribution that conforms to the shapes, about a subject of its own."""
    subject = f"https://w3id.org/tpkg/id/recommendation/load-{tag}-{client}-{n}"
    turtle = PREFIXES + (
        f"<{subject}> a tp:Recommendation ;\n"
        f'    rdfs:label "Load test {tag} {client}.{n}"@en ;\n'
        f'    schema:text "Recommendation {n} of client {client} ({rng.random():.6f})."@en ;\n'
        f"    tp:recommendedBy country:{rng.choice(COUNTRIES)} ;\n"
        f"    tp:addressee st:{rng.choice(STATES)} ;\n"
        f"    dct:subject theme:{rng.choice(THEMES)} ;\n"
        "    dct:source doc:upr-info-database ;\n"
        "    prov:wasDerivedFrom doc:upr-info-database .\n"
    )
    return Contribution(turtle, subject)


def error_of(response: requests.Response) -> tuple[str | None, str | None]:
    """The ``error.type`` and ``error.message`` of a JSON error body (None, None for a
    success)."""
    if response.status_code < 400:
        return None, None
    try:
        error = response.json()["error"]
        return str(error["type"]), str(error["message"])[:200]
    except (ValueError, KeyError, TypeError):
        return "unreadable-error-body", response.text[:200]


def retry_after(response: requests.Response) -> float | None:
    """Seconds to wait before sending again, for a 429 or 503 with ``Retry-After`` (capped
    at 2 s so the run keeps its pace); None for any other answer."""
    if response.status_code not in (429, 503) or "Retry-After" not in response.headers:
        return None
    try:
        return min(2.0, max(0.1, float(response.headers["Retry-After"])))
    except ValueError:
        return None


class Client(threading.Thread):
    """One closed-loop client: sends its next request when the last one is answered."""

    def __init__(self, index: int, mix: Mix, stop: threading.Event) -> None:
        super().__init__(daemon=True, name=f"client-{index}")
        self.index, self.mix, self.stop = index, mix, stop
        self.rng = random.Random(mix.seed * 1000 + index)
        self.session = requests.Session()
        self.sent = 0

    def run(self) -> None:
        """Send requests until told to stop."""
        kinds, weights = list(self.mix.weights), list(self.mix.weights.values())
        while not self.stop.is_set():
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "cross-join" and not self.mix.cross_slot.acquire(blocking=False):
                kind = "lookup"
            try:
                self.send(kind)
            finally:
                if kind == "cross-join":
                    self.mix.cross_slot.release()
        self.session.close()

    def send(self, kind: str) -> None:
        """Send one request of ``kind`` and record it."""
        contribution = None
        started = time.perf_counter()
        try:
            if kind == "contribution":
                contribution = payload(self.mix.tag, self.index, self.sent, self.rng)
                self.mix.recorder.contributions.append(contribution)
                response = self.contribute(contribution)
            else:
                response = self.query(self.mix.query_text(kind, self.rng))
            status, (error, message) = response.status_code, error_of(response)
        except requests.RequestException as exc:
            status, error, message = 0, type(exc).__name__, None
        ended = time.perf_counter()
        self.sent += 1
        message = message if status >= 500 else None
        self.mix.recorder.samples.append(
            Sample(kind, status, error, (ended - started) * 1000, ended, message)
        )
        if contribution is not None:
            self.mix.settle(contribution, status, response if status in (200, 201) else None)
        if status == 0:
            time.sleep(0.05)  # the server is gone: do not spin on refused connections

    def query(self, text: str) -> requests.Response:
        """GET /sparql?query=..."""
        return self.session.get(
            self.mix.url + "/sparql",
            params={"query": text},
            headers={"Accept": ACCEPT},
            timeout=self.mix.timeout,
        )

    def contribute(self, contribution: Contribution) -> requests.Response:
        """POST /contributions with the contributor's Bearer token; a 503 or 429 that says
        when to come back (``Retry-After``: the server shed the request, every validation
        slot was taken) is sent again then, as a well-behaved client does, up to
        :data:`SHED_RETRIES` times. Each shed answer is counted."""
        headers = {"Authorization": f"Bearer {self.mix.token}", "Content-Type": "text/turtle"}
        body = contribution.turtle.encode()
        for _ in range(SHED_RETRIES):
            response = self.session.post(
                self.mix.url + "/contributions",
                data=body,
                headers=headers,
                timeout=self.mix.timeout,
            )
            wait = retry_after(response)
            if wait is None or self.stop.is_set():
                return response
            self.mix.recorder.shed[f"{response.status_code} {error_of(response)[0]}"] += 1
            self.stop.wait(wait)
        return response


@dataclass
class Mix:
    """What the clients share: the server, the IRIs to look up, the token, the record."""

    url: str
    iris: list[str]
    token: str
    tag: str
    seed: int = 42
    timeout: float = 60.0
    weights: dict[str, int] = field(default_factory=lambda: dict(WEIGHTS))
    recorder: Recorder = field(default_factory=Recorder)
    cross_slot: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(1))

    def settle(
        self, contribution: Contribution, status: int, receipt: requests.Response | None
    ) -> None:
        """Record the server's answer to a contribution (0: none came)."""
        contribution.status = status
        if receipt is not None:
            body = receipt.json()
            contribution.id, contribution.graph = body["id"], body["graph"]

    def query_text(self, kind: str, rng: random.Random) -> str:
        """The query of a request of ``kind``."""
        if kind == "lookup":
            return f"SELECT ?p ?o WHERE {{ <{rng.choice(self.iris)}> ?p ?o }}"
        if kind == "aggregate":
            return rng.choice(AGGREGATES)
        if kind == "join":
            return JOIN
        return CROSS


def parse_weights(text: str) -> dict[str, int]:
    """``"lookup=55,contribution=12"`` -> weights; kinds not named get 0.

    :raises ValueError: for an unknown kind, a bad number, or no positive weight.
    """
    weights = dict.fromkeys(WEIGHTS, 0)
    for item in filter(None, text.split(",")):
        kind, _, number = item.partition("=")
        if kind.strip() not in WEIGHTS:
            raise ValueError(f"unknown request kind {kind!r} (known: {', '.join(WEIGHTS)})")
        weights[kind.strip()] = int(number)
    if sum(weights.values()) <= 0 or min(weights.values()) < 0:
        raise ValueError("the weights must be non-negative and not all 0")
    return weights


def resource_iris(url: str, limit: int = 2000) -> list[str]:
    """IRIs of typed resources in the data, for the point lookups.

    :raises RuntimeError: when the server answers none.
    """
    query = f"SELECT DISTINCT ?s WHERE {{ ?s a ?c FILTER isIRI(?s) }} ORDER BY ?s LIMIT {limit}"
    response = requests.get(
        url + "/sparql", params={"query": query}, headers={"Accept": ACCEPT}, timeout=60
    )
    response.raise_for_status()
    iris = [b["s"]["value"] for b in response.json()["results"]["bindings"]]
    if not iris:
        raise RuntimeError("the store holds no typed resource to look up")
    return iris
