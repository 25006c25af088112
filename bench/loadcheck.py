"""After the kill and restart: is every acknowledged contribution there and whole, did no
unacknowledged one land in part, and does the store answer?"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import requests
from loadmix import ACCEPT, Contribution
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic, to_isomorphic


@dataclass
class Check:
    """What the restarted server showed."""

    sent: int = 0
    acknowledged: int = 0
    verified: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unacknowledged: int = 0
    landed_whole: int = 0
    absent: int = 0
    partial: list[str] = field(default_factory=list)
    store_answers: bool = False
    triples_after: int | None = None

    def as_json(self) -> dict[str, object]:
        """The check as JSON-ready data."""
        return asdict(self)


def sent_graph(contribution: Contribution) -> Graph:
    """The triples a contribution sent, as an rdflib graph."""
    return Graph().parse(data=contribution.turtle, format="turtle")


def stored_graph(url: str, contribution: Contribution) -> Graph | None:
    """The data graph of an acknowledged contribution as the server gives it back (TriG),
    or None when it answers anything but 200."""
    response = requests.get(
        f"{url}/contributions/{contribution.id}",
        headers={"Accept": "application/trig"},
        timeout=60,
    )
    if response.status_code != 200:
        return None
    dataset = Dataset()
    dataset.parse(data=response.content, format="trig")
    graph = Graph()
    for triple in dataset.graph(URIRef(str(contribution.graph))):
        graph.add(triple)
    return graph


def about(url: str, subject: str) -> Graph:
    """Every triple the store states about ``subject`` (in any graph)."""
    query = f"CONSTRUCT {{ <{subject}> ?p ?o }} WHERE {{ <{subject}> ?p ?o }}"
    response = requests.get(
        url + "/sparql", params={"query": query}, headers={"Accept": "text/turtle"}, timeout=60
    )
    response.raise_for_status()
    return Graph().parse(data=response.content, format="turtle")


def count_triples(url: str) -> int | None:
    """The number of triples the default graph (the union) answers, or None on an error."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    try:
        response = requests.get(
            url + "/sparql", params={"query": query}, headers={"Accept": ACCEPT}, timeout=60
        )
        if response.status_code != 200:
            return None
        return int(response.json()["results"]["bindings"][0]["n"]["value"])
    except (requests.RequestException, ValueError, KeyError, IndexError):
        return None


def check(url: str, contributions: list[Contribution]) -> Check:
    """Compare what the restarted server at ``url`` holds with what the clients sent."""
    result = Check(sent=len(contributions))
    for contribution in contributions:
        if contribution.status == 201:
            result.acknowledged += 1
            stored = stored_graph(url, contribution)
            if stored is None:
                result.missing.append(str(contribution.id))
            elif isomorphic(stored, sent_graph(contribution)):
                result.verified += 1
            else:
                result.altered.append(str(contribution.id))
        elif contribution.status == 0:
            result.unacknowledged += 1
            _unacknowledged(url, contribution, result)
    result.triples_after = count_triples(url)
    result.store_answers = result.triples_after is not None
    return result


def _unacknowledged(url: str, contribution: Contribution, result: Check) -> None:
    """A contribution without an answer (in flight at the kill) is absent or whole."""
    found = about(url, contribution.subject)
    if not len(found):
        result.absent += 1
    elif to_isomorphic(found) == to_isomorphic(sent_graph(contribution)):
        result.landed_whole += 1
    else:
        result.partial.append(contribution.subject)
