"""The materialized union default graph of the embedded store.

Queries see the union of all named graphs as their default graph. The engine can compute that
union at query time, but aggregates then run about a third slower than on a plain default
graph, and a triple stated in two graphs counts twice. So a store kept by ``kg`` holds the
union itself: its default graph is a copy of every named graph's triples (a set: each triple
once), and an empty named graph :data:`MARKER` says so.

Two modes, always correct:

* **materialized** (the marker exists): queries read the default graph as it is. Small writes
  (contributions, withdrawals) change the named graph and the default graph in one
  transaction; :func:`drop_graph_update` keeps a triple another graph still states.
* **union** (no marker): queries ask the engine for the union. Loading files and maintainer
  updates switch a store to this mode first (:data:`TO_UNION` clears the copy and the marker
  in one transaction), so a crash half-way never leaves a stale copy visible; the loader
  then rebuilds the copy in one transaction (:data:`TO_MATERIALIZED`).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

#: An empty named graph whose existence says "the default graph is the union".
MARKER = ox.NamedNode("urn:x-tpkg:default-graph-is-union-of-named-graphs")

#: Back to query-time union: drop the copy and the marker, in one transaction.
TO_UNION = f"CLEAR SILENT DEFAULT ; DROP SILENT GRAPH {MARKER}"

#: Rebuild the copy from every named graph and set the marker, in one transaction.
TO_MATERIALIZED = (
    "CLEAR SILENT DEFAULT ; "
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ; "
    f"CREATE SILENT GRAPH {MARKER}"
)


def is_materialized(engine: Any) -> bool:
    """True when the store's default graph is the maintained union of its named graphs."""
    return bool(engine.contains_named_graph(MARKER))


def default_is_empty(engine: Any) -> bool:
    """True when the default graph holds no triple."""
    quads = engine.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return next(iter(quads), None) is None


def with_copies(quads: list[Any]) -> list[Any]:
    """``quads`` followed by a default-graph copy of each (the same terms, blank nodes too)."""
    return quads + copies(quads)


def copies(quads: list[Any]) -> list[Any]:
    """A default-graph copy of each of ``quads``."""
    return [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads]


def stated(engine: Any, quad: Any) -> bool:
    """True when a named graph states the triple of ``quad``."""
    found = engine.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
    return any(isinstance(q.graph_name, ox.NamedNode) for q in found)


def drop_graph_update(graph: str) -> str:
    """An update that drops named graph ``graph`` and removes its triples from the default
    graph unless another named graph still states them."""
    g = ox.NamedNode(graph)
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }} ; "
        f"DROP SILENT GRAPH {g}"
    )
