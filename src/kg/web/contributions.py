"""``/contributions``: POST (contributor token) stores validated data; GET reads it back;
DELETE (maintainer token) withdraws it.

Tokens are kept only as SHA-256 digests and compared in constant time; they are never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from rdflib import Dataset, URIRef

from kg import audit
from kg.config import Settings
from kg.contributions import Receipt, StoreAccess, contribute, fetch, withdraw
from kg.errors import BadRequest, ConfigError, Forbidden, NotFound, Unauthorized
from kg.errors import ValidationFailed as Failed
from kg.provenance import contributions_graph, record_triples
from kg.validation import ValidationOutcome, to_graph, to_rdflib
from kg.web import requestid
from kg.web.errors import error_response
from kg.web.validate import access, report_type, request_payload

blueprint = Blueprint("contributions", __name__)

_ID = re.compile(r"[0-9a-f]{20}")
_GET_TYPES = {
    "text/turtle": "turtle",
    "application/trig": "trig",
    "application/ld+json": "json-ld",
    "application/json": "json",
}


def read_tokens(path: str) -> dict[bytes, str]:
    """SHA-256 digest -> contributor name for each line (``name:token`` or ``token``).

    Blank lines and lines starting with ``#`` are skipped; an unnamed token's name is
    ``contributor-<line>``.

    :raises ConfigError: when the file is set but unreadable or holds no token.
    """
    if not path:
        return {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"cannot read tokens from {path}") from None
    tokens: dict[bytes, str] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, token = line.rpartition(":") if ":" in line else ("", "", line)
        if token.strip():
            digest = hashlib.sha256(token.strip().encode()).digest()
            tokens[digest] = name.strip() or f"contributor-{number}"
    if not tokens:
        raise ConfigError(f"the token file {path} holds no token")
    return tokens


def match_token(tokens: dict[bytes, str], header: str | None) -> str | None:
    """The name whose token the ``Authorization: Bearer`` header presents, or None."""
    header = header or ""
    if not header.lower().startswith("bearer "):
        return None
    digest = hashlib.sha256(header[7:].strip().encode()).digest()
    found = None
    for known, name in tokens.items():
        if hmac.compare_digest(digest, known):
            found = name
    return found


def init_app(app: Flask, settings: Settings, access: StoreAccess) -> None:
    """Install the store access and the tokens.

    Query workers in every process see a write at once without help from here: each write
    flushes, which changes the store folder, and the pool reopens snapshots when it changes.
    """
    maintainer = settings.maintainer_token_file or settings.update_token_file
    app.extensions["kg.access"] = access
    app.extensions["kg.tokens"] = read_tokens(settings.token_file)
    app.extensions["kg.maintainers"] = read_tokens(maintainer)


def _authorize(kind: str, what: str) -> str:
    tokens: dict[bytes, str] = current_app.extensions[kind]
    if not tokens:
        raise Forbidden(f"{what} over HTTP is disabled on this server (no token file is set)")
    name = match_token(tokens, request.headers.get("Authorization"))
    if name is None:
        raise Unauthorized(f"{what} needs a valid token (Authorization: Bearer <token>)")
    return name


def _audit(kind: str, receipt: Receipt, actor: str) -> None:
    request_id = requestid.of(request.environ)
    audit.record(access().settings, kind, receipt, actor, request.remote_addr, request_id)


def _after_write(receipt: Receipt, status: int) -> Response:
    current_app.extensions["kg"].after_write()
    current_app.extensions["kg.stamp"] = access().stamp()
    response = jsonify(receipt.as_json())
    response.status_code = status
    response.headers["Location"] = f"/contributions/{receipt.id}"
    return response


@blueprint.errorhandler(Failed)
def _failed(exc: Failed) -> Response:
    response = error_response(exc.status, exc.type, exc.message)
    if isinstance(exc.report, ValidationOutcome):
        body = response.get_json()
        body["report"] = exc.report.summary()
        response.set_data(current_app.json.dumps(body))
    return response


@blueprint.route("/contributions", methods=["POST"])
def post() -> Response:
    """Store a contribution: 201 (new) or 200 (identical one already stored)."""
    contributor = _authorize("kg.tokens", "contributing")
    settings = access().settings
    source = request.args.get("source") or None
    if source is not None and not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", source):
        raise BadRequest("source must be an absolute http(s) IRI")
    payload = request_payload(settings)
    receipt = contribute(access(), payload, contributor, source)
    _audit("contribute", receipt, contributor)
    return _after_write(receipt, 201 if receipt.created else 200)


def _checked(contribution_id: str) -> str:
    if not _ID.fullmatch(contribution_id):
        raise NotFound(f"no contribution {contribution_id}")
    return contribution_id


@blueprint.route("/contributions/<contribution_id>", methods=["GET"])
def get(contribution_id: str) -> Response:
    """The contribution's data and record (Turtle, TriG, JSON-LD) or its receipt (JSON)."""
    key = report_type(_GET_TYPES)
    receipt, triples = fetch(access(), _checked(contribution_id))
    if key == "json":
        return jsonify(receipt.as_json())
    record = record_triples(access().reader(), receipt.graph, access().settings.base_iri)
    if key == "trig":
        dataset = Dataset()
        data = dataset.graph(URIRef(receipt.graph))
        for s, p, o in triples:
            data.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        records = dataset.graph(URIRef(contributions_graph(access().settings.base_iri)))
        for s, p, o in record:
            records.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        body = dataset.serialize(format="trig", encoding="utf-8")
    else:
        body = to_graph([*triples, *record]).serialize(format=key, encoding="utf-8")
    mime = next(m for m, k in _GET_TYPES.items() if k == key)
    return Response(body, content_type=f"{mime}; charset=utf-8", headers={"Vary": "Accept"})


@blueprint.route("/contributions/<contribution_id>", methods=["DELETE"])
def delete(contribution_id: str) -> Response:
    """Withdraw a contribution (maintainer token): 200 with the updated receipt."""
    maintainer = _authorize("kg.maintainers", "withdrawing contributions")
    receipt = withdraw(access(), _checked(contribution_id))
    _audit("withdraw", receipt, maintainer)
    return _after_write(receipt, 200)
