"""The SPARQL 1.1 Protocol endpoints: ``/sparql`` (queries) and ``/update`` (maintainer mode).

``/update`` is a full protocol endpoint (queries and updates) that exists only with
``--allow-update``; ``/sparql`` answers updates with 403.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import MultiDict

from kg.errors import Forbidden, NotFound, Unauthorized
from kg.update import run_update
from kg.web import KgState
from kg.web.answer import CORS, PREFLIGHT, answer_query, endpoint_url
from kg.web.negotiate import choose, choose_by_accept
from kg.web.protocol import FORM, ProtocolRequest, decode_params, parse_request
from kg.web.service import describe_service, wants_html

blueprint = Blueprint("sparql", __name__)


def _state() -> KgState:
    state: KgState = current_app.extensions["kg"]
    return state


def _parsed() -> ProtocolRequest:
    """The protocol request: a form body is read as a form, any other body as bytes; both
    strictly as UTF-8."""
    is_form = request.mimetype == FORM
    return parse_request(
        request.method,
        decode_params(request.query_string),
        decode_params(request.get_data()) if is_form else MultiDict(),
        request.headers.get("Content-Type"),
        b"" if is_form else request.get_data(),
    )


def _base_iri() -> str:
    """The endpoint's own URL (the query's base IRI)."""
    return endpoint_url(request.environ)


def _answer_query(parsed: ProtocolRequest) -> Response:
    body, headers = answer_query(_state(), parsed, request.headers.get("Accept"), _base_iri())
    return Response(body, status=200, headers=headers)


def _answer_description(parsed: ProtocolRequest) -> Response:
    if wants_html(request.accept_mimetypes):
        from kg.web.querypage import render_query_page

        return render_query_page()
    fmt = choose_by_accept("graph", request.headers.get("Accept"))
    if parsed.formats:
        fmt = choose("construct", request.headers.get("Accept"), parsed.formats)
    body = describe_service(_base_iri(), fmt.key, _state().settings.allow_update)
    return Response(body, status=200, content_type=fmt.content_type, headers={"Vary": "Accept"})


def _with_cors(response: Response) -> Response:
    response.headers.extend(CORS)
    return response


def _preflight() -> Response:
    return Response(status=204, headers=PREFLIGHT)


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def sparql() -> Response:
    """Queries by GET or POST; a GET with no query describes the service."""
    if request.method == "OPTIONS":
        return _preflight()
    parsed = _parsed()
    if parsed.operation == "update":
        raise Forbidden(
            "updates are not accepted on /sparql; contribute data through /contributions "
            "(maintainers: `kg serve --allow-update` and /update)"
        )
    if parsed.operation == "describe":
        return _with_cors(_answer_description(parsed))
    return _with_cors(_answer_query(parsed))


@blueprint.route("/update", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def update() -> Response:
    """Maintainer mode only: SPARQL Update (and queries, so protocol test suites can run)."""
    state = _state()
    if not state.settings.allow_update:
        raise NotFound("/update exists only in maintainer mode (kg serve --allow-update)")
    if request.method == "OPTIONS":
        return _preflight()
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    if not state.token_ok(token):
        raise Unauthorized("a valid maintainer token is required (Authorization: Bearer ...)")
    parsed = _parsed()
    if parsed.operation == "describe":
        return _with_cors(_answer_description(parsed))
    if parsed.operation == "query":
        return _with_cors(_answer_query(parsed))
    run_update(
        state.writer(),
        state.settings,
        parsed.text,
        using=parsed.using,
        using_named=parsed.using_named,
        base_iri=_base_iri(),
    )
    state.after_write()
    return _with_cors(Response(status=204))
