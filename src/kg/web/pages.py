"""The home page: what the graph holds, a search box, the example queries by topic and links
to every other page."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, render_template

from kg.examples import by_topic
from kg.search import MAX_TEXT
from kg.web.overview import SOURCES, overview
from kg.web.reads import state

blueprint = Blueprint("pages", __name__, template_folder="templates")

#: A first query for the query page (kept here for the pages and tests that import it).
EXAMPLE = """PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class (COUNT(?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances)
LIMIT 25"""
#: The States most often addressed by recommendations, shown before the full list.
TOP_STATES = 10
#: Source documents listed (those cited by the most facts first).
TOP_SOURCES = 25


def query_link(text: str) -> str:
    """The query page opened on ``text``."""
    return "/query?query=" + quote(text, safe="")


def instances(iri: str) -> str:
    """The query page listing the instances of class ``iri`` with their labels."""
    return query_link(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        f"SELECT ?thing ?label WHERE {{ ?thing a <{iri}> "
        "OPTIONAL { ?thing rdfs:label ?label } } ORDER BY ?label ?thing"
    )


def when(stamp: str) -> str:
    """An ``xsd:dateTime`` as people read it.

    >>> when("2026-12-01T22:40:12Z")
    '2026-12-01 22:40 UTC'
    """
    if len(stamp) >= 16 and stamp[10] == "T":
        return stamp[:10] + " " + stamp[11:16] + (" UTC" if stamp.endswith("Z") else "")
    return stamp


def render_home() -> Response:
    """The home page (HTML)."""
    settings = state().settings
    found = overview()
    addressed = sorted((s for s in found.states if s.count), key=lambda s: -s.count)
    html = render_template(
        "home.html",
        page="home",
        overview=found,
        addressed=addressed[:TOP_STATES],
        sources=found.sources[:TOP_SOURCES],
        topics=by_topic(settings.queries),
        row_limit=settings.row_limit,
        timeout=settings.query_timeout,
        max_search=MAX_TEXT,
        instances=instances,
        when=when,
        all_sources=query_link(SOURCES),
    )
    return Response(html, content_type="text/html; charset=utf-8")


@blueprint.route("/")
def home() -> Response:
    """Serve the home page."""
    return render_home()
