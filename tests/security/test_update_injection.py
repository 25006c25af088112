"""Maintainer mode pastes ``using-graph-uri`` / ``using-named-graph-uri`` into the update
text: each value must be an absolute IRI (400 otherwise), so none can inject an operation."""

from __future__ import annotations

import pytest
import requests
from conftest import MAINTAINER_TOKEN, Canary, Server, ServerFactory

from kg.namespaces import graph_iri_for_path

AUTH = {"Authorization": f"Bearer {MAINTAINER_TOKEN}"}
UPDATE = "INSERT { GRAPH <urn:x:out> { ?s <urn:x:seen> true } } WHERE { ?s ?p ?o }"
#: Values that would close the IRI and add a LOAD of the canary (``{c}``) to the update.
INJECTIONS = {
    "load": "urn:x:g> WHERE {{}} ; LOAD <{c}/data.ttl> ; INSERT {{ <urn:x:a> <urn:x:b> 1 }} "
    "USING <urn:x:g",
    "silent-load": "urn:x:g> WHERE {{}} ; LOAD SILENT <{c}/x> ; CLEAR SILENT GRAPH <urn:x:g",
    "space": "urn:x:g> WHERE {{}} ; DROP ALL ; INSERT {{}} USING <urn:x:g",
    "no-scheme": "graph",
    "brace": "urn:x:{{g}}",
    "quote": 'urn:x:"g"',
    "backslash": "urn:x:\\u003e",
}


@pytest.fixture(params=["true", "false"], ids=["guard-on", "guard-off"])
def maintainer_server(
    request: pytest.FixtureRequest,
    server_factory: ServerFactory,
    tmp_path_factory: pytest.TempPathFactory,
) -> Server:
    token = tmp_path_factory.getbasetemp() / "injection-token"
    token.write_text(MAINTAINER_TOKEN + "\n", encoding="utf-8")
    args = ("--allow-update", "--token-file", str(token))
    return server_factory(*args, own_store=True, KG_GUARD=request.param)


def send(server: Server, **fields: str) -> requests.Response:
    return requests.post(server.update_endpoint, data=fields, headers=AUTH, timeout=30)


@pytest.mark.parametrize("parameter", ["using-graph-uri", "using-named-graph-uri"])
@pytest.mark.parametrize("value", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_a_using_graph_that_is_no_iri_gets_400_and_injects_nothing(
    maintainer_server: Server, canary: Canary, parameter: str, value: str
) -> None:
    response = send(maintainer_server, update=UPDATE, **{parameter: value.format(c=canary.url)})
    assert (response.status_code, response.json()["error"]["type"]) == (400, "bad-request")
    assert parameter in response.json()["error"]["message"]
    assert canary.hits == []


def test_a_using_graph_that_is_an_iri_still_works(maintainer_server: Server) -> None:
    graph = graph_iri_for_path("ontology/tpkg.ttl")
    assert send(maintainer_server, update=UPDATE, **{"using-graph-uri": graph}).status_code == 204
    text = "ASK { GRAPH <urn:x:out> { ?s <urn:x:seen> true } }"
    answer = requests.post(maintainer_server.endpoint, data={"query": text}, timeout=30)
    assert answer.json()["boolean"] is True
