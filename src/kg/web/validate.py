"""``POST /validate``: validate a posted RDF document, or a stored graph (``?graph=IRI``).

The answer is 200 whether the data conforms or not: the ``sh:ValidationReport`` as Turtle or
JSON-LD, or a JSON summary (conforms, counts, results) for ``application/json``. Parsing,
the context reads and pySHACL run in this process's validation gateway (isolated processes
with a deadline); this view only reads the body and sends the report on.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from kg.errors import BadRequest, NotAcceptable, PayloadTooLarge
from kg.intake import media_format
from kg.store import StoreAccess
from kg.store.reads import is_iri
from kg.validation import GraphCheck, Limits, PayloadCheck, ValidationGateway, Verdict

blueprint = Blueprint("validate", __name__)

#: Media types a report can be sent as, the default (for */* or no Accept) first.
REPORT_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/json": "json",
}


def access() -> StoreAccess:
    """This process's store access (reader version and single-writer lock)."""
    found: StoreAccess = current_app.extensions["kg.access"]
    return found


def gateway() -> ValidationGateway:
    """This process's validation gateway (made next to the query executor)."""
    found: ValidationGateway = current_app.extensions["kg"].validation
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


def request_body() -> tuple[bytes, str]:
    """The body (within ``max_contribution_bytes``) and its format key, unparsed.

    :raises PayloadTooLarge: over the byte cap.
    :raises UnsupportedMediaType: for a media type that is not a triples format.
    """
    fmt = media_format(request.headers.get("Content-Type"))
    return read_body(access().settings.max_contribution_bytes), fmt


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


def render(verdict: Verdict) -> Response:
    """The report the worker wrote, with its media type."""
    mime = next(m for m, k in REPORT_TYPES.items() if k == verdict.fmt)
    charset = "" if verdict.fmt == "json" else "; charset=utf-8"
    response = Response(verdict.body, content_type=mime + charset)
    response.headers["Vary"] = "Accept"
    return response


def graph_parameter(graph: str) -> str:
    """The ``graph`` parameter, checked.

    :raises BadRequest: when it is not an absolute http(s) IRI.
    """
    if not graph.startswith(("http://", "https://")) or not is_iri(graph):
        raise BadRequest(f"graph must be an absolute http(s) IRI, not {graph[:200]!r}")
    return graph


@blueprint.route("/validate", methods=["POST"])
def validate_view() -> Response:
    """Validate the body (Turtle, N-Triples, JSON-LD, RDF/XML) or the stored ``graph``."""
    settings = access().settings
    key = report_type()
    graph = request.args.get("graph")
    task: GraphCheck | PayloadCheck
    if graph is not None:
        task = GraphCheck(graph_parameter(graph), settings.max_triples, settings.shapes, key)
    else:
        data, fmt = request_body()
        task = PayloadCheck(data, fmt, Limits.of(settings), settings.shapes, key)
    return render(gateway().run(task))
