"""The query page: ``/query`` (and ``/sparql`` for a browser that sends no query).

One page for everyone: a plain ``<form method=get action=/query>`` whose ``?query=`` the
server runs and shows as a table (or a boolean, or Turtle), with download links to
``/sparql``; when JavaScript and the vendored YASGUI load, ``static/query.js`` replaces the
form with the editor pointed at ``/sparql`` (our prefixes, our terms from
``/query/terms.json``, the example queries one click away). ``?example=<name>`` opens the
editor with that example.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request

from kg.errors import KgError
from kg.examples import by_topic, example
from kg.formats import by_key
from kg.namespaces import PREFIXES
from kg.results import GRAPH_FORMS
from kg.web.protocol import decode_params
from kg.web.queryresults import Answer, answer
from kg.web.reads import select, state
from kg.web.service import wants_html

blueprint = Blueprint("querypage", __name__, template_folder="templates")

#: The editor's text when the visitor brings none.
DEFAULT_QUERY = """PREFIX tp: <https://w3id.org/tpkg/ontology#>
SELECT ?class (COUNT(?s) AS ?instances)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?instances)
LIMIT 25"""
#: Download formats offered for a table (SELECT, ASK) and for a graph (CONSTRUCT, DESCRIBE).
TABLE_DOWNLOADS = ("json", "csv", "tsv")
GRAPH_DOWNLOADS = ("turtle", "ntriples", "jsonld")
_NAMES = {"json": "JSON", "csv": "CSV", "tsv": "TSV", "turtle": "Turtle"}
_NAMES |= {"ntriples": "N-Triples", "jsonld": "JSON-LD"}
#: File name extensions of the downloads (SPARQL JSON results saved as ``.json``).
EXTENSIONS = {k: "json" if k == "json" else by_key(k).extension for k in _NAMES}
#: Classes and properties for autocompletion: declared in the ontology or used in the data.
TERMS_QUERY = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?term ?kind (MIN(STR(?l)) AS ?label) WHERE {
  { VALUES (?type ?kind) { (owl:Class "class") (rdfs:Class "class")
      (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
      (owl:AnnotationProperty "property") (rdf:Property "property") }
    ?term a ?type }
  UNION { SELECT DISTINCT ?term ("class" AS ?kind) WHERE { ?x a ?term } }
  UNION { SELECT DISTINCT ?term ("property" AS ?kind) WHERE { ?x ?term ?y } }
  FILTER isIRI(?term)
  OPTIONAL { ?term rdfs:label ?l }
} GROUP BY ?term ?kind ORDER BY ?kind ?term"""
#: How long one process keeps the terms list, in seconds.
TERMS_SECONDS = 300.0
_terms: tuple[float, dict[str, list[dict[str, str]]]] | None = None


def downloads(text: str, form: str) -> list[tuple[str, str, str]]:
    """(name, URL, file name) of each download of ``text``'s result from ``/sparql``."""
    keys = GRAPH_DOWNLOADS if form in GRAPH_FORMS else TABLE_DOWNLOADS
    return [
        (_NAMES[k], "/sparql?" + urlencode({"query": text, "format": k}), f"result.{EXTENSIONS[k]}")
        for k in keys
    ]


def _config(text: str, title: str | None, run: bool) -> dict[str, object]:
    """What ``query.js`` needs, embedded in the page as JSON."""
    return {
        "endpoint": "/sparql",
        "terms": "/query/terms.json",
        "base": state().settings.base_iri,
        "prefixes": PREFIXES,
        "query": text,
        "title": title,
        "run": run,
        "formats": {
            "table": TABLE_DOWNLOADS,
            "graph": GRAPH_DOWNLOADS,
            "names": _NAMES,
            "extensions": EXTENSIONS,
        },
    }


def render_query_page(
    text: str | None = None,
    title: str | None = None,
    result: Answer | None = None,
    error: KgError | None = None,
    run: bool = False,
) -> Response:
    """The query page with ``text`` in the editor and, if run, its result or error;
    ``run`` asks the editor to run the query as soon as it loads."""
    settings = state().settings
    shown = text if text is not None else DEFAULT_QUERY
    html = render_template(
        "query.html",
        page="query",
        text=shown,
        title=title,
        result=result,
        error=error,
        downloads=downloads(shown, result.form) if result else [],
        topics=by_topic(settings.queries),
        row_limit=settings.row_limit,
        timeout=settings.query_timeout,
        config=_config(shown, title, run),
    )
    status = error.status if error else 200
    headers = list(error.headers) if error else []
    return Response(html, status, headers, content_type="text/html; charset=utf-8")


@blueprint.route("/query")
def query_page() -> Response:
    """The editor; ``?query=`` runs a query on the server, ``?example=`` opens an example.

    A failing query is shown in the page, with the error's status, to a browser (HTML
    preferred); any other client gets the one JSON error shape.
    """
    params = decode_params(request.query_string)
    name = params.get("example")
    text = params.get("query") if (params.get("query") or "").strip() else None
    if text is None and name:
        found = example(state().settings.queries, name)
        return render_query_page(found.text, found.title, run=True)
    if text is None:
        return render_query_page()
    try:
        return render_query_page(text, result=answer(text), run=True)
    except KgError as exc:
        if not wants_html(request.accept_mimetypes):
            raise  # other clients get the one JSON error shape
        return render_query_page(text, error=exc, run=True)


def terms() -> dict[str, list[dict[str, str]]]:
    """The classes and properties autocompletion offers, each with its label (if any)."""
    global _terms
    now = time.monotonic()
    if _terms is None or now - _terms[0] > TERMS_SECONDS:
        found: dict[str, list[dict[str, str]]] = {"classes": [], "properties": []}
        for row in select(TERMS_QUERY):
            group = found["classes" if row["kind"]["value"] == "class" else "properties"]
            entry = {"iri": row["term"]["value"]}
            if "label" in row:
                entry["label"] = row["label"]["value"]
            if not group or group[-1]["iri"] != entry["iri"]:
                group.append(entry)
        _terms = (now, found)
    return _terms[1]


@blueprint.route("/query/terms.json")
def terms_json() -> Response:
    """Our classes and properties as JSON, for the editor's autocompletion."""
    response = jsonify(terms())
    response.headers["Cache-Control"] = f"max-age={int(TERMS_SECONDS)}"
    return response
