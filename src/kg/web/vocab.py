"""``/ontology`` and ``/shapes``: the ontology and the SHACL shapes, to read or to load.

Browsers get a page (the ontology's classes and properties with their definitions; each
shape with its target, severity, message and comment); RDF clients get the graph as Turtle,
N-Triples, JSON-LD or RDF/XML by Accept or ``format=``. The terms are named in
``<base>ontology#...`` and ``<base>shapes#...``, so each term's IRI resolves to its
document, at the fragment the page gives it. Both come from the files the server uses (the
ontology file, ``KG_ONTOLOGY``; the shapes folder, ``KG_SHAPES``), parsed once per version.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, render_template, request
from rdflib import Graph

from kg.errors import ConfigError
from kg.validation.shapes import load_shapes
from kg.web.negotiate import choose
from kg.web.reads import state
from kg.web.service import wants_html
from kg.web.vocabview import ontology_view, shapes_view

blueprint = Blueprint("vocab", __name__, template_folder="templates")

_RDFLIB = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@lru_cache(maxsize=4)
def _parsed(path: str, stamp: tuple[int, int]) -> Graph:
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many unrelated types on bad Turtle
        raise ConfigError(f"the ontology file {path} does not parse: {exc}") from None
    return graph


def ontology_graph() -> Graph:
    """The ontology file of the settings, parsed (again only when it changes).

    :raises ConfigError: when the file is missing or does not parse.
    """
    path = Path(state().settings.ontology)
    if not path.is_file():
        raise ConfigError(f"the ontology file {path} is missing (setting ontology)")
    info = path.stat()
    return _parsed(str(path.resolve()), (info.st_mtime_ns, info.st_size))


def shapes_graph() -> tuple[Graph, str]:
    """The shapes bundle's graph and version (:func:`kg.validation.shapes.load_shapes`)."""
    bundle = load_shapes(state().settings.shapes)
    return bundle.graph, bundle.version


#: Serialized graphs by (graph, version, format): each is written once.
_written: dict[tuple[int, str, str], bytes] = {}


def _serialized(graph: Graph, version: str, fmt: str) -> bytes:
    key = (id(graph), version, fmt)
    if key not in _written:
        if len(_written) > 32:
            _written.clear()
        _written[key] = graph.serialize(format=_RDFLIB[fmt], encoding="utf-8")
    return _written[key]


def _answer(graph: Graph, version: str, html: Callable[[], str]) -> Response:
    """The page for browsers (``html()``), else the graph in the negotiated RDF format."""
    names = request.args.getlist("format")
    if wants_html(request.accept_mimetypes) and not names:
        headers = {"Vary": "Accept"}
        return Response(html(), content_type="text/html; charset=utf-8", headers=headers)
    fmt = choose("construct", request.headers.get("Accept"), names)
    body = _serialized(graph, version, fmt.key)
    headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    return Response(body, content_type=fmt.content_type, headers=headers)


@blueprint.route("/ontology")
def ontology() -> Response:
    """The ontology: its documentation (HTML) or the graph (RDF)."""
    graph = ontology_graph()
    base = state().settings.base_iri
    return _answer(
        graph,
        str(len(graph)),
        lambda: render_template("ontology.html", page="ontology", view=ontology_view(graph, base)),
    )


@blueprint.route("/shapes")
def shapes() -> Response:
    """The shapes: each with its target, severity and message (HTML), or the graph (RDF)."""
    graph, version = shapes_graph()
    base = state().settings.base_iri
    return _answer(
        graph,
        version,
        lambda: render_template("shapes.html", page="shapes", view=shapes_view(graph, base)),
    )
