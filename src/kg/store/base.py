"""The one interface every store backend implements: :class:`Store`.

Callers (loader, contributions, validation, the query path) are typed against this protocol,
never against a backend, so a second backend is checked by mypy at every seam.
:mod:`kg.store` states that both :class:`~kg.store.embedded.EmbeddedStore` and
:class:`~kg.store.remote.RemoteStore` satisfy it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol, runtime_checkable

from kg.results import QueryResult, Term

#: One quad as the store takes it: subject, predicate, object terms and a graph IRI.
Quad = tuple[Term, Term, Term, str]


@runtime_checkable
class Store(Protocol):
    """Reading and writing an RDF dataset of named graphs (the default graph answers as the
    union of the named graphs)."""

    @property
    def materialized(self) -> bool:
        """True when the default graph is a kept copy of the union of the named graphs."""
        ...

    def query(
        self,
        text: str,
        *,
        row_limit: int,
        default_graphs: Iterable[str] | None = None,
        named_graphs: Iterable[str] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[str, Term] | None = None,
        union: bool = True,
        write: str | None = None,
    ) -> QueryResult:
        """Run a query; rows or triples beyond ``row_limit`` are cut and ``truncated`` set.

        :raises QuerySyntaxError: when the text does not parse or cannot be evaluated.
        :raises StoreError: when the store cannot answer.
        """
        ...

    def update(self, text: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update (all or nothing).

        :raises QuerySyntaxError: when the text does not parse or cannot be applied.
        """
        ...

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        ...

    def has_graph(self, iri: str) -> bool:
        """True when a named graph with this IRI exists."""
        ...

    def __len__(self) -> int:
        """The number of stored quads (the union copy, if kept, is not counted)."""
        ...

    def dump(self, fmt: str) -> bytes:
        """Serialize every named graph's quads (``nquads`` or ``trig``)."""
        ...

    def load_data(self, data: bytes, fmt: str, graph: str, base_iri: str | None = None) -> None:
        """Replace the content of named graph ``graph`` with ``data``.

        :raises InputError: when the data does not parse (nothing is written).
        """
        ...

    def bulk_load_file(self, path: Path, fmt: str, graph: str) -> None:
        """Replace named graph ``graph`` with a large file's content."""
        ...

    def import_graph(self, data: bytes, fmt: str, graph: str) -> None:
        """Replace named graph ``graph`` with ``data`` the fastest way the backend has, the
        union copy kept (not one transaction: the caller records success last).

        :raises InputError: when the data does not parse (nothing is written).
        """
        ...

    def remove_graph(self, graph: str) -> None:
        """Delete a named graph and its triples."""
        ...

    def replace_subject(
        self, graph: str, subject: str, triples: list[tuple[Term, Term, Term]]
    ) -> None:
        """Replace every triple about ``subject`` in ``graph`` with ``triples``."""
        ...

    def add_quads(self, quads: list[Quad]) -> None:
        """Add quads to several graphs at once, all or none."""
        ...

    def drop_graph_and_add(self, graph: str, quads: list[Quad]) -> None:
        """Drop named graph ``graph`` and add ``quads``, all or none."""
        ...

    def materialize(self) -> bool:
        """Keep the union of the named graphs as the default graph from now on, where the
        backend can; True when it is kept."""
        ...

    def flush(self) -> None:
        """Make writes durable (and visible to other readers of the same store)."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


__all__ = ["Quad", "Store"]
