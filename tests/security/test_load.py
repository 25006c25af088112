"""LOAD: refused on /sparql (403) in every spelling; in maintainer mode a LOAD of a remote or
``file:`` IRI is refused (400) before anything is fetched or read, guard on or off."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from conftest import MAINTAINER_TOKEN, Canary, Server, ServerFactory

#: Each a way to LOAD from the canary (``{c}``).
LOADS = {
    "plain": "LOAD <{c}/data.ttl>",
    "lower-case": "load <{c}/data.ttl>",
    "silent-into": "LOAD SILENT <{c}/data.ttl> INTO GRAPH <urn:x:loaded>",
    "prefixed": "PREFIX c: <{c}/> LOAD c:data.ttl",
    "glued": "PREFIX : <{c}/> LOAD:data.ttl",
    "glued-silent": "PREFIX : <{c}/> LOAD SILENT:data.ttl INTO GRAPH <urn:x:loaded>",
    "after-insert": "INSERT DATA {{ <urn:x:a> <urn:x:b> <urn:x:c> }} ; LOAD <{c}/data.ttl>",
    "base-relative": "BASE <{c}/a/> LOAD <../data.ttl>",
}
AUTH = {"Authorization": f"Bearer {MAINTAINER_TOKEN}"}


@pytest.fixture(params=["true", "false"], ids=["guard-on", "guard-off"])
def guard(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def maintainer_server(
    server_factory: ServerFactory, tmp_path_factory: pytest.TempPathFactory, guard: str
) -> Server:
    token = tmp_path_factory.getbasetemp() / "load-token"
    token.write_text(MAINTAINER_TOKEN + "\n", encoding="utf-8")
    return server_factory(
        "--allow-update", "--token-file", str(token), own_store=True, KG_GUARD=guard
    )


def loaded(server: Server, graph: str = "urn:x:loaded") -> int:
    text = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = requests.post(server.endpoint, data={"query": text}, timeout=30)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("transport", ["update", "query"])
@pytest.mark.parametrize("template", LOADS.values(), ids=LOADS.keys())
def test_load_on_the_query_endpoint_is_forbidden(
    server_factory: ServerFactory, canary: Canary, guard: str, template: str, transport: str
) -> None:
    endpoint = server_factory(KG_GUARD=guard).endpoint
    response = requests.post(endpoint, data={transport: template.format(c=canary.url)}, timeout=30)
    assert response.status_code == 403, response.text
    assert canary.hits == []


@pytest.mark.parametrize("template", LOADS.values(), ids=LOADS.keys())
def test_maintainer_load_of_a_remote_iri_is_refused_unfetched(
    maintainer_server: Server, canary: Canary, template: str
) -> None:
    update = template.format(c=canary.url)
    response = requests.post(
        maintainer_server.update_endpoint, data={"update": update}, headers=AUTH, timeout=30
    )
    assert (response.status_code, response.json()["error"]["type"]) == (400, "query-refused")
    assert canary.hits == []


def test_maintainer_load_of_a_file_is_refused_unread(
    maintainer_server: Server, tmp_path: Path
) -> None:
    data = tmp_path / "secret.nt"
    data.write_text("<urn:x:secret> <urn:x:is> <urn:x:read> .\n", encoding="utf-8")
    update = f"LOAD <{data.as_uri()}> INTO GRAPH <urn:x:loaded>"
    response = requests.post(
        maintainer_server.update_endpoint, data={"update": update}, headers=AUTH, timeout=30
    )
    assert response.status_code == 400
    assert loaded(maintainer_server) == 0
