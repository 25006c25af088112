"""Both production HTTP servers (gunicorn, granian) serve the same app with the same answers."""

from __future__ import annotations

import pytest
import requests
from conftest import Server, ServerFactory

SERVERS = ["gunicorn", "granian"]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(params=SERVERS)
def each_server(request: pytest.FixtureRequest, server_factory: ServerFactory) -> Server:
    return server_factory(KG_SERVER=request.param)


def test_each_server_answers_a_query_like_the_other(each_server: Server, server: Server) -> None:
    ours = requests.get(each_server.endpoint, params={"query": COUNT}, timeout=30).json()
    reference = requests.get(server.endpoint, params={"query": COUNT}, timeout=30).json()
    assert ours == reference


def test_each_server_renders_errors_as_json(each_server: Server) -> None:
    response = requests.get(each_server.endpoint, params={"query": "SELEC"}, timeout=30)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "syntax-error"


def test_each_server_refuses_updates_on_the_query_endpoint(each_server: Server) -> None:
    response = requests.post(each_server.endpoint, data={"update": "CLEAR ALL"}, timeout=30)
    assert response.status_code == 403 and response.json()["error"]["status"] == 403
