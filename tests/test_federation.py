"""Federation, opt in: with an allowlist, a query whose every SERVICE is listed runs in the
federation pool and gets the listed endpoint's rows (a real Oxigraph server on 127.0.0.1);
anything else stays in the sandbox, and an unlisted endpoint (the canary) is never reached."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from conftest import (
    Canary,
    Server,
    ServerFactory,
    oxigraph_binary,
    oxigraph_server,
    run_kg,
)

from kg.errors import QueryRefused
from kg.query.federation import confirmed, service_iris
from kg.query.guard import inspect

JSON = "application/sparql-results+json"
TRIPLES = '<http://fed.example/s> <http://fed.example/p> "one", "two", "three" .\n'
ROWS = "SELECT ?o WHERE {{ SERVICE {target} {{ <http://fed.example/s> ?p ?o }} }}"
DIRECT = "SELECT ?o WHERE { <http://fed.example/s> ?p ?o }"


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Query URL of an Oxigraph server on 127.0.0.1 holding :data:`TRIPLES`."""
    folder = tmp_path_factory.mktemp("remote")
    (folder / "data.ttl").write_text(TRIPLES, encoding="utf-8")
    location = folder / "store"
    load = [oxigraph_binary(), "load", "--location", str(location), "--file"]
    subprocess.run([*load, str(folder / "data.ttl")], check=True)
    with oxigraph_server(location) as url:
        yield url


@pytest.fixture(scope="module")
def slow() -> Iterator[str]:
    """A listed endpoint that answers only after 5 s."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(5)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(params=["true", "false"], ids=["guard-on", "guard-off"])
def guard(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def federating(server_factory: ServerFactory, remote: str, slow: str, guard: str) -> Server:
    allowlist = f"{remote},{slow}"
    return server_factory(KG_SERVICE_ALLOWLIST=allowlist, KG_SERVICE_TIMEOUT="1", KG_GUARD=guard)


def post(server: Server, text: str) -> requests.Response:
    return requests.post(
        server.endpoint, data={"query": text}, headers={"Accept": JSON}, timeout=60
    )


def values(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(b["o"]["value"] for b in response.json()["results"]["bindings"])


@pytest.mark.parametrize("spelling", ["<{r}>", "SILENT <{r}>"])
def test_a_listed_endpoint_answers_with_its_rows(
    federating: Server, remote: str, spelling: str
) -> None:
    text = ROWS.format(target=spelling.format(r=remote))
    direct = requests.get(remote, params={"query": DIRECT}, timeout=30, headers={"Accept": JSON})
    assert values(post(federating, text)) == values(direct) != []


def test_kg_query_federates_with_the_same_allowlist(store_dir: Path, remote: str) -> None:
    text = ROWS.format(target=f"<{remote}>")
    env = {"KG_SERVICE_ALLOWLIST": remote}
    done = run_kg("--store", str(store_dir), "query", text, "--format", "csv", env=env)
    direct = requests.get(remote, params={"query": DIRECT}, timeout=30, headers={"Accept": JSON})
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()[1:]) == values(direct) != []


UNLISTED = {
    "plain": "SELECT * {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }}",
    "beside-a-listed-one": "SELECT * {{ SERVICE <{r}> {{ ?s ?p ?o }} SERVICE <{c}/q> {{ }} }}",
    "inside-a-listed-one": "SELECT * {{ SERVICE <{r}> {{ SERVICE <{c}/q> {{ ?s ?p ?o }} }} }}",
    "prefix-named-silent": "PREFIX silent: <{r}/> PREFIX : <{c}/> "
    "SELECT * {{ SERVICE silent:q {{ ?s ?p ?o }} }}",
    "glued": "PREFIX : <{c}/> SELECT * {{ SERVICE <{r}> {{ ?s ?p ?o }} SERVICE:q {{ ?s ?p ?o }} }}",
    "variable": "SELECT * {{ BIND(<{c}/q> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("template", UNLISTED.values(), ids=UNLISTED.keys())
def test_an_unlisted_endpoint_is_refused_and_never_reached(
    federating: Server, remote: str, canary: Canary, guard: str, template: str
) -> None:
    response = post(federating, template.format(r=remote, c=canary.url))
    if guard == "true":
        assert (response.status_code, response.json()["error"]["type"]) == (400, "query-refused")
    assert response.status_code in (200, 400) and canary.hits == []


def test_a_query_the_full_parse_cannot_read_stays_in_the_sandbox(
    federating: Server, remote: str
) -> None:
    escaped = "PREFIX e: <http://e/> SELECT * {{ BIND(e:x\\#y AS ?u) SERVICE <{r}> {{ }} }}"
    text = escaped.format(r=remote)
    error = post(federating, text).json()["error"]
    assert (error["type"], "does not federate" in error["message"]) == ("query-refused", True)


def test_a_federated_query_is_stopped_at_the_service_timeout(federating: Server, slow: str) -> None:
    started = time.monotonic()
    response = post(federating, ROWS.format(target=f"<{slow}>"))
    assert (response.status_code, response.json()["error"]["type"]) == (503, "query-timeout")
    assert time.monotonic() - started < 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * { SERVICE <http://a/s> { ?s ?p ?o } }", ("http://a/s",)),
        ("PREFIX : <http://a/> SELECT * { SERVICE:s { ?s ?p ?o } }", ("http://a/s",)),
        (
            "PREFIX silent: <http://b/> PREFIX : <http://a/> ASK { SERVICE silent:s {} }",
            ("http://a/s",),
        ),
        ("BASE <http://a/x/> SELECT * { SERVICE <../s> { ?s ?p ?o } }", ("http://a/s",)),
        ("ASK { FILTER NOT EXISTS { SERVICE <http://a/s> {} } }", ("http://a/s",)),
        ("SELECT * { SERVICE ?e { ?s ?p ?o } }", None),
        ("SELECT * { SERVICE <http://a/s> ", None),
    ],
)
def test_the_full_parse_finds_every_service_call(
    text: str, expected: tuple[str, ...] | None
) -> None:
    assert service_iris(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * { SERVICE <http://ok/s> { ?s ?p ?o } }", True),
        ("SELECT * { ?s ?p ?o }", False),
        ("SELECT * { SERVICE <http://evil/s> { ?s ?p ?o } }", False),
        ("PREFIX e: <http://e/> SELECT * { BIND(e:x\\#y AS ?u) SERVICE <http://ok/s> {} }", False),
    ],
)
def test_only_confirmed_listed_services_federate(text: str, expected: bool) -> None:
    assert confirmed(text, inspect(text), ("http://ok/",)) is expected


def test_a_service_the_guard_missed_but_the_full_parse_sees_is_refused() -> None:
    text = "SELECT * { SERVICE <http://ok/s> { ?s ?p ?o } SERVICE <http://evil/s> {} }"
    missed = inspect("SELECT * { SERVICE <http://ok/s> { ?s ?p ?o } }")
    with pytest.raises(QueryRefused):
        confirmed(text, missed, ("http://ok/",))
