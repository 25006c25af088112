"""HTML pages for people: the home page with a query form."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

blueprint = Blueprint("pages", __name__, template_folder="templates")

EXAMPLE = """PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class (COUNT(?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances)
LIMIT 25"""


def render_home() -> Response:
    """The home page: what this is, the endpoints, and a query form."""
    settings = current_app.extensions["kg"].settings
    html = render_template(
        "home.html",
        example=EXAMPLE,
        row_limit=settings.row_limit,
        timeout=settings.query_timeout,
        allow_update=settings.allow_update,
    )
    return Response(html, content_type="text/html; charset=utf-8")


@blueprint.route("/")
def home() -> Response:
    """Serve the home page."""
    return render_home()
