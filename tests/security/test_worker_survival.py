"""An error at any stage of a query (dataset, parse, start, while the answer is read, a fault
in a task) is answered, and the query worker that met it lives on: the same processes answer
the next query."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from conftest import Server, ServerFactory

from kg.config import Settings
from kg.errors import KgError
from kg.query import QueryPool
from kg.query.worker import QueryTask
from kg.results import Term

JSON = "application/sparql-results+json"
SERVICE = "SERVICE <http://127.0.0.1:9/sparql> { ?x ?y ?z }"
#: (query, dataset parameters, Accept): each fails at another stage.
FAILURES = {
    "bad-default-graph-uri": ("SELECT * { ?s ?p ?o }", {"default-graph-uri": "http://["}, JSON),
    "bad-named-graph-uri": ("SELECT * { ?s ?p ?o }", {"named-graph-uri": "no iri"}, JSON),
    "bad-from-iri": ("SELECT * FROM <http://[> { ?s ?p ?o }", {}, JSON),
    "syntax": ("SELECT * WHERE { ?s ?p", {}, JSON),
    "service-while-writing-json": (f"SELECT * {{ {SERVICE} }}", {}, JSON),
    "service-while-collecting": (f"SELECT * {{ {SERVICE} }}", {}, "text/csv"),
    "service-in-construct": (f"CONSTRUCT {{ ?x ?y ?z }} {{ {SERVICE} }}", {}, "text/turtle"),
    "service-at-start": (f"ASK {{ {SERVICE} }}", {}, JSON),
    "service-in-optional": (f"SELECT * {{ ?s ?p ?o OPTIONAL {{ {SERVICE} }} }} LIMIT 3", {}, JSON),
}


def query_workers(server: Server) -> set[int]:
    """The pids of the server's query worker processes (its session's ``kg.query.worker``)."""
    pids = set()
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
            session = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[3])
        except (OSError, ValueError, IndexError):
            continue
        if session == server.process.pid and b"kg.query.worker" in command:
            pids.add(int(proc.name))
    return pids


@pytest.fixture(scope="module")
def unguarded(server_factory: ServerFactory) -> Server:
    """A server whose guard lets SERVICE and FROM through, so the engine meets them."""
    return server_factory(KG_GUARD="false")


def ask(server: Server, text: str, fields: dict[str, str], accept: str) -> requests.Response:
    data = {"query": text, **fields}
    return requests.post(server.endpoint, data=data, headers={"Accept": accept}, timeout=60)


@pytest.mark.parametrize(("text", "fields", "accept"), FAILURES.values(), ids=FAILURES.keys())
def test_an_engine_error_is_a_400_and_the_worker_lives_on(
    unguarded: Server, text: str, fields: dict[str, str], accept: str
) -> None:
    ask(unguarded, "ASK {}", {}, JSON)
    before = query_workers(unguarded)
    response = ask(unguarded, text, fields, accept)
    assert (response.status_code, response.json()["error"]["status"]) == (400, 400), response.text
    assert ask(unguarded, "ASK { ?s ?p ?o }", {}, JSON).json()["boolean"] is True
    assert query_workers(unguarded) == before and len(before) == 2


@pytest.fixture(scope="module")
def pool(store_dir: Path) -> QueryPool:
    settings = Settings.build(env={}, overrides={"store": str(store_dir), "query_workers": 1})
    started = QueryPool(settings)
    yield started  # type: ignore[misc]
    started.close()


def test_a_fault_in_a_task_is_an_error_reply_and_the_worker_lives_on(pool: QueryPool) -> None:
    broken = QueryTask("SELECT * { ?s ?p ?o }", "json", substitutions={"s": Term("nonsense", "x")})
    pool.run(QueryTask("ASK {}", "json"))
    with pytest.raises(KgError) as caught:
        pool.run(broken)
    assert (caught.value.status, pool.restarts) == (500, 0)
    assert pool.run(QueryTask("ASK { ?s ?p ?o }", "json")).body == b'{"head":{},"boolean":true}'
