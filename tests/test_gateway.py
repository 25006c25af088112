"""The validation gateway: isolated validation processes with a deadline, apart from the
query workers, at the lowest CPU priority and without network; bad ``?graph=`` values."""

from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ROOT, Canary, Server, ServerFactory, run_kg
from test_remote_store import oxigraph  # noqa: F401 (a fixture)

from kg.config import Settings
from kg.validation import ValidationGateway
from kg.validation.task import NICENESS

TESTS = Path(__file__).resolve().parent
JSON = {"Accept": "application/json"}
TURTLE = {"Content-Type": "text/turtle", **JSON}
UPR = "https://w3id.org/tpkg/graph/data/upr/upr-info"
SMALL = b"""@prefix tp: <https://w3id.org/tpkg/ontology#> .
<https://w3id.org/tpkg/id/recommendation/gw-1> a tp:Recommendation ."""


def big_body(tag: str) -> bytes:
    """20,000 triples of recommendations (far more than 2 s of pySHACL)."""
    from security.flood import recommendations

    return recommendations(20_000, tag)


@pytest.fixture(scope="module")
def hurried(server_factory: ServerFactory) -> Server:
    """A server with one web worker whose validations may run 2 s, one at a time, with one
    more waiting."""
    return server_factory(
        KG_VALIDATION_TIMEOUT="2",
        KG_MAX_BODY_BYTES="4194304",
        KG_WORKERS="1",
        KG_VALIDATION_QUEUE="1",
    )


def validate(server: Server, data: bytes = b"", **params: str) -> requests.Response:
    url = server.url + "/validate"
    return requests.post(url, data=data, params=params, headers=TURTLE, timeout=60)


def _answered(server: Server, data: bytes, seconds: float = 60) -> int:
    """The first status other than 503 that ``data`` gets within ``seconds`` (a replaced
    validation worker warms up at the lowest priority first)."""
    deadline = time.monotonic() + seconds
    while (status := validate(server, data).status_code) == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
    return status


def test_a_validation_over_the_limit_is_503_and_the_server_goes_on(hurried: Server) -> None:
    response = validate(hurried, big_body("late"))
    assert response.status_code == 503, response.text
    assert response.json()["error"]["type"] == "validation-timeout"
    assert hurried.alive()
    assert _answered(hurried, SMALL) == 200


def test_one_validation_waits_for_the_slot_and_one_more_is_503_busy(hurried: Server) -> None:
    bodies = [big_body(t) for t in ("x", "y", "z")]
    answers: list[requests.Response] = []
    senders = [
        threading.Thread(target=lambda b=b: answers.append(validate(hurried, b))) for b in bodies
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    types = sorted(a.json()["error"]["type"] for a in answers if a.status_code == 503)
    assert types == ["validation-busy", "validation-timeout", "validation-timeout"]
    busy = [a for a in answers if a.json()["error"]["type"] == "validation-busy"]
    assert busy[0].headers["Retry-After"] == "1"


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _workers_of(root: int) -> list[int]:
    """Pids of the worker processes (query and validation) below process ``root``."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    below = {root}
    for _ in range(5):
        below |= {pid for pid, parent in parents.items() if parent in below}
    return [pid for pid in below if b"kg.query.worker" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def test_validation_workers_run_at_the_lowest_priority(hurried: Server) -> None:
    assert hurried.alive() and _answered(hurried, SMALL) == 200
    requests.get(hurried.endpoint, params={"query": "ASK {}"}, timeout=30)  # query workers
    nices = sorted(_niceness(pid) for pid in _workers_of(hurried.process.pid))
    assert nices == [os.nice(0)] * 2 + [NICENESS]  # two query workers, one validation worker


@pytest.mark.parametrize("graph", ["http://[", "https://a b/", "urn:x:y", "states"])
def test_a_graph_parameter_that_is_no_http_iri_is_400(server: Server, graph: str) -> None:
    response = validate(server, graph=graph)
    assert response.status_code == 400 and response.json()["error"]["type"] == "bad-request"


def test_a_stored_graph_over_the_triple_cap_is_413(server_factory: ServerFactory) -> None:
    capped = server_factory(KG_MAX_TRIPLES="100")
    response = validate(capped, graph=UPR)
    assert response.status_code == 413, response.text
    assert "more than 100 triples" in response.json()["error"]["message"]


@dataclass(frozen=True)
class ReachOut:
    """A task that tries to fetch ``url`` from inside a validation worker."""

    url: str
    version: tuple[int, int, int] = (0, 0, 0)

    def at(self, version: tuple[int, int, int]) -> ReachOut:
        return replace(self, version=version)

    def run(self, store: Any, config: Any) -> str:
        try:
            urllib.request.urlopen(self.url, timeout=5).close()
        except urllib.error.URLError as exc:
            return type(exc.reason).__name__
        return "reached"

    def check(self, store: Any) -> str:
        return self.run(store, None)


def test_a_validation_worker_cannot_open_internet_sockets(
    store_dir: Path, canary: Canary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(TESTS))  # the worker imports this module
    gateway = ValidationGateway(Settings.build(env={}, overrides={"store": str(store_dir)}))
    try:
        assert gateway.run(ReachOut(canary.url + "/probe")) == "PermissionError"
    finally:
        gateway.close()
    assert canary.hits == []


def test_with_a_remote_store_validation_reads_its_context_there(oxigraph: str) -> None:  # noqa: F811
    assert run_kg("--store", oxigraph, "load", "ontology", "data/turtle/entities").returncode == 0
    shapes = {"KG_SHAPES": str(ROOT / "tests" / "data" / "contributions" / "shapes")}
    valid = str(ROOT / "tests" / "data" / "contributions" / "valid.ttl")
    done = run_kg("--store", oxigraph, "validate", valid, env=shapes)
    assert done.returncode == 0 and "conforms (0 violations" in done.stdout, done.stderr
