"""One error shape for every HTTP error the server sends.

Each request below provokes one status on a live server; every answer must be JSON of
exactly ``{"error": {"status": <same>, "type": <slug>, "message": <text>}}``, never an HTML
page or a traceback.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conftest import MAINTAINER_TOKEN, Server

SELECT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
UPDATE = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    'FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), "never")) }'
)
CRASH = "SELECT * WHERE { FILTER(" + "+".join(["1"] * 20_000) + " > 0) }"
DIRECT = {"Content-Type": "application/sparql-query"}

#: id -> (target server, method, path, request keywords, expected status)
CASES: dict[str, tuple[str, str, str, dict[str, Any], int]] = {
    "syntax-error": ("server", "GET", "/sparql", {"params": {"query": "SELEC *"}}, 400),
    "two-queries": (
        "server",
        "GET",
        "/sparql",
        {"params": [("query", SELECT), ("query", SELECT)]},
        400,
    ),
    "service-refused": (
        "server",
        "POST",
        "/sparql",
        {"data": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}},
        400,
    ),
    "post-without-content-type": ("server", "POST", "/sparql", {"data": SELECT.encode()}, 400),
    "latin-1-body": (
        "server",
        "POST",
        "/sparql",
        {
            "data": SELECT.encode(),
            "headers": {"Content-Type": DIRECT["Content-Type"] + ";charset=latin-1"},
        },
        400,
    ),
    "update-get": ("server", "GET", "/sparql", {"params": {"update": UPDATE}}, 400),
    "no-token": ("maintainer", "POST", "/update", {"data": {"update": UPDATE}}, 401),
    "wrong-token": (
        "maintainer",
        "POST",
        "/update",
        {"data": {"update": UPDATE}, "headers": {"Authorization": "Bearer wrong"}},
        401,
    ),
    "update-on-sparql": ("server", "POST", "/sparql", {"data": {"update": UPDATE}}, 403),
    "update-as-query": ("server", "POST", "/sparql", {"data": {"query": UPDATE}}, 403),
    "unknown-path": ("server", "GET", "/no/such/path", {}, 404),
    "update-without-maintainer-mode": (
        "server",
        "POST",
        "/update",
        {"data": {"update": UPDATE}},
        404,
    ),
    "put-sparql": ("server", "PUT", "/sparql", {"data": SELECT.encode(), "headers": DIRECT}, 405),
    "delete-sparql": ("server", "DELETE", "/sparql", {}, 405),
    "post-home": ("server", "POST", "/", {"data": {"query": SELECT}}, 405),
    "accept-image": (
        "server",
        "GET",
        "/sparql",
        {"params": {"query": SELECT}, "headers": {"Accept": "image/png"}},
        406,
    ),
    "format-image": (
        "server",
        "GET",
        "/sparql",
        {"params": {"query": SELECT, "format": "png"}},
        406,
    ),
    "query-too-large": (
        "server",
        "POST",
        "/sparql",
        {"data": (SELECT + " #" + "x" * 70_000).encode(), "headers": DIRECT},
        413,
    ),
    "body-too-large": (
        "server",
        "POST",
        "/sparql",
        {"data": (SELECT + " #" + "x" * 300_000).encode(), "headers": DIRECT},
        413,
    ),
    "form-too-large": ("server", "POST", "/sparql", {"data": {"query": "x" * 300_000}}, 413),
    "text-plain-body": (
        "server",
        "POST",
        "/sparql",
        {"data": SELECT.encode(), "headers": {"Content-Type": "text/plain"}},
        415,
    ),
    "engine-crash": ("server", "POST", "/sparql", {"data": {"query": CRASH}}, 500),
    "timeout": ("server", "POST", "/sparql", {"data": {"query": SLOW}}, 503),
}


def assert_one_shape(response: requests.Response, status: int) -> None:
    """The response is the one JSON error shape with this status, and nothing else."""
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"].split(";")[0].strip() == "application/json"
    error = response.json()["error"]
    assert response.json() == {
        "error": {"status": status, "type": error["type"], "message": error["message"]}
    }
    assert isinstance(error["type"], str) and error["type"].strip()
    assert isinstance(error["message"], str) and error["message"].strip()
    assert "Traceback" not in response.text and "<html" not in response.text.lower()


@pytest.mark.parametrize(
    ("target", "method", "path", "kwargs", "status"), CASES.values(), ids=CASES.keys()
)
def test_every_http_error_has_the_one_json_shape(
    request: pytest.FixtureRequest,
    target: str,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
) -> None:
    base: Server = request.getfixturevalue(target)
    response = requests.request(method, base.url + path, timeout=60, **kwargs)
    assert_one_shape(response, status)


def test_the_right_maintainer_token_is_accepted(maintainer: Server) -> None:
    auth = {"Authorization": f"Bearer {MAINTAINER_TOKEN}"}
    data = {"update": "INSERT DATA { GRAPH <urn:x:errors> { <urn:x:a> <urn:x:b> <urn:x:c> } }"}
    response = requests.post(maintainer.update_endpoint, data=data, headers=auth, timeout=30)
    assert response.status_code == 204
