"""The embedded backend: a pyoxigraph store on disk (or in memory for tests)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.errors import BadRequest, QuerySyntaxError, StoreError
from kg.results import SELECT, QueryResult, Term
from kg.store import union as union_copy
from kg.store.jsonrows import write_select
from kg.store.rdfio import rdf_format
from kg.store.terms import ENGINE_ERRORS, collect, engine_failure, to_engine
from kg.store.writes import EmbeddedWrites

_T = TypeVar("_T")


class EmbeddedStore(EmbeddedWrites):
    """A pyoxigraph store: read-write (one process) or a read-only snapshot.

    >>> s = EmbeddedStore.memory()
    >>> s.load_data(b'<http://e/s> <http://e/p> "o" .', "turtle", "http://e/g")
    >>> s.query("SELECT ?o WHERE { ?s ?p ?o }", row_limit=10).rows
    [(Term(kind='literal', value='o', datatype=None, language=None, parts=None),)]
    """

    def __init__(self, engine: Any, location: str | None, read_only: bool) -> None:
        self._engine = engine
        self.location = location
        self.read_only = read_only
        self._materialized: bool | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str], read_only: bool = False) -> EmbeddedStore:
        """Open (and for read-write, create) the store at ``path``.

        :raises StoreError: when the folder is not a store or is locked by another writer.
        """
        location = str(path)
        try:
            if read_only:
                if not (Path(location) / "CURRENT").exists():
                    raise StoreError(f"no store at {location}: run `kg load` first")
                return cls(ox.Store.read_only(location), location, True)
            Path(location).mkdir(parents=True, exist_ok=True)
            return cls(ox.Store(location), location, False)
        except (OSError, RuntimeError) as exc:
            # RuntimeError: RocksDB reports "Corruption" when a read-only open races a
            # writer's compaction; callers retry.
            raise StoreError(f"cannot open the store at {location}: {exc}") from None

    @classmethod
    def memory(cls) -> EmbeddedStore:
        """A fresh in-memory store (tests and benchmarks)."""
        return cls(ox.Store(), None, False)

    def reopen(self, attempts: int = 5) -> None:
        """Re-open a read-only snapshot to see the latest writes; an open that races the
        writer's compaction is tried again (:raises StoreError: when every attempt fails)."""
        if not (self.read_only and self.location):
            return
        for attempt in range(1, attempts + 1):
            try:
                self._engine = ox.Store.read_only(self.location)
                self._materialized = None
                return
            except (OSError, RuntimeError) as exc:
                if attempt == attempts:
                    raise StoreError(f"cannot reopen the store at {self.location}: {exc}") from None
                time.sleep(0.02 * attempt)

    def _reading(self, read: Callable[[], _T], attempts: int = 4) -> _T:
        """Run ``read``; a read-only snapshot whose files the writer has since compacted away
        (RocksDB opens them lazily) is reopened and ``read`` run again, up to ``attempts``."""
        for attempt in range(1, attempts + 1):
            try:
                return read()
            except FileNotFoundError as exc:
                if not self.read_only or attempt == attempts:
                    raise StoreError(f"the store changed while it was read: {exc}") from None
            self.reopen()
        raise AssertionError("unreachable")

    @property
    def materialized(self) -> bool:
        """True when the default graph holds the union of the named graphs (see
        :mod:`kg.store.union`); read once per snapshot."""
        if self._materialized is None:
            self._materialized = union_copy.is_materialized(self._engine)
        return self._materialized

    def materialize(self) -> bool:
        """Keep the union of the named graphs as the default graph from now on, if the
        default graph is free for it (empty); one transaction. True when it is kept."""
        if not self.materialized and union_copy.default_is_empty(self._engine):
            self._apply(union_copy.TO_MATERIALIZED)
            self._materialized = True
        return self.materialized

    def _to_union(self) -> None:
        """Before a write that does not keep the copy: back to query-time union."""
        if self.materialized:
            self._apply(union_copy.TO_UNION)
            self._materialized = False

    # -- reading ---------------------------------------------------------------------------

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

        With ``write="json"``, a SELECT answer comes back already written as SPARQL JSON
        (``written``), which saves converting every term.

        Without a dataset the default graph is the union of all graphs; ``union=False`` leaves
        the dataset to the query's own FROM / FROM NAMED.

        :raises QuerySyntaxError: when the text does not parse or the engine fails on it,
            when it starts or while the answer is read.
        :raises QueryRefused: when a SERVICE call met the sandbox (no internet sockets).
        :raises BadRequest: when a dataset graph is not an absolute IRI.
        :raises StoreError: when the store cannot be read.
        """

        def run() -> QueryResult:
            default = union and not self.materialized
            options = _dataset_options(default_graphs, named_graphs, default)
            if substitutions:
                options["substitutions"] = {
                    ox.Variable(k): to_engine(v) for k, v in substitutions.items()
                }
            return self._query(text, base_iri, options, row_limit, write)

        return self._reading(run)

    def _query(
        self, text: str, base_iri: str | None, options: dict[str, Any], row_limit: int, write: Any
    ) -> QueryResult:
        try:
            raw = self._engine.query(text, base_iri=base_iri, **options)
            if write == "json" and isinstance(raw, ox.QuerySolutions):
                variables = [v.value for v in raw.variables]
                body, size, truncated = write_select(variables, raw, row_limit)
                written = ("json", body, size)
                return QueryResult(SELECT, variables, truncated=truncated, written=written)
            return collect(raw, row_limit)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"the query does not parse: {exc}") from None
        except FileNotFoundError:
            raise  # a compaction removed the snapshot's files: _reading reopens and retries
        except ENGINE_ERRORS as exc:  # also while the answer is read: SERVICE runs lazily
            raise engine_failure(exc) from None

    def update(self, text: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in one transaction (the store leaves materialized mode first:
        an arbitrary update does not keep the union copy).

        :raises QuerySyntaxError: when the text does not parse or cannot be applied.
        """
        self._to_union()
        self._apply(text, base_iri)

    def _apply(self, text: str, base_iri: str | None = None) -> None:
        try:
            self._engine.update(text, base_iri=base_iri)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"the update does not parse: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise QuerySyntaxError(f"the update failed: {exc}") from None

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        names = self._reading(lambda: list(self._engine.named_graphs()))
        return sorted(
            g.value for g in names if isinstance(g, ox.NamedNode) and g != union_copy.MARKER
        )

    def has_graph(self, iri: str) -> bool:
        """True when a named graph with this IRI exists (never for a text that is no IRI)."""
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        return bool(self._reading(lambda: self._engine.contains_named_graph(node)))

    def __len__(self) -> int:
        """The number of quads in named graphs (and in the default graph unless it is the
        union copy)."""
        if not self.materialized:
            return len(self._engine)
        return sum(1 for _ in self._named_quads())

    def _named_quads(self) -> Iterator[Any]:
        """The quads of the named graphs, graph by graph (the union copy is never read)."""
        for graph in self._engine.named_graphs():
            yield from self._engine.quads_for_pattern(None, None, None, graph)

    def dump(self, fmt: str) -> bytes:
        """Serialize the whole dataset (``nquads`` or ``trig``)."""
        if not self.materialized:
            return bytes(self._engine.dump(format=rdf_format(fmt)))
        return ox.serialize(self._named_quads(), format=rdf_format(fmt)) or b""

    def flush(self) -> None:
        """Make writes durable and visible to read-only openers."""
        if not self.read_only and self.location:
            self._engine.flush()

    def close(self) -> None:
        """Release the engine (the process may then reopen the folder)."""
        self.flush()
        self._engine = None


def _dataset_options(
    default_graphs: Iterable[str] | None, named_graphs: Iterable[str] | None, union: bool = True
) -> dict[str, Any]:
    default = list(default_graphs) if default_graphs is not None else None
    named = list(named_graphs) if named_graphs is not None else None
    if default is None and named is None:
        return {"use_default_graph_as_union": True} if union else {}
    options: dict[str, Any] = {}
    options["default_graph"] = [_graph_name(g) for g in default] if default else []
    if named is not None:
        options["named_graphs"] = [_graph_name(g) for g in named]
    return options


def _graph_name(iri: str) -> Any:
    """The engine's name for a dataset graph.

    :raises BadRequest: when ``iri`` is not an absolute IRI.
    """
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise BadRequest(f"<{iri}> is not an absolute IRI: it cannot name a graph") from None
