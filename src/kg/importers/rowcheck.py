"""Validation that rejects rows, not whole imports: a row whose output violates a shape is
dropped and listed with the message, and the rest is validated again and imported.

A violation on a node no single row owns (a recommending country, a concept many rows name)
cannot be pinned on one row: it fails the import as :func:`kg.importers.checks.check` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.importers.checks import judge
from kg.importers.triples import ImportData, Triples
from kg.validation import ValidationOutcome

#: Rounds of drop-and-validate-again before giving up (a drop rarely breaks another node).
ROUNDS = 3


@dataclass
class RowVerdict:
    """The final outcome, and the rows dropped: (row number or name, reason)."""

    outcome: ValidationOutcome
    rejected: list[tuple[Any, str]] = field(default_factory=list)


def _violations(outcome: ValidationOutcome) -> dict[str, str]:
    """Focus node -> the message of its first violation."""
    found: dict[str, str] = {}
    for result in outcome.results:
        if result.severity == "Violation":
            found.setdefault(result.focus, result.message)
    return found


def check_rows(
    graph: ImportData, shapes: str | Path, context: Graph, rows: Mapping[URIRef, Any]
) -> RowVerdict:
    """Validate ``graph`` (an import's triples or graph); drop from it each row (``rows``: a
    row's own nodes -> its number or name; a row may own several nodes) one of whose nodes has
    a violation, with every triple about one of its nodes or pointing to one, and validate
    again.

    :raises InputError: for a violation on a node that is no row's own, or one that remains
        after :data:`ROUNDS` rounds.
    """
    verdict = RowVerdict(judge(graph, shapes, context))
    for _ in range(ROUNDS):
        bad = _violations(verdict.outcome)
        if not bad:
            return verdict
        unowned = [focus for focus in bad if URIRef(focus) not in rows]
        if unowned:
            first = unowned[0]
            raise InputError(f"output fails validation: {first}: {bad[first]}")
        dropped: dict[Any, str] = {}
        for focus, message in sorted(bad.items()):
            dropped.setdefault(rows[URIRef(focus)], message)
        for row, message in dropped.items():
            _drop(graph, [node for node, owner in rows.items() if owner == row])
            verdict.rejected.append((row, f"fails validation: {message}"))
        verdict.outcome = judge(graph, shapes, context)
    bad = _violations(verdict.outcome)
    if bad:
        first = next(iter(bad))
        raise InputError(f"output still fails validation: {first}: {bad[first]}")
    return verdict


def _drop(data: ImportData, nodes: list[URIRef]) -> None:
    """Remove from ``data`` every triple about one of ``nodes`` or pointing to one."""
    for node in nodes:
        if isinstance(data, Triples):
            data.remove_subject(node)
            data.remove_object(node)
        else:
            data.remove((node, None, None))
            data.remove((None, None, node))
