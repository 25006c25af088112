"""``POST /validate``: validate a posted RDF document, or a stored graph (``?graph=IRI``).

The answer is 200 whether the data conforms or not: the ``sh:ValidationReport`` as Turtle or
JSON-LD, or a JSON summary (conforms, counts, results) for ``application/json``.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from kg.config import Settings
from kg.contributions import check_graph, check_payload
from kg.errors import BadRequest, NotAcceptable, PayloadTooLarge
from kg.intake import Payload, media_format, read_payload
from kg.store import StoreAccess
from kg.validation import ValidationOutcome, serialize_report

blueprint = Blueprint("validate", __name__)

#: Media types a report can be sent as, the default (for */* or no Accept) first.
REPORT_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/json": "json",
}


def access() -> StoreAccess:
    """This process's store access (reader snapshot and single-writer lock)."""
    found: StoreAccess = current_app.extensions["kg.access"]
    return found


def read_body(limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes without reading them all.

    :raises PayloadTooLarge: over the limit.
    """
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(
            f"the body has {request.content_length} bytes; at most {limit} accepted"
        )
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit} bytes")
    return data


def request_payload(settings: Settings) -> Payload:
    """Read and safely parse the request body as RDF of its Content-Type, within the caps.

    :raises PayloadTooLarge: over the byte or triple cap.
    :raises UnsupportedMediaType: for a media type that is not a triples format.
    """
    fmt = media_format(request.headers.get("Content-Type"))
    return read_payload(
        read_body(settings.max_contribution_bytes),
        fmt,
        max_bytes=settings.max_contribution_bytes,
        max_triples=settings.max_triples,
        base=settings.base_iri,
    )


def report_type(types: dict[str, str] = REPORT_TYPES) -> str:
    """The key of the representation the Accept header asks for.

    :raises NotAcceptable: when none fits.
    """
    if not list(request.accept_mimetypes.values()):
        return next(iter(types.values()))
    best = request.accept_mimetypes.best_match(list(types))
    if best is None:
        raise NotAcceptable(f"a report can be sent as {', '.join(types)}")
    return types[best]


def render(outcome: ValidationOutcome, key: str, status: int = 200) -> Response:
    """The outcome as the JSON summary or the report graph."""
    if key == "json":
        response = jsonify(outcome.summary())
        response.status_code = status
    else:
        mime = next(m for m, k in REPORT_TYPES.items() if k == key)
        body = serialize_report(outcome, key)
        response = Response(body, status=status, content_type=f"{mime}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/validate", methods=["POST"])
def validate_view() -> Response:
    """Validate the body (Turtle, N-Triples, JSON-LD, RDF/XML) or the stored ``graph``."""
    settings = access().settings
    key = report_type()
    graph = request.args.get("graph")
    if graph is not None:
        if not graph.startswith(("http://", "https://")):
            raise BadRequest("graph must be an absolute http(s) IRI")
        return render(check_graph(access().reader(), settings, graph), key)
    payload = request_payload(settings)
    return render(check_payload(access().reader(), settings, payload), key)
