"""``/openapi.json``: every Flask route and method is described (so the document cannot go
stale), and a schema-driven client against a live server on its own store copy finds no 500
and no answer that differs from the document; every error is the one JSON shape."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from conftest import MAINTAINER_TOKEN, ROOT, Server, ServerFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kg.config import Settings
from kg.web import create_app
from kg.web.openapi import document

#: Flask rules whose path OpenAPI spells differently (a ``path`` converter spans segments).
ALIASES = {"/id/<path:key>": "/id/{type}/{key}"}
#: Flask's own file route, not part of the API.
NOT_API = {"static"}
CONTRIBUTOR, MAINTAINER = "fuzz-contributor-secret", "fuzz-maintainer-secret"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def openapi_path(rule: str) -> str:
    return ALIASES.get(rule) or re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def flask_operations(store: Path) -> set[tuple[str, str]]:
    """Every (OpenAPI path, method) the app routes, without HEAD and automatic OPTIONS."""
    app = create_app(Settings.build(env={}, overrides={"store": str(store)}))
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_API:
            continue
        automatic = {"OPTIONS"} if getattr(rule, "provide_automatic_options", False) else set()
        for method in (rule.methods or set()) - {"HEAD"} - automatic:
            found.add((openapi_path(rule.rule), method.lower()))
    return found


def documented() -> set[tuple[str, str]]:
    return {(path, method) for path, ops in document()["paths"].items() for method in ops}


def test_every_route_and_method_is_described(store_dir: Path) -> None:
    missing = flask_operations(store_dir) - documented()
    assert len(documented()) > 10 and missing == set()


def test_every_described_operation_is_routed(store_dir: Path) -> None:
    assert documented() - flask_operations(store_dir) == set()


def test_the_live_document_is_the_one_built(server: Server) -> None:
    response = requests.get(server.url + "/openapi.json", timeout=30)
    assert response.status_code == 200 and response.json() == document()
    assert response.json()["openapi"].startswith("3.1")


@pytest.fixture(scope="module")
def fuzzed(server_factory: ServerFactory, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """A fresh server on its own store copy, with contributor and maintainer tokens."""
    folder = tmp_path_factory.mktemp("fuzz-tokens")
    (folder / "tokens").write_text(f"fuzz:{CONTRIBUTOR}\n", encoding="utf-8")
    (folder / "maintainer").write_text(f"{MAINTAINER}\n", encoding="utf-8")
    return server_factory(
        own_store=True,
        KG_TOKEN_FILE=str(folder / "tokens"),
        KG_MAINTAINER_TOKEN_FILE=str(folder / "maintainer"),
        KG_SHAPES=str(ROOT / "tests" / "data" / "contributions" / "shapes"),
    )


#: The document, loaded by the schema-driven client (the live server's is the same).
SCHEMA = schemathesis.openapi.from_dict(document())
OPERATIONS = sorted((p, m) for p, ops in document()["paths"].items() for m in ops)


def token_for(method: str, path: str) -> dict[str, str]:
    """The contributor token on POST /contributions, the maintainer's on DELETE and /update."""
    if path == "/contributions" and method == "POST":
        return {"Authorization": f"Bearer {CONTRIBUTOR}"}
    if path.startswith("/contributions/") and method == "DELETE":
        return {"Authorization": f"Bearer {MAINTAINER}"}
    if path == "/update":
        return {"Authorization": f"Bearer {MAINTAINER_TOKEN}"}
    return {}


@pytest.mark.parametrize(
    ("method", "fields"),
    [
        ("GET", {"default-graph-uri": "x"}),
        ("GET", {"named-graph-uri": "http://a b"}),
        ("POST", {"default-graph-uri": "null"}),
    ],
)
def test_issue_a_graph_parameter_that_is_no_iri_gets_400(
    fuzzed: Server, method: str, fields: dict[str, str]
) -> None:
    sent = {"query": "ASK {}", **fields}
    where = {"params": sent} if method == "GET" else {"data": sent}
    response = requests.request(method, fuzzed.endpoint, timeout=30, **where)  # type: ignore[arg-type]
    assert response.status_code == 400 and response.json()["error"]["status"] == 400


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_the_server_answers_as_described(
    request: pytest.FixtureRequest, path: str, method: str
) -> None:
    # /update exists in maintainer mode only: its operations run there (own store, token).
    live: Server = request.getfixturevalue("maintainer" if path == "/update" else "fuzzed")
    headers = token_for(method.upper(), path)

    operation = SCHEMA[path][method.upper()]
    modes = st.one_of(operation.as_strategy(mode) for mode in GenerationMode)

    @given(case=modes)
    @settings(
        max_examples=30,
        deadline=timedelta(seconds=20),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def answers_as_described(case: Any) -> None:
        response = case.call_and_validate(
            base_url=live.url, headers=headers, checks=CHECKS, timeout=30
        )
        if response.status_code >= 400:
            error = response.json()["error"]
            assert set(error) == {"status", "type", "message"}
            assert error["status"] == response.status_code

    answers_as_described()
