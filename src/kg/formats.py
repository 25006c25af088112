"""The one table of media types and file extensions per result kind.

>>> lookup("json", RESULTS).media_type
'application/sparql-results+json'
>>> lookup("text/turtle", GRAPH).key
'turtle'
>>> lookup("xml", GRAPH).key
'rdfxml'
"""

from __future__ import annotations

from dataclasses import dataclass

RESULTS = "results"
GRAPH = "graph"
DATASET = "dataset"


@dataclass(frozen=True)
class Format:
    """A serialization: its key, media type, extension, kind and the names clients use."""

    key: str
    media_type: str
    extension: str
    kind: str
    aliases: tuple[str, ...] = ()
    extra_media_types: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The Content-Type header value (with charset for text formats)."""
        return f"{self.media_type}; charset=utf-8"

    def names(self) -> tuple[str, ...]:
        """Every name this format answers to, lower case."""
        return (self.key, self.media_type, *self.aliases, *self.extra_media_types)


FORMATS: tuple[Format, ...] = (
    Format(
        "json", "application/sparql-results+json", "srj", RESULTS, ("srj",), ("application/json",)
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        "srx",
        RESULTS,
        ("srx",),
        ("application/xml", "text/xml"),
    ),
    Format("csv", "text/csv", "csv", RESULTS),
    Format("tsv", "text/tab-separated-values", "tsv", RESULTS),
    Format("turtle", "text/turtle", "ttl", GRAPH, ("ttl",), ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", "nt", GRAPH, ("nt", "n-triples"), ("text/plain",)),
    Format("jsonld", "application/ld+json", "jsonld", GRAPH, ("json-ld",)),
    Format(
        "rdfxml",
        "application/rdf+xml",
        "rdf",
        GRAPH,
        ("rdf", "rdf+xml", "rdf/xml", "rdf-xml", "owl"),
    ),
    Format("nquads", "application/n-quads", "nq", DATASET, ("nq", "n-quads")),
    Format("trig", "application/trig", "trig", DATASET),
)

#: The default format of each kind (what ``*/*`` or no Accept gets).
DEFAULTS = {RESULTS: "json", GRAPH: "turtle", DATASET: "nquads"}

#: Names that mean a graph format when a graph is asked for (``xml`` is RDF/XML there).
_GRAPH_ALIASES = {"xml": "rdfxml", "json": "jsonld", "application/json": "jsonld"}


def by_key(key: str) -> Format:
    """The format with this key.

    :raises KeyError: for an unknown key.
    """
    for fmt in FORMATS:
        if fmt.key == key:
            return fmt
    raise KeyError(key)


def of_kind(kind: str) -> list[Format]:
    """Formats of one kind, the default first."""
    default = DEFAULTS[kind]
    found = [f for f in FORMATS if f.kind == kind]
    return sorted(found, key=lambda f: f.key != default)


def lookup(name: str, kind: str) -> Format | None:
    """The format of ``kind`` that ``name`` (a key, alias or media type) names, if any."""
    name = name.strip().lower().split(";")[0].strip()
    if kind == GRAPH and name in _GRAPH_ALIASES:
        name = _GRAPH_ALIASES[name]
    for fmt in FORMATS:
        if fmt.kind == kind and name in fmt.names():
            return fmt
    return None


def from_extension(path: str) -> Format | None:
    """The RDF format a file name implies (``.ttl``, ``.nt``, ``.jsonld``...), if any."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    for fmt in FORMATS:
        if fmt.kind in (GRAPH, DATASET) and suffix in (fmt.extension, *fmt.aliases):
            return fmt
    return None
