"""Counts for `kg stats`: triples per named graph and instances per class."""

from __future__ import annotations

from kg.config import Settings
from kg.store import open_store

_PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_PER_CLASS = (
    "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c"
)


def _table(rows: list[tuple[str, int]], heading: str) -> str:
    width = max([len(heading), *(len(name) for name, _ in rows)])
    lines = [f"{heading.ljust(width)}  {'count':>9}"]
    lines += [f"{name.ljust(width)}  {count:>9}" for name, count in rows]
    return "\n".join(lines) + "\n"


def counts(settings: Settings, text: str) -> list[tuple[str, int]]:
    """Run a two-column (name, count) aggregate and return its rows."""
    store = open_store(settings, read_only=True)
    result = store.query(text, row_limit=100000)
    return [(a.value, int(b.value)) for a, b in result.rows if a is not None and b is not None]


def collect(settings: Settings) -> str:
    """The stats report as text."""
    graphs = counts(settings, _PER_GRAPH)
    classes = counts(settings, _PER_CLASS)
    total = sum(n for _, n in graphs)
    return (
        _table(graphs, "graph")
        + f"\n{total} triples in {len(graphs)} graphs\n\n"
        + _table(classes, "class")
    )
