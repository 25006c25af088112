"""``/contributions``: POST (contributor token) stores validated data; GET reads it back;
DELETE (maintainer token) withdraws it.

Tokens (files in the one format of :mod:`kg.tokens`) are kept only as SHA-256 digests and
compared in constant time; they are never logged.
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from kg import audit
from kg.config import Settings
from kg.contributions import ContributionRead, Receipt, contribute, withdraw
from kg.errors import BadRequest, Forbidden, NotFound, Unauthorized
from kg.errors import ValidationFailed as Failed
from kg.store import StoreAccess
from kg.tokens import bearer, match, read_tokens
from kg.validation import Verdict
from kg.web import requestid
from kg.web.errors import error_response
from kg.web.validate import access, gateway, report_type, request_body

blueprint = Blueprint("contributions", __name__)

_ID = re.compile(r"[0-9a-f]{20}")
_GET_TYPES = {
    "text/turtle": "turtle",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
    "application/json": "json",
}


def init_app(app: Flask, settings: Settings, access: StoreAccess) -> None:
    """Install the store access and the tokens.

    Query workers in every process see a write at once without help from here: each write
    flushes, which changes the store folder, and the pool reopens snapshots when it changes.
    """
    maintainer = settings.maintainer_token_file or settings.update_token_file
    app.extensions["kg.access"] = access
    app.extensions["kg.tokens"] = read_tokens(settings.token_file, "contributor")
    app.extensions["kg.maintainers"] = read_tokens(maintainer, "maintainer")


_SOURCE = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def authorize(kind: str, what: str, presented: str | None, how: str) -> str:
    """The name behind the ``presented`` token among the tokens ``kind`` (``kg.tokens`` for
    contributors, ``kg.maintainers``).

    :raises Forbidden: when the server has no such tokens.
    :raises Unauthorized: for a missing or wrong token (``how`` says how to give one).
    """
    tokens: dict[bytes, str] = current_app.extensions[kind]
    if not tokens:
        raise Forbidden(f"{what} over HTTP is disabled on this server (no token file is set)")
    name = match(tokens, presented)
    if name is None:
        raise Unauthorized(f"{what} needs a valid token{how}")
    return name


def _authorize(kind: str, what: str) -> str:
    presented = bearer(request.headers.get("Authorization"))
    return authorize(kind, what, presented, " (Authorization: Bearer <token>)")


def checked_source(source: str | None) -> str | None:
    """The contribution's source IRI, if given.

    :raises BadRequest: when it is not an absolute http(s) IRI.
    """
    if source is not None and not _SOURCE.fullmatch(source):
        raise BadRequest("source must be an absolute http(s) IRI")
    return source


def _audit(kind: str, receipt: Receipt, actor: str) -> None:
    request_id = requestid.of(request.environ)
    audit.record(access().settings, kind, receipt, actor, request.remote_addr, request_id)


def _refresh() -> None:
    current_app.extensions["kg"].after_write()
    current_app.extensions["kg.stamp"] = access().stamp()


def store(body: tuple[bytes, str], contributor: str, source: str | None) -> Receipt:
    """Validate and store a contribution, write its audit line and let readers see it.

    :raises ValidationFailed: when it does not conform (nothing is written).
    """
    receipt = contribute(access(), gateway(), body, contributor, checked_source(source))
    _audit("contribute", receipt, contributor)
    _refresh()
    return receipt


def _response(receipt: Receipt, status: int) -> Response:
    response = jsonify(receipt.as_json())
    response.status_code = status
    response.headers["Location"] = f"/contributions/{receipt.id}"
    return response


@blueprint.errorhandler(Failed)
def _failed(exc: Failed) -> Response:
    response = error_response(exc.status, exc.type, exc.message)
    if isinstance(exc.report, Verdict):
        body = response.get_json()
        body["report"] = exc.report.summary()
        response.set_data(current_app.json.dumps(body))
    return response


@blueprint.route("/contributions", methods=["POST"])
def post() -> Response:
    """Store a contribution: 201 (new) or 200 (identical one already stored)."""
    contributor = _authorize("kg.tokens", "contributing")
    receipt = store(request_body(), contributor, request.args.get("source") or None)
    return _response(receipt, 201 if receipt.created else 200)


def _checked(contribution_id: str) -> str:
    if not _ID.fullmatch(contribution_id):
        raise NotFound(f"no contribution {contribution_id}")
    return contribution_id


@blueprint.route("/contributions/<contribution_id>", methods=["GET"])
def get(contribution_id: str) -> Response:
    """The contribution's data and record (Turtle, TriG, JSON-LD) or its receipt (JSON)."""
    key = report_type(_GET_TYPES)
    settings = access().settings
    task = ContributionRead(_checked(contribution_id), settings.base_iri, key, settings.max_triples)
    # The query executor runs any task: a pool worker, or the remote store's client.
    receipt, body = current_app.extensions["kg"].executor.run(task)
    if key == "json":
        return jsonify(receipt.as_json())
    mime = next(m for m, k in _GET_TYPES.items() if k == key)
    return Response(body, content_type=f"{mime}; charset=utf-8", headers={"Vary": "Accept"})


@blueprint.route("/contributions/<contribution_id>", methods=["DELETE"])
def delete(contribution_id: str) -> Response:
    """Withdraw a contribution (maintainer token): 200 with the updated receipt."""
    maintainer = _authorize("kg.maintainers", "withdrawing contributions")
    receipt = withdraw(access(), _checked(contribution_id))
    _audit("withdraw", receipt, maintainer)
    _refresh()
    return _response(receipt, 200)
