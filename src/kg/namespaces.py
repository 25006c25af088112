"""Prefixes and the IRI scheme for resources and named graphs.

>>> graph_iri_for_path("data/turtle/statement/hdim-2015.ttl")
'https://w3id.org/tpkg/graph/data/statement/hdim-2015'
>>> graph_iri_for_path("ontology/tpkg.ttl", base="http://example.org/")
'http://example.org/graph/ontology/tpkg'
"""

from __future__ import annotations

from pathlib import PurePosixPath

DEFAULT_BASE = "https://w3id.org/tpkg/"
TP = "https://w3id.org/tpkg/ontology#"

PREFIXES: dict[str, str] = {
    "tp": TP,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "qb": "http://purl.org/linked-data/cube#",
    "schema": "https://schema.org/",
    "oa": "http://www.w3.org/ns/oa#",
    "time": "http://www.w3.org/2006/time#",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

#: Named graph that records each load (file, hash, time): internal bookkeeping.
LOADS_GRAPH_NAME = "system/loads"

_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".rdf", ".jsonld", ".owl")


def graph_iri(name: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of the named graph called ``name`` (e.g. ``data/statement/x``)."""
    return f"{base}graph/{name}"


def resource_iri(kind: str, key: str, base: str = DEFAULT_BASE) -> str:
    """The IRI of a resource, e.g. ``resource_iri("state", "KAZ")``."""
    return f"{base}id/{kind}/{key}"


def graph_iri_for_path(path: str, base: str = DEFAULT_BASE) -> str:
    """The named graph of a source file given relative to the project root.

    ``data/turtle/`` becomes ``data/``; the file suffix is dropped.
    """
    pure = PurePosixPath(path)
    parts = list(pure.parts)
    if parts[:2] == ["data", "turtle"]:
        parts = ["data", *parts[2:]]
    name = "/".join(parts)
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return graph_iri(name, base)
