"""RDF parsing and writing with the engine: the one place that maps format keys to pyoxigraph."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError

_FORMATS: dict[str, Any] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}


def rdf_format(key: str) -> Any:
    """The engine's format object for a format key such as ``turtle``.

    :raises InputError: for an unknown key.
    """
    try:
        return _FORMATS[key]
    except KeyError:
        raise InputError(f"unknown RDF format {key!r}") from None


def serialize_triples(
    triples: Iterable[Any], fmt: str, prefixes: dict[str, str] | None = None
) -> bytes:
    """Write engine triples as ``fmt`` (turtle, ntriples, jsonld, rdfxml); Turtle and TriG
    declare only the ``prefixes`` whose namespace the triples use."""
    kwargs: dict[str, Any] = {}
    triples = list(triples)
    if prefixes and fmt in ("turtle", "trig"):
        kwargs["prefixes"] = _used(prefixes, triples)
    data = ox.serialize(triples, format=rdf_format(fmt), **kwargs)
    return bytes(data) if data is not None else b""


def _used(prefixes: dict[str, str], triples: list[Any]) -> dict[str, str]:
    iris = {
        term.value
        for triple in triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, ox.NamedNode)
    }
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    return {p: ns for p, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}
