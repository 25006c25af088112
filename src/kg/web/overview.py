"""What the graph holds, for the home page: counts by class, the States, the source documents
with their dates, the last load and the last contribution.

Each part is one guarded query run through :mod:`kg.web.reads` (the isolated query workers);
the whole overview is kept per store version, so a page view after the first costs no query
until a load or a contribution changes the store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import quote

from kg.namespaces import LOADS_GRAPH_NAME, TP, graph_iri
from kg.provenance import contributions_graph
from kg.store import Version
from kg.web.labels import local_link
from kg.web.reads import Binding, select, state

_PREFIXES = (
    "PREFIX tp: <https://w3id.org/tpkg/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "PREFIX dct: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#> "
)
CLASSES = _PREFIXES + (
    "SELECT ?class (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class "
    'FILTER(STRSTARTS(STR(?class), "https://w3id.org/tpkg/ontology#")) '
    "OPTIONAL { ?class rdfs:label ?l } } GROUP BY ?class ORDER BY DESC(?n) ?class"
)
STATES = _PREFIXES + (
    "SELECT ?state (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?r) AS ?n) WHERE { ?state a tp:State "
    "OPTIONAL { ?state rdfs:label ?l } OPTIONAL { ?r tp:addressee ?state } } "
    "GROUP BY ?state ORDER BY ?label"
)
SOURCES = _PREFIXES + (
    "SELECT ?doc (SAMPLE(?l) AS ?label) (MIN(STR(COALESCE(?d1, ?d2, ?d3))) AS ?date) "
    "(COUNT(DISTINCT ?fact) AS ?n) WHERE { ?doc a/rdfs:subClassOf* tp:Document "
    "OPTIONAL { ?doc rdfs:label ?l } OPTIONAL { ?doc dct:date ?d1 } "
    "OPTIONAL { ?doc dct:issued ?d2 } OPTIONAL { ?doc tp:dateAdopted ?d3 } "
    "OPTIONAL { ?fact dct:source/dct:isPartOf* ?doc } } "
    "GROUP BY ?doc ORDER BY DESC(?n) ?label"
)
LAST_LOAD = _PREFIXES + (
    "SELECT (MAX(?at) AS ?last) (COUNT(DISTINCT ?g) AS ?files) ?records "
    "WHERE { GRAPH ?records { ?g prov:generatedAtTime ?at } } GROUP BY ?records"
)
LAST_CONTRIBUTION = _PREFIXES + (
    "SELECT ?g ?at ?name ?gone ?records WHERE { GRAPH ?records { "
    "?g prov:generatedAtTime ?at ; prov:wasAttributedTo ?agent "
    "OPTIONAL { ?agent rdfs:label ?name } OPTIONAL { ?g prov:invalidatedAtTime ?gone } } } "
    "ORDER BY DESC(?at) LIMIT 1"
)


@dataclass(frozen=True)
class Item:
    """A resource to show: its IRI, label, the path this server answers for it (or an
    empty string), a count and a date (empty when unknown)."""

    iri: str
    label: str
    link: str = ""
    count: int = 0
    date: str = ""


@dataclass(frozen=True)
class Overview:
    """What the home page shows about the graph."""

    classes: list[Item] = field(default_factory=list)
    states: list[Item] = field(default_factory=list)
    sources: list[Item] = field(default_factory=list)
    last_load: Item | None = None
    last_contribution: Item | None = None


def class_link(iri: str) -> str:
    """Where a class of the ontology is described: its entry on ``/ontology``."""
    return "/ontology#" + quote(iri[len(TP) :]) if iri.startswith(TP) else ""


def _value(row: Binding, name: str) -> str:
    return row[name]["value"] if name in row else ""


def _items(rows: list[Binding], key: str, link: bool = True) -> list[Item]:
    return [
        Item(
            iri=_value(row, key),
            label=_value(row, "label") or _value(row, key).rsplit("/", 1)[-1],
            link=(local_link(_value(row, key)) or "") if link else class_link(_value(row, key)),
            count=int(_value(row, "n") or 0),
            date=_value(row, "date"),
        )
        for row in rows
    ]


def _last_load() -> Item | None:
    loads = graph_iri(LOADS_GRAPH_NAME, state().settings.base_iri)
    rows = select(LAST_LOAD, records=loads)
    if not rows or not _value(rows[0], "last"):
        return None
    return Item(loads, "load", count=int(_value(rows[0], "files")), date=_value(rows[0], "last"))


def _last_contribution() -> Item | None:
    rows = select(LAST_CONTRIBUTION, records=contributions_graph(state().settings.base_iri))
    if not rows:
        return None
    row = rows[0]
    cid = _value(row, "g").rsplit("/", 1)[-1]
    who = _value(row, "name") or "an unnamed contributor"
    label = f"{who}{' (withdrawn)' if _value(row, 'gone') else ''}"
    return Item(_value(row, "g"), label, f"/contributions/{cid}", date=_value(row, "at"))


def build() -> Overview:
    """Run the overview's queries (through the isolated query workers)."""
    return Overview(
        classes=_items(select(CLASSES), "class", link=False),
        states=_items(select(STATES), "state"),
        sources=_items(select(SOURCES), "doc"),
        last_load=_last_load(),
        last_contribution=_last_contribution(),
    )


_cache: dict[tuple[str, Version], Overview] = {}
_lock = threading.Lock()


def overview() -> Overview:
    """The overview of the store's current version (built once per version)."""
    version = (state().settings.store, state().access.version())
    with _lock:
        found = _cache.get(version)
    if found is None:
        found = build()
        with _lock:
            _cache.clear()
            _cache[version] = found
    return found
