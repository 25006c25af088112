"""What every row-by-row importer shares: one graph per row, rejected rows with their reasons,
validation against the shapes before anything is written, a summary, and an atomic write.

An importer reads the whole file first (a file that cannot be read raises
:class:`~kg.errors.InputError` before anything is written), turns each row into a
:class:`RowGraph` or a :class:`Rejected` entry, and hands them to :func:`check`. ``check``
validates all rows together (with the given context) and rejects each row that has a
Violation on one of its own nodes, with the shape's message as the reason; the rows left are
the result. Nothing here stops on one bad row.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, URIRef
from tqdm import tqdm

from kg.errors import InputError
from kg.results import Term
from kg.validation import ShapesBundle, validate

T = TypeVar("T")


@dataclass(frozen=True)
class Rejected:
    """A row left out of the import: its number in the file, its key (if any) and why."""

    row: int
    key: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}" + (f" ({self.key})" if self.key else "") + f": {self.reason}"


@dataclass
class RowGraph:
    """The triples one row gives, with the row's number in the file and its key."""

    row: int
    key: str
    graph: Graph = field(default_factory=Graph)


@dataclass
class ImportResult:
    """The accepted triples, the rejected rows and the counts of one import."""

    graph: Graph
    rows_read: int
    imported: int
    rejected: list[Rejected]
    warnings: int = 0

    def summary(self, name: str) -> str:
        """One line of counts, then one line per rejected row."""
        head = (
            f"{name}: {self.rows_read} rows read, {self.imported} imported, "
            f"{len(self.rejected)} rejected, {len(self.graph)} triples, "
            f"{self.warnings} shape warnings"
        )
        return "\n".join([head, *(f"  rejected {r}" for r in self.rejected)])


def merge(common: Graph, rows: Iterable[RowGraph]) -> Graph:
    """One graph of ``common`` and every row's triples (with ``common``'s prefixes)."""
    graph = Graph(namespace_manager=common.namespace_manager)
    for part in (common, *(r.graph for r in rows)):
        for triple in part:
            graph.add(triple)
    return graph


def progress(items: Iterable[T], name: str, total: int | None = None) -> Iterator[T]:
    """``items`` with a progress bar on standard error (shown only on a terminal)."""
    yield from tqdm(items, desc=name, unit="row", total=total, disable=None, leave=False)


def check(
    rows: list[RowGraph],
    rejected: list[Rejected],
    common: Graph,
    *,
    context: Graph,
    shapes: ShapesBundle,
    rows_read: int,
) -> ImportResult:
    """Validate ``common`` plus every row's graph (with ``context``) and keep the rows whose
    own nodes have no Violation.

    A row is judged on its own triples and on what ``context`` says about the other nodes it
    refers to: what the context says about a row's own nodes is left out, since an import
    replaces its earlier output (so the result does not depend on what the store held).

    :raises InputError: when a node of ``common`` (shared by all rows, e.g. the source
        document) violates a shape: then no row can be imported.
    """
    merged = merge(common, rows)
    owners: dict[URIRef, list[int]] = {}
    for index, row in enumerate(rows):
        for subject in set(row.graph.subjects()):
            if isinstance(subject, URIRef):
                owners.setdefault(subject, []).append(index)
    known = Graph()
    for triple in context:
        if triple[0] not in owners:
            known.add(triple)
    outcome = validate(merged, known, shapes=shapes, fast=True)
    reasons: dict[int, list[str]] = {}
    for result in outcome.results:
        if result.severity != "Violation":
            continue
        hit = owners.get(URIRef(result.focus))
        if hit is None:
            if "://" not in result.focus:
                continue  # a blank node: its row is reported through the node that holds it
            raise InputError(f"shared node {result.focus} violates the shapes: {result.message}")
        for index in hit:
            messages = reasons.setdefault(index, [])
            if result.message not in messages:
                messages.append(result.message)
    kept = merge(common, (row for i, row in enumerate(rows) if i not in reasons))
    out = [*rejected]
    out += [Rejected(rows[i].row, rows[i].key, " ".join(m)) for i, m in reasons.items()]
    out.sort(key=lambda r: r.row)
    warnings = sum(1 for r in outcome.results if r.severity == "Warning")
    return ImportResult(kept, rows_read, len(rows) - len(reasons), out, warnings)


def reference_triples(graph: Graph) -> list[tuple[Term, Term, Term]]:
    """The IRIs ``graph`` mentions, as plain-term triples (what a store context fetch reads)."""
    out = []
    for s, p, o in graph:
        if isinstance(s, URIRef):
            obj = Term("uri", str(o)) if isinstance(o, URIRef) else Term("literal", "")
            out.append((Term("uri", str(s)), Term("uri", str(p)), obj))
    return out


def write_turtle(graph: Graph, path: str | Path, header: str = "") -> None:
    """Write ``header`` and ``graph`` as Turtle to ``path`` in one step (a temporary file in
    the same folder, then renamed), so a failed write leaves the old file as it was."""
    target = Path(path)
    text = header + graph.serialize(format="turtle")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
