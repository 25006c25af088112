"""``GET /openapi.json``: an OpenAPI 3.1 description of every HTTP route.

Built here from small helpers so that every error answer refers to the one error schema and
every answer names its headers; a test checks that each Flask route and method has its
operation here, and a schema-driven test suite runs against a live server with it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, Response, jsonify

from kg.formats import FORMATS, GRAPH, RESULTS
from kg.intake import ACCEPTED

blueprint = Blueprint("openapi", __name__)

Doc = dict[str, Any]

RESULT_TYPES = [f.media_type for f in FORMATS if f.kind == RESULTS]
GRAPH_TYPES = [f.media_type for f in FORMATS if f.kind == GRAPH]
#: Bodies that /validate and /contributions read: RDF triples.
PAYLOAD_TYPES = [f.media_type for f in FORMATS if f.key in ACCEPTED]
_REASONS = {
    400: "Malformed request, or a query the guard refuses.",
    401: "A token is missing or wrong.",
    403: "Not allowed here (an update on /sparql; no token file set).",
    404: "No such resource.",
    405: "Method not supported on this path.",
    406: "No representation matches Accept or format.",
    410: "The contribution was withdrawn.",
    413: "Body or query text over the size cap.",
    415: "Body of an unsupported media type.",
    422: "Well-formed input refused (unsafe, schema change, or not conforming).",
    429: "The client is over its per-client budget (rate-limited); see Retry-After.",
    500: "The query stopped the engine (query-crashed), or an unexpected error.",
    503: "Over the time limit, every query slot busy (server-busy), or the store unavailable.",
}
_TEXT = {"type": "string"}


def _error(status: int) -> Doc:
    return {"$ref": f"#/components/responses/E{status}"}


def _content(types: list[str], schema: Doc | None = None) -> Doc:
    """Each media type with ``schema``, by default any JSON value or a string."""
    return {t: {"schema": schema or ({} if "json" in t else _TEXT)} for t in types}


def _ok(description: str, types: list[str], schema: Doc | None = None) -> Doc:
    return {"description": description, "headers": _HEADERS, "content": _content(types, schema)}


def _operation(summary: str, ok: dict[int, Doc], errors: tuple[int, ...], **more: Any) -> Doc:
    responses: Doc = {str(code): answer for code, answer in ok.items()}
    responses.update({str(code): _error(code) for code in (*errors, 500)})
    return {"summary": summary, "responses": responses, **more}


def _param(name: str, where: str, description: str, schema: Doc | None = None) -> Doc:
    found: Doc = {"name": name, "in": where, "description": description, "schema": schema or _TEXT}
    if where == "path":
        found["required"] = True
    return found


def _body(types: list[str], required: bool = True) -> Doc:
    return {"required": required, "content": {t: {"schema": _TEXT} for t in types}}


_HEADERS: Doc = {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}}
_QUERY_HEADERS: Doc = {
    **_HEADERS,
    "X-Result-Truncated": {"schema": {"type": "string", "enum": ["true", "false"]}},
    "X-Result-Size": {"schema": {"type": "string", "pattern": "^[0-9]+$"}},
}
_GRAPHS = {"type": "array", "items": {"type": "string", "format": "uri"}}
_PROTOCOL_PARAMS = [
    _param("query", "query", "SPARQL query text (none: the service description)."),
    _param("default-graph-uri", "query", "Default graph IRIs.", _GRAPHS),
    _param("named-graph-uri", "query", "Named graph IRIs.", _GRAPHS),
    _param("format", "query", "Result format by name or media type (or `output=`)."),
]
_FORM_BODY = {
    "type": "object",
    "properties": {
        "query": _TEXT,
        "update": _TEXT,
        "default-graph-uri": _GRAPHS,
        "named-graph-uri": _GRAPHS,
        "format": _TEXT,
    },
}
_QUERY_ANSWER = {
    "description": "Results (SELECT, ASK), a graph (CONSTRUCT, DESCRIBE) or the service "
    "description (no query).",
    "headers": _QUERY_HEADERS,
    "content": _content([*RESULT_TYPES, *GRAPH_TYPES, "text/html"]),
}
_QUERY_ERRORS = (400, 403, 406, 413, 415, 429, 503)
_STRINGS = ("id", "graph", "location", "contributor", "sha256")
_RECEIPT = {
    "type": "object",
    "required": [*_STRINGS, "created", "triples"],
    "properties": {
        **{name: _TEXT for name in _STRINGS},
        "created": {"type": "boolean"},
        "triples": {"type": "integer"},
    },
}
_CHECKS = {"type": "object", "additionalProperties": _TEXT}
_HEALTH = {"type": "object", "required": ["status", "checks"], "properties": {"checks": _CHECKS}}
_ERROR_FIELDS = {
    "status": {"type": "integer", "minimum": 400, "maximum": 599},
    "type": {"type": "string", "pattern": "^[a-z0-9-]+$"},
    "message": _TEXT,
}
_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "object", "required": list(_ERROR_FIELDS), "properties": _ERROR_FIELDS}
    },
}
_BEARER: list[Doc] = [{"bearer": []}]
_CONTRIBUTE_FORM = {
    "type": "object",
    "properties": {
        "data": _TEXT,
        "file": {"type": "string", "format": "binary"},
        "format": {"type": "string", "enum": ["turtle", "jsonld"]},
        "source": _TEXT,
        "token": _TEXT,
        "action": {"type": "string", "enum": ["validate", "submit"]},
    },
}
_ID = _param("contribution_id", "path", "The contribution's id (20 hex digits).")


def _not_here(method: str, extra: tuple[int, ...]) -> Doc:
    return _operation(f"{method}: not supported (405).", {}, (*extra, 405))


def _sparql(update: bool) -> Doc:
    """The operations of ``/sparql`` or (maintainer mode) ``/update``."""
    extra = (401, 404) if update else ()
    done = {204: {"description": "The update ran.", "headers": _HEADERS}} if update else {}
    where = " (maintainer mode only; 404 otherwise)" if update else ""
    post_body: Doc = {"content": {"application/x-www-form-urlencoded": {"schema": _FORM_BODY}}}
    for media in ("application/sparql-query", "application/sparql-update"):
        post_body["content"][media] = {"schema": _TEXT}
    security = {"security": _BEARER} if update else {}
    preflight = {204: {"description": "CORS preflight: allowed.", "headers": _HEADERS}}
    return {
        "get": _operation(
            "SPARQL query by GET" + where,
            {200: _QUERY_ANSWER},
            (*_QUERY_ERRORS, *extra),
            parameters=_PROTOCOL_PARAMS,
            **security,
        ),
        "post": _operation(
            ("SPARQL update or query by POST" if update else "SPARQL query by POST") + where,
            {200: _QUERY_ANSWER, **done},
            (*_QUERY_ERRORS, *extra),
            parameters=_PROTOCOL_PARAMS[1:],
            requestBody=post_body,
            **security,
        ),
        "options": _operation("CORS preflight" + where, preflight, extra),
        **{m.lower(): _not_here(m, extra) for m in ("PUT", "DELETE", "PATCH")},
    }


def _query_page(html: Doc) -> Doc:
    """``/query``: the editor page; a query it runs that fails is the page with the error."""
    page_error = {"description": "The page, showing the error.", "headers": _HEADERS}
    page_error["content"] = {"text/html": {"schema": _TEXT}, "application/json": {"schema": _ERROR}}
    answers: dict[int, Doc] = {200: html}
    answers |= {code: page_error for code in (400, 403, 404, 413, 429, 503)}
    return {
        "get": _operation(
            "The query page: the editor, ?example= opens an example, ?query= runs a query "
            "and shows its result as a table.",
            answers,
            (),
            parameters=[
                _param("query", "query", "SPARQL query to run and show."),
                _param("example", "query", "Name of an example query to open."),
            ],
        )
    }


def _paths() -> Doc:
    html = _ok("An HTML page.", ["text/html"])
    return {
        "/": {
            "get": _operation(
                "Home page: what the graph holds, a search box, the example queries.",
                {200: html},
                (429, 503),
            )
        },
        "/search": {
            "get": _operation(
                "Search labels and texts: HTML, or JSON for Accept: application/json.",
                {200: _ok("The hits.", ["text/html", "application/json"])},
                (400, 429, 503),
                parameters=[
                    _param("q", "query", "The words to look for (at most 200 characters)."),
                    _param("limit", "query", "At most this many hits (1-50, default 20)."),
                ],
            )
        },
        "/contribute": {
            "get": _operation("The contribution form (HTML).", {200: html}, ()),
            "post": _operation(
                "The form posted: its SHACL report, or (action=submit, token) its receipt.",
                {
                    200: _ok(
                        "The form again, with the report or why nothing was stored (HTML).",
                        ["text/html"],
                    ),
                    201: _ok("Stored: the receipt (HTML).", ["text/html"]),
                },
                (413, 429),
                requestBody={
                    "required": True,
                    "content": {
                        media: {"schema": _CONTRIBUTE_FORM}
                        for media in ("multipart/form-data", "application/x-www-form-urlencoded")
                    },
                },
            ),
        },
        "/query": _query_page(html),
        "/query/terms.json": {
            "get": _operation(
                "The classes and properties the query editor autocompletes (JSON).",
                {
                    200: _ok(
                        "Classes and properties, each with its IRI and label.", ["application/json"]
                    )
                },
                (429, 503),
            )
        },
        "/sparql": _sparql(update=False),
        "/update": _sparql(update=True),
        "/validate": {
            "post": _operation(
                "Validate a payload, or a stored graph (graph=IRI), against the shapes.",
                {
                    200: _ok(
                        "The validation report.",
                        ["text/turtle", "application/ld+json", "application/json"],
                    )
                },
                (400, 404, 406, 413, 415, 422, 429, 503),
                parameters=[_param("graph", "query", "IRI of a stored graph to validate.")],
                requestBody=_body(PAYLOAD_TYPES, required=False),
            )
        },
        "/contributions": {
            "post": _operation(
                "Contribute data: validated in context, stored as a new named graph.",
                {
                    201: _ok("Stored.", ["application/json"], _RECEIPT),
                    200: _ok("The same bytes were stored before.", ["application/json"], _RECEIPT),
                },
                (400, 401, 403, 413, 415, 422, 429, 503),
                parameters=[_param("source", "query", "IRI of the data's source.")],
                requestBody=_body(PAYLOAD_TYPES),
                security=_BEARER,
            )
        },
        "/contributions/{contribution_id}": {
            "get": _operation(
                "The contribution's data and record, or its receipt (JSON).",
                {
                    200: _ok(
                        "The contribution.",
                        [
                            "text/turtle",
                            "application/trig",
                            "application/ld+json",
                            "application/json",
                        ],
                    )
                },
                (404, 406, 410, 429, 503),
                parameters=[_ID],
            ),
            "delete": _operation(
                "Withdraw a contribution (maintainer token).",
                {200: _ok("The updated receipt.", ["application/json"], _RECEIPT)},
                (401, 403, 404, 410, 429, 503),
                parameters=[_ID],
                security=_BEARER,
            ),
        },
        "/id/{type}/{key}": {
            "get": _operation(
                "A resource's statements: HTML for browsers, RDF by Accept or format=.",
                {200: _ok("The resource.", ["text/html", *GRAPH_TYPES])},
                (400, 404, 406, 429, 503),
                parameters=[
                    _param("type", "path", "The resource's type segment."),
                    _param("key", "path", "The resource's key."),
                    _param("format", "query", "RDF format by name or media type."),
                ],
            )
        },
        "/charts": {
            "get": _operation(
                "Every chart, drawn as SVG on the server (HTML).",
                {200: _ok("The charts page.", ["text/html"])},
                (429, 503),
            )
        },
        "/charts/{name}": {
            "get": _operation(
                "One chart: its page (HTML), or with a suffix one of its files: .svg, .json "
                "(data rows), .csv, .vl.json (Vega-Lite spec), .rq (the SPARQL query).",
                {
                    200: _ok(
                        "The chart or its file.",
                        [
                            "text/html",
                            "image/svg+xml",
                            "application/json",
                            "text/csv",
                            "application/sparql-query",
                        ],
                    )
                },
                (404, 429, 503),
                parameters=[_param("name", "path", "The chart's name, with an optional suffix.")],
            )
        },
        "/graph/{key}": {
            "get": _operation(
                "A named graph's own record (load or contribution): HTML or RDF, as /id/.",
                {200: _ok("The graph's record.", ["text/html", *GRAPH_TYPES])},
                (400, 404, 406, 429, 503),
                parameters=[
                    _param("key", "path", "The graph's name after <base>graph/."),
                    _param("format", "query", "RDF format by name or media type."),
                ],
            )
        },
        "/ontology": {
            "get": _operation(
                "The ontology: its documentation (HTML), or the graph by Accept or format=.",
                {200: _ok("The ontology.", ["text/html", *GRAPH_TYPES])},
                (406,),
                parameters=[_param("format", "query", "RDF format by name or media type.")],
            )
        },
        "/shapes": {
            "get": _operation(
                "The SHACL shapes, each with target, severity and message (HTML), or RDF.",
                {200: _ok("The shapes.", ["text/html", *GRAPH_TYPES])},
                (406,),
                parameters=[_param("format", "query", "RDF format by name or media type.")],
            )
        },
        "/healthz": {
            "get": _operation(
                "Readiness: the store is readable and a query worker answers.",
                {200: _ok("Healthy.", ["application/json"], _HEALTH)},
                (429, 503),
            )
        },
        "/metrics": {
            "get": _operation(
                "Metrics in the Prometheus text format (all web workers).",
                {200: _ok("The metrics.", ["text/plain"])},
                (),
            )
        },
        "/openapi.json": {
            "get": _operation(
                "This document.",
                {200: _ok("OpenAPI 3.1.", ["application/json"])},
                (),
            )
        },
    }


@cache
def document() -> Doc:
    """The OpenAPI document (built once)."""
    errors = {
        f"E{code}": {
            "description": reason,
            "headers": _HEADERS,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code, reason in _REASONS.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Torture Prevention Knowledge Graph",
            "version": "0.1.0",
            "description": "SPARQL 1.1 endpoint, linked-data pages and contributions. Every "
            "error is JSON of one shape (the Error schema).",
        },
        "paths": _paths(),
        "components": {
            "schemas": {"Error": _ERROR},
            "responses": errors,
            "headers": {
                "X-Request-Id": {
                    "description": "The request's id (the client's, if a short safe token).",
                    "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"},
                }
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@blueprint.route("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI document."""
    response = jsonify(document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
