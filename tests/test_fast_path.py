"""The lean GET path answers exactly as the Flask view does.

Each request is sent twice to the same app over WSGI, with real query workers on a real store:
once through the full app (where ``GET /sparql?query=`` takes the lean path) and once straight
to the Flask app behind it. Status, headers and body must be identical.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from kg.config import Settings
from kg.web import create_app
from kg.web.fast import PLAN_CACHE_MAX_CHARS, FastQueries

SELECT = "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#Concept> } LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"


@pytest.fixture(scope="module")
def app(store_dir: Path) -> Iterator[Any]:
    # Without budgets, the lean path is the outermost layer (the budgets wrap it).
    settings = Settings.build(env={}, overrides={"store": str(store_dir), "query_workers": 1})
    settings = settings.replace(access_log=False, budget_concurrency=0, budget_seconds=0)
    flask_app = create_app(settings)
    # Compare the lean path with the Flask view, without the per-request middleware around
    # both (its X-Request-Id differs from request to request).
    flask_app.wsgi_app = flask_app.wsgi_app.app  # type: ignore[attr-defined]
    yield flask_app
    flask_app.extensions["kg"].executor.close()


def call(wsgi: Any, query_string: str, accept: str | None) -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/sparql",
        "QUERY_STRING": query_string,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    if accept is not None:
        environ["HTTP_ACCEPT"] = accept
    seen: list[Any] = []
    body = b"".join(wsgi(environ, lambda status, headers, exc=None: seen.append((status, headers))))
    status, headers = seen[0]
    return status, dict(headers), body


CASES = [
    ({"query": SELECT}, None),
    ({"query": SELECT}, "application/sparql-results+xml"),
    ({"query": SELECT}, "text/csv, */*;q=0.1"),
    ({"query": SELECT, "format": "tsv"}, None),
    ({"query": CONSTRUCT}, "application/sparql-results+json"),
    ({"query": CONSTRUCT}, "application/n-triples"),
    ({"query": "ASK { ?s ?p ?o }"}, "*/*"),
    ({"query": "SELECT * WHERE { ?s ?p }"}, None),
    ({"query": SELECT}, "image/png"),
    ({"query": SELECT, "format": "nonsense"}, None),
    ({"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, None),
    ({"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, None),
    ({"query": [SELECT, SELECT]}, None),
    ({"query": "SELECT * FROM <http://example.org/remote> WHERE { ?s ?p ?o }"}, None),
]


@pytest.mark.parametrize(("params", "accept"), CASES)
def test_the_lean_path_answers_as_the_flask_view(
    app: Any, params: dict, accept: str | None
) -> None:
    assert isinstance(app.wsgi_app, FastQueries)
    query_string = urlencode(params, doseq=True)
    lean = call(app, query_string, accept)
    full = call(app.wsgi_app.app, query_string, accept)
    assert lean[0] == full[0]
    assert lean[1] == full[1]
    assert lean[2] == full[2]


def test_errors_keep_the_one_json_shape(app: Any) -> None:
    status, headers, body = call(app, urlencode({"query": "SELECT * WHERE {"}), None)
    assert status.startswith("400 ")
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["status"] == 400 and error["type"] and error["message"]


@pytest.mark.parametrize(
    "query_string",
    ["", "format=json", "query=%FF", "query=%E2%82"],
    ids=["description", "no-query", "bad-utf8", "cut-utf8"],
)
def test_what_the_lean_path_cannot_take_goes_to_flask(app: Any, query_string: str) -> None:
    lean = call(app, query_string, "text/turtle")
    full = call(app.wsgi_app.app, query_string, "text/turtle")
    assert (lean[0], lean[2]) == (full[0], full[2])


def test_a_repeated_request_reuses_its_plan_and_runs_again(app: Any) -> None:
    fast: FastQueries = app.wsgi_app
    query_string = urlencode({"query": SELECT + " # plan-reuse"})
    first = call(app, query_string, None)
    hits = fast._cached_plan.cache_info().hits
    second = call(app, query_string, None)
    assert fast._cached_plan.cache_info().hits == hits + 1
    assert second == first and first[0].startswith("200 ")


def test_refused_requests_leave_no_plan(app: Any) -> None:
    fast: FastQueries = app.wsgi_app
    query_string = urlencode({"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    size = fast._cached_plan.cache_info().currsize
    answers = [call(app, query_string, None) for _ in range(2)]
    assert answers[0] == answers[1] and answers[0][0].startswith("400 ")
    assert fast._cached_plan.cache_info().currsize == size


def test_long_query_strings_are_planned_afresh(app: Any) -> None:
    fast: FastQueries = app.wsgi_app
    padding = "#" + "x" * PLAN_CACHE_MAX_CHARS + "\n"
    query_string = urlencode({"query": padding + SELECT})
    size = fast._cached_plan.cache_info().currsize
    lean = call(app, query_string, None)
    assert lean == call(app.wsgi_app.app, query_string, None) and lean[0].startswith("200 ")
    assert fast._cached_plan.cache_info().currsize == size
