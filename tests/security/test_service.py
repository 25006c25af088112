"""SERVICE in every spelling: the guard refuses it early, and without the guard the kernel
(the query workers' seccomp filter) keeps it off the network. The canary must see nothing."""

from __future__ import annotations

import re

import pytest
import requests
from conftest import Canary, Server, ServerFactory

JSON = "application/sparql-results+json"

#: Each a way to call the canary; ``{c}`` is its base URL.
SPELLINGS = {
    "plain": "SELECT * WHERE {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }}",
    "lower-case": "select * where {{ service <{c}/sparql> {{ ?s ?p ?o }} }}",
    "silent": "SELECT * WHERE {{ SERVICE SILENT <{c}/sparql> {{ ?s ?p ?o }} }}",
    "no-spaces": "SELECT*{{SERVICE<{c}/sparql>{{?s?p?o}}}}",
    "comment-between": "SELECT * WHERE {{ SERVICE#x\n<{c}/sparql> {{ ?s ?p ?o }} }}",
    "variable": "SELECT * WHERE {{ BIND(<{c}/sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "values-variable": "SELECT * {{ VALUES ?e {{ <{c}/s> }} SERVICE SILENT ?e {{ ?s ?p ?o }} }}",
    "exists": "ASK {{ FILTER EXISTS {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }} }}",
    "optional": "SELECT * WHERE {{ OPTIONAL {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }} }}",
    "union": "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }} }}",
    "subquery": "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{c}/q> {{ ?s ?p ?o }} }} }} }}",
    "construct": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }}",
    "describe": "DESCRIBE ?s WHERE {{ SERVICE <{c}/sparql> {{ ?s ?p ?o }} }}",
    "base-relative": "BASE <{c}/a/> SELECT * WHERE {{ SERVICE <../sparql> {{ ?s ?p ?o }} }}",
    "prefixed": "PREFIX c: <{c}/> SELECT * WHERE {{ SERVICE c:sparql {{ ?s ?p ?o }} }}",
    "glued": "PREFIX : <{c}/> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
    "glued-silent": "PREFIX : <{c}/> SELECT * WHERE {{ SERVICE SILENT:sparql {{ ?s ?p ?o }} }}",
    "escaped-hash": "PREFIX e: <http://e/> SELECT * WHERE {{ BIND(e:x\\#y AS ?u) "
    "SERVICE <{c}/s> {{ ?x ?y ?z }} }}",
    "escaped-quote": "PREFIX e: <http://e/> SELECT * WHERE {{ BIND(e:x\\'y AS ?u) "
    "SERVICE <{c}/s> {{ ?x ?y ?z }} FILTER(?u != 'z') }}",
    "percent-escape": "PREFIX c: <{c}/> SELECT * WHERE {{ SERVICE c:%73parql {{ ?s ?p ?o }} }}",
    "escaped-slash": "PREFIX c: <{c}/> SELECT * WHERE {{ SERVICE c:a\\/b {{ ?s ?p ?o }} }}",
    "unicode-escape": "SELECT * WHERE {{ SERVICE <{c}/\\u0073parql> {{ ?s ?p ?o }} }}",
    "prefix-named-service": "PREFIX service: <http://e/> PREFIX : <{c}/> "
    "SELECT * WHERE {{ service:sparql {{ ?s ?p ?o }} }}",
    "prefix-named-silent": "PREFIX silent: <http://e/> PREFIX : <{c}/> "
    "SELECT * WHERE {{ SERVICE silent:sparql {{ ?s ?p ?o }} }}",
}
#: What the guard says (it names the target, or the variable); the kernel's refusal does not.
GUARD_MESSAGE = re.compile(r"^SERVICE (<|with a variable)")


@pytest.fixture(params=["true", "false"], ids=["guard-on", "guard-off"])
def guard(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def endpoint(server_factory: ServerFactory, guard: str) -> Server:
    return server_factory(KG_GUARD=guard)


def post(server: Server, text: str) -> requests.Response:
    return requests.post(
        server.endpoint, data={"query": text}, headers={"Accept": JSON}, timeout=60
    )


@pytest.mark.parametrize("template", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_service_never_reaches_the_target(
    endpoint: Server, canary: Canary, guard: str, template: str
) -> None:
    response = post(endpoint, template.format(c=canary.url))
    assert response.status_code in ((400,) if guard == "true" else (200, 400)), response.text
    assert response.headers["Content-Type"].startswith(("application/json", JSON))
    assert canary.hits == []


@pytest.mark.parametrize("template", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_the_guard_refuses_every_spelling_before_the_engine_runs(
    server: Server, canary: Canary, template: str
) -> None:
    error = post(server, template.format(c=canary.url)).json()["error"]
    assert (error["status"], error["type"]) == (400, "query-refused")
    assert GUARD_MESSAGE.match(error["message"]), error["message"]


def test_without_the_guard_the_sandbox_refuses_service_with_a_clear_400(
    server_factory: ServerFactory, canary: Canary
) -> None:
    response = post(server_factory(KG_GUARD="false"), SPELLINGS["glued"].format(c=canary.url))
    error = response.json()["error"]
    assert (error["status"], error["type"]) == (400, "query-refused")
    assert "does not federate" in error["message"] and canary.hits == []
