"""Plain-term triples as rdflib graphs, and graphs written as Turtle, TriG or JSON-LD."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.results import Term

Triple = tuple[Term, Term, Term]


def to_rdflib(term: Term) -> Node:
    """A plain term as an rdflib node."""
    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)


def to_graph(triples: Iterable[Triple]) -> Graph:
    """An rdflib graph holding plain-term triples."""
    graph = Graph()
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def write_graphs(graphs: Mapping[str, Iterable[Triple]], fmt: str) -> bytes:
    """Named graphs as ``trig`` (each in its graph), or merged as ``turtle`` / ``json-ld``.

    >>> t = Term("uri", "http://e/a")
    >>> b"<http://e/a>" in write_graphs({"http://e/g": [(t, t, t)]}, "trig")
    True
    """
    if fmt == "trig":
        dataset = Dataset()
        for name, triples in graphs.items():
            target = dataset.graph(URIRef(name))
            for s, p, o in triples:
                target.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        return dataset.serialize(format="trig", encoding="utf-8")
    merged = to_graph(t for triples in graphs.values() for t in triples)
    return merged.serialize(format=fmt, encoding="utf-8")
