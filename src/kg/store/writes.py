"""Writing to the embedded store: graph loads, bulk imports, subject and quad edits, each
keeping the default-graph union copy exact when the store keeps one (a mixin of
:class:`kg.store.embedded.EmbeddedStore`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError
from kg.results import Term
from kg.store import union as union_copy
from kg.store.rdfio import rdf_format
from kg.store.terms import parse_quads, to_engine


class EmbeddedWrites:
    """The write methods; the store provides the engine and the read helpers they use."""

    _engine: Any

    @property
    def materialized(self) -> bool:  # provided by the store
        raise NotImplementedError

    def _to_union(self) -> None:  # provided by the store
        raise NotImplementedError

    def _apply(self, text: str, base_iri: str | None = None) -> None:  # provided by the store
        raise NotImplementedError

    def has_graph(self, iri: str) -> bool:  # provided by the store
        raise NotImplementedError

    def load_data(self, data: bytes, fmt: str, graph: str, base_iri: str | None = None) -> None:
        """Replace the content of named graph ``graph`` with ``data`` (one transaction each
        for the drop and the load; the caller records success last).

        :raises InputError: when the data does not parse (nothing is written).
        """
        parsed = parse_quads(data, fmt, graph, base_iri)
        self._to_union()
        self.remove_graph(graph)
        self._engine.extend(parsed)
        self._engine.add_graph(ox.NamedNode(graph))

    def bulk_load_file(self, path: Path, fmt: str, graph: str) -> None:
        """Load a large file without holding it in memory (not transactional)."""
        node = ox.NamedNode(graph)
        self._to_union()
        if self.has_graph(graph):
            self._engine.remove_graph(node)
        self._engine.bulk_load(path=str(path), format=rdf_format(fmt), to_graph=node)
        self._engine.add_graph(node)

    def import_graph(self, data: bytes, fmt: str, graph: str) -> None:
        """Replace named graph ``graph`` with ``data`` through the bulk loader, keeping the
        union copy: drop the old graph (one transaction), load the data, then its copy.
        After a crash or bad data the graph may be partial; the caller's record, written
        last, tells.

        :raises InputError: when the data does not parse.
        """
        node = ox.NamedNode(graph)
        if self.materialized:
            self._apply(union_copy.drop_graph_update(graph))
        elif self.has_graph(graph):
            self._engine.remove_graph(node)
        if b"_:" in data:  # blank nodes: the copy must hold the same ones
            parsed = parse_quads(data, fmt, graph)
            copy = union_copy.copies(parsed) if self.materialized else []
            self._engine.bulk_extend(parsed + copy)
        else:
            targets = [node, ox.DefaultGraph()] if self.materialized else [node]
            try:
                for target in targets:
                    self._engine.bulk_load(input=data, format=rdf_format(fmt), to_graph=target)
            except (SyntaxError, ValueError) as exc:
                raise InputError(f"cannot parse {fmt}: {exc}") from None
        self._engine.add_graph(node)

    def remove_graph(self, graph: str) -> None:
        """Delete a named graph and its triples."""
        self._to_union()
        if self.has_graph(graph):
            self._engine.remove_graph(ox.NamedNode(graph))

    def replace_subject(
        self, graph: str, subject: str, triples: list[tuple[Term, Term, Term]]
    ) -> None:
        """Replace every triple about ``subject`` in ``graph`` with ``triples``, keeping the
        union copy (a copy goes with its last named-graph statement)."""
        g, s = ox.NamedNode(graph), ox.NamedNode(subject)
        old = list(self._engine.quads_for_pattern(s, None, None, g))
        for quad in old:
            self._engine.remove(quad)
            if self.materialized and not union_copy.stated(self._engine, quad):
                self._engine.remove(union_copy.copies([quad])[0])
        new = [ox.Quad(to_engine(a), to_engine(b), to_engine(c), g) for a, b, c in triples]
        self._engine.extend(union_copy.with_copies(new) if self.materialized else new)

    def add_quads(self, quads: list[tuple[Term, Term, Term, str]]) -> None:
        """Add quads ``(s, p, o, graph)`` to several graphs in ONE transaction (all or none),
        with their union copies when the store keeps them."""
        engine_quads = [
            ox.Quad(to_engine(s), to_engine(p), to_engine(o), ox.NamedNode(g))
            for s, p, o, g in quads
        ]
        self._engine.extend(
            union_copy.with_copies(engine_quads) if self.materialized else engine_quads
        )

    def drop_graph_and_add(self, graph: str, quads: list[tuple[Term, Term, Term, str]]) -> None:
        """Drop named graph ``graph`` and add ``quads`` in ONE transaction (one update whose
        terms are written by the engine's own serializer, never from raw text)."""
        triples = [(f"{to_engine(s)} {to_engine(p)} {to_engine(o)}", g) for s, p, o, g in quads]
        data = " ".join(f"GRAPH {ox.NamedNode(g)} {{ {t} }}" for t, g in triples)
        if self.materialized:
            data += " " + " ".join(t + " ." for t, _ in triples)
            drop = union_copy.drop_graph_update(graph)
        else:
            drop = f"DROP SILENT GRAPH {ox.NamedNode(graph)}"
        self._apply(f"{drop} ; INSERT DATA {{ {data} }}")
