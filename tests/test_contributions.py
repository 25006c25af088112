"""Contributions over HTTP against a real server (gunicorn, 2 workers) and a real store."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from kg.intake import read_payload
from kg.provenance import contribution_graph, read_record
from kg.results import Term
from kg.store import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "contributions"
KG = str(REPO / ".venv" / "bin" / "kg")
TURTLE = {"Content-Type": "text/turtle"}
ALICE = {"Authorization": "Bearer alice-secret", **TURTLE}
MAINTAINER = {"Authorization": "Bearer maintainer-secret"}


@dataclass
class Server:
    """A running ``kg serve`` and the store it serves."""

    url: str
    store: Path
    process: subprocess.Popen[bytes]

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Signal the whole process group (gunicorn master, workers, query processes)."""
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)


def make_store(root: Path) -> Path:
    """A store holding the ontology and the data, as `kg load` builds it."""
    store = root / "store"
    subprocess.run(
        [KG, "--store", str(store), "load", "ontology", "data/turtle"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    (root / "tokens").write_text("# contributors\nalice:alice-secret\nbob-secret\n")
    (root / "maintainer").write_text("maintainer-secret\n")
    return store


def start_server(store: Path, **env: str) -> Server:
    """Start `kg serve --workers 2` on a free loopback port and wait until it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environ = {
        **os.environ,
        "KG_TOKEN_FILE": str(store.parent / "tokens"),
        "KG_MAINTAINER_TOKEN_FILE": str(store.parent / "maintainer"),
        "KG_SHAPES": str(DATA / "shapes"),
        **env,
    }
    command = [KG, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = open(store.parent / "server.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [*command, "--workers", "2"],
        cwd=REPO,
        env=environ,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    log.close()
    server = Server(f"http://127.0.0.1:{port}", store, process)
    for _ in range(300):
        try:
            requests.get(server.url + "/contributions/0", timeout=2)
            return server
        except requests.ConnectionError:
            time.sleep(0.05)
    server.stop(signal.SIGKILL)
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(make_store(tmp_path_factory.mktemp("kg")))
    yield running
    running.stop()


def snapshot(store: Path) -> bytes:
    """Every quad of the store, sorted (to compare before and after)."""
    dump = EmbeddedStore.open(store, read_only=True).dump("nquads")
    return b"\n".join(sorted(dump.splitlines()))


def recommendations(n: int, tag: str) -> bytes:
    """A valid contribution of ``n`` recommendations (4 triples each)."""
    head = (DATA / "valid.ttl").read_text().split("rec:test-valid-1")[0]
    body = "".join(
        f'rec:{tag}-{i} a tp:Recommendation ; rdfs:label "R {tag} {i}"@en ;\n'
        f'    rdfs:comment "bulk"@en ; tp:addressee st:KAZ .\n'
        for i in range(n)
    )
    return (head + body).encode()


def post(server: Server, data: bytes, headers: dict[str, str] = ALICE) -> requests.Response:
    return requests.post(server.url + "/contributions", data=data, headers=headers, timeout=60)


def test_valid_contribution_is_created_readable_and_queryable(server: Server) -> None:
    response = post(server, (DATA / "valid.ttl").read_bytes())
    assert response.status_code == 201, response.text
    location = response.headers["Location"]
    assert location == f"/contributions/{response.json()['id']}"
    assert response.json()["contributor"] == "alice"
    got = requests.get(server.url + location, headers={"Accept": "text/turtle"}, timeout=10)
    assert got.status_code == 200 and "test-valid-1" in got.text and "sha256" in got.text
    query = "ASK { <https://w3id.org/tpkg/id/recommendation/test-valid-1> a ?t }"
    for _ in range(4):  # both web workers see it at once
        asked = requests.get(server.url + "/sparql", params={"query": query}, timeout=10)
        assert asked.json()["boolean"] is True


def test_a_repeated_query_sees_a_contribution_at_once(server: Server) -> None:
    # The lean GET path keeps the plan of a repeated query, never its answer.
    query = "ASK { <https://w3id.org/tpkg/id/recommendation/plan-fresh-0> a ?t }"
    for _ in range(4):  # both web workers plan (and keep) this query
        asked = requests.get(server.url + "/sparql", params={"query": query}, timeout=10)
        assert asked.json()["boolean"] is False
    assert post(server, recommendations(1, "plan-fresh")).status_code == 201
    for _ in range(4):
        asked = requests.get(server.url + "/sparql", params={"query": query}, timeout=10)
        assert asked.json()["boolean"] is True


@pytest.mark.parametrize(
    ("accept", "needle"),
    [
        ("application/trig", "GRAPH"),
        ("application/json", '"sha256"'),
        ("application/ld+json", "@id"),
    ],
)
def test_get_formats(server: Server, accept: str, needle: str) -> None:
    location = post(server, (DATA / "warning.ttl").read_bytes()).headers["Location"]
    got = requests.get(server.url + location, headers={"Accept": accept}, timeout=10)
    assert got.status_code == 200 and got.headers["Content-Type"].startswith(accept)
    assert needle in got.text or needle.lower() in got.text.lower()


def test_repeated_identical_submission_gives_the_same_id(server: Server) -> None:
    data = recommendations(3, "repeat")
    first, second = post(server, data), post(server, data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.headers["Location"] == second.headers["Location"]


def test_invalid_contribution_is_422_with_report_and_nothing_written(server: Server) -> None:
    before = snapshot(server.store)
    response = post(server, (DATA / "invalid.ttl").read_bytes())
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["type"] == "validation-failed"
    assert body["report"]["counts"]["Violation"] == 2
    assert "needs a label" in response.text
    assert snapshot(server.store) == before


def test_delete_withdraws(server: Server) -> None:
    location = post(server, recommendations(2, "withdraw")).headers["Location"]
    assert requests.delete(server.url + location, headers=ALICE, timeout=10).status_code == 401
    deleted = requests.delete(server.url + location, headers=MAINTAINER, timeout=10)
    assert deleted.status_code == 200 and deleted.json()["withdrawnAtTime"]
    assert requests.get(server.url + location, timeout=10).status_code == 410
    query = "ASK { <https://w3id.org/tpkg/id/recommendation/withdraw-0> ?p ?o }"
    asked = requests.get(server.url + "/sparql", params={"query": query}, timeout=10)
    assert asked.json()["boolean"] is False
    cid = location.rsplit("/", 1)[1]
    record = read_record(EmbeddedStore.open(server.store, read_only=True), contribution_graph(cid))
    assert record is not None and record.withdrawn_at


XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&b;</rdf:RDF>'
)
BAD_INPUT = [
    ("malformed turtle", b"<http://e/a> <http://e/p> .", TURTLE, 400, "cannot parse turtle"),
    (
        "remote context",
        b'{"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}',
        {"Content-Type": "application/ld+json"},
        422,
        "remote JSON-LD contexts",
    ),
    ("external entity", XXE, {"Content-Type": "application/rdf+xml"}, 422, "ENTITY"),
    ("billion laughs", LAUGHS, {"Content-Type": "application/rdf+xml"}, 422, "ENTITY"),
    ("oversized", b"#" * 70_000, TURTLE, 413, "bytes"),
    ("named graphs", b"{ }", {"Content-Type": "application/trig"}, 415, "named graphs"),
    (
        "schema change",
        b"<http://e/A> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://e/B> .",
        TURTLE,
        422,
        "may not change the schema",
    ),
]


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = make_store(tmp_path_factory.mktemp("kg-small"))
    running = start_server(store, KG_MAX_CONTRIBUTION_BYTES="65536")
    yield running
    running.stop()


@pytest.mark.parametrize(("name", "data", "headers", "status", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_changes_nothing(
    small_server: Server, name: str, data: bytes, headers: dict, status: int, message: str
) -> None:
    before = snapshot(small_server.store)
    response = post(small_server, data, {"Authorization": "Bearer bob-secret", **headers})
    assert response.status_code == status, (name, response.text)
    error = response.json()["error"]
    assert error["status"] == status and message in error["message"]
    assert snapshot(small_server.store) == before


@pytest.mark.parametrize("token", [None, "Bearer wrong", "Basic alice-secret", "Bearer "])
def test_missing_or_wrong_token_is_401(small_server: Server, token: str | None) -> None:
    before = snapshot(small_server.store)
    headers = {**TURTLE, **({"Authorization": token} if token else {})}
    response = post(small_server, (DATA / "valid.ttl").read_bytes(), headers)
    assert response.status_code == 401 and "token" in response.json()["error"]["message"]
    assert snapshot(small_server.store) == before


def test_sigkill_during_writes_leaves_contributions_whole_or_absent(tmp_path: Path) -> None:
    store, rng = make_store(tmp_path), random.Random(4)
    kept: dict[str, int] = {}
    interrupted: list[object] = []
    for round_ in range(4):
        server = start_server(store)
        small = post(server, recommendations(5, f"kept{round_}"))
        assert small.status_code == 201, small.text
        kept[small.json()["id"]] = 20
        sent: list[bytes] = []
        threads = [
            threading.Thread(
                target=_until_killed, args=(interrupted, sent, server, f"{round_}-{n}")
            )
            for n in range(4)
        ]
        for thread in threads:
            thread.start()
        time.sleep(rng.uniform(0.3, 3.0))  # early or late in a write, while others wait
        server.stop(signal.SIGKILL)
        for thread in threads:
            thread.join()
        engine = EmbeddedStore.open(store, read_only=True)
        for cid, count in kept.items():
            assert _count(engine, cid) == count
        for payload in sent:
            cid = read_payload(
                payload, "turtle", max_bytes=10**7, max_triples=10**5
            ).contribution_id
            stored = _count(engine, cid)
            has_record = read_record(engine, contribution_graph(cid)) is not None
            assert (stored, has_record) in ((0, False), (1600, True))
    assert interrupted, "no kill landed while a contribution was being stored"


def _until_killed(interrupted: list[object], sent: list[bytes], server: Server, tag: str) -> None:
    """Contribute one big payload after another until the server is killed (so a write is
    under way when the kill comes); the request cut off is recorded in ``interrupted``."""
    for n in range(1000):
        payload = recommendations(400, f"big{tag}-{n}")
        sent.append(payload)
        try:
            post(server, payload)
        except requests.RequestException as exc:
            interrupted.append(exc)
            return


def _count(engine: EmbeddedStore, cid: str) -> int:
    query = "SELECT (COUNT(*) AS ?n) ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    graph = Term("uri", contribution_graph(cid))
    rows = engine.query(query, row_limit=1, substitutions={"g": graph}).rows
    return int(rows[0][0].value) if rows and rows[0][0] else 0


def test_a_check_over_the_time_limit_is_503_and_writes_nothing(tmp_path: Path) -> None:
    server = start_server(make_store(tmp_path), KG_VALIDATION_TIMEOUT="0.5")
    try:
        before = snapshot(server.store)
        response = post(server, recommendations(5000, "slow"))
        assert response.status_code == 503, response.text
        assert response.json()["error"]["type"] == "validation-timeout"
        assert snapshot(server.store) == before
    finally:
        server.stop()
