"""FROM, FROM NAMED and the protocol's dataset parameters never fetch a remote graph or read a
file, guard on or off; IRIs that are no IRIs get 400, not a dead worker."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from conftest import Canary, Server, ServerFactory

JSON = "application/sparql-results+json"
ALL = "SELECT * WHERE {{ ?s ?p ?o }}"
NAMED = "SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
#: (query template, dataset parameters); ``{g}`` is the graph IRI to name.
WAYS = {
    "from": ("SELECT * FROM <{g}> WHERE {{ ?s ?p ?o }}", {}),
    "from-named": ("SELECT * FROM NAMED <{g}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
    "from-lower-case": ("select * from <{g}> where {{ ?s ?p ?o }}", {}),
    "from-glued": ("PREFIX : <{g}/> SELECT * FROM:x WHERE {{ ?s ?p ?o }}", {}),
    "default-graph-uri": (ALL, {"default-graph-uri": "{g}"}),
    "named-graph-uri": (NAMED, {"named-graph-uri": "{g}"}),
}


@pytest.fixture(params=["true", "false"], ids=["guard-on", "guard-off"])
def endpoint(request: pytest.FixtureRequest, server_factory: ServerFactory) -> Server:
    return server_factory(KG_GUARD=request.param)


def post(server: Server, text: str, fields: dict[str, str]) -> requests.Response:
    data = {"query": text, **fields}
    return requests.post(server.endpoint, data=data, headers={"Accept": JSON}, timeout=60)


def ask(server: Server, template: str, params: dict[str, str], graph: str) -> requests.Response:
    fields = {k: v.format(g=graph) for k, v in params.items()}
    return post(server, template.format(g=graph), fields)


@pytest.mark.parametrize(("template", "params"), WAYS.values(), ids=WAYS.keys())
def test_a_remote_dataset_is_never_fetched(
    endpoint: Server, canary: Canary, template: str, params: dict[str, str]
) -> None:
    response = ask(endpoint, template, params, canary.url + "/graph")
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.json()["results"]["bindings"] == []
    assert canary.hits == []


@pytest.mark.parametrize(("template", "params"), WAYS.values(), ids=WAYS.keys())
def test_a_file_dataset_is_never_read(
    endpoint: Server, tmp_path: Path, template: str, params: dict[str, str]
) -> None:
    data = tmp_path / "secret.nt"
    data.write_text("<urn:x:secret> <urn:x:is> <urn:x:read> .\n", encoding="utf-8")
    response = ask(endpoint, template, params, data.as_uri())
    assert response.status_code in (200, 400), response.text
    assert "urn:x:secret" not in response.text


BAD_IRIS = {
    "from": ("SELECT * FROM <http://[> WHERE { ?s ?p ?o }", {}),
    "from-named": ("SELECT * FROM NAMED <http://[> WHERE { GRAPH ?g { ?s ?p ?o } }", {}),
    "default-graph-uri": ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "http://["}),
    "named-graph-uri": ("SELECT * WHERE { ?s ?p ?o }", {"named-graph-uri": "not an iri"}),
    "default-relative": ("SELECT * WHERE { ?s ?p ?o }", {"default-graph-uri": "graph"}),
}


@pytest.mark.parametrize(("text", "fields"), BAD_IRIS.values(), ids=BAD_IRIS.keys())
def test_a_bad_dataset_iri_gets_400_and_the_server_goes_on(
    endpoint: Server, text: str, fields: dict[str, str]
) -> None:
    response = post(endpoint, text, fields)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["status"] == 400
    assert post(endpoint, "ASK { ?s ?p ?o }", {}).json()["boolean"] is True
