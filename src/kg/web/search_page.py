"""``GET /search?q=``: the search over labels and texts, as an HTML page or, for
``Accept: application/json``, as JSON.

The search itself is :func:`kg.search.search`, run through the guarded, isolated query
workers (:func:`kg.web.reads.select_terms`) like any query, under the same per-client budget
and time limit. Errors are the one JSON shape (an HTML page only through the error renderer).
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify, render_template, request

from kg.errors import BadRequest
from kg.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_TEXT, Hit, search
from kg.web.labels import local_link
from kg.web.overview import class_link
from kg.web.reads import select_terms

blueprint = Blueprint("search", __name__, template_folder="templates")


def limit_parameter() -> int:
    """The ``limit`` parameter (default :data:`kg.search.DEFAULT_LIMIT`).

    :raises BadRequest: when it is not a whole number.
    """
    given = request.args.get("limit", str(DEFAULT_LIMIT))
    if not (given.isascii() and given.isdigit()):  # "³".isdigit() holds, int("³") fails
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(given)


def wants_json() -> bool:
    """True when the client prefers JSON to HTML."""
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def as_json(text: str, hits: list[Hit]) -> Response:
    """The hits as JSON: the text searched and, per hit, its fields and its page."""
    found = [{**asdict(hit), "page": local_link(hit.iri) or None} for hit in hits]
    response = jsonify({"q": text, "hits": found})
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/search")
def search_view() -> Response:
    """Search labels and texts for ``q`` (HTML, or JSON by Accept)."""
    text = request.args.get("q", "")
    limit = limit_parameter()
    if wants_json():
        return as_json(text, search(select_terms, text, limit))
    hits = search(select_terms, text, limit) if text.strip() else []
    html = render_template(
        "search.html",
        page="search",
        q=text,
        hits=hits,
        limit=limit,
        max_text=MAX_TEXT,
        local=local_link,
        class_link=class_link,
    )
    return Response(html, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
