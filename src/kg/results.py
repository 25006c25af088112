"""Engine-independent query results: terms, solutions, booleans and graphs.

The store backends convert engine values into these plain values, so that serializers, the
web layer and the CLI never see engine objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

SELECT = "select"
ASK = "ask"
CONSTRUCT = "construct"
DESCRIBE = "describe"
UPDATE = "update"

#: Forms whose result is a table of solutions or a boolean.
RESULT_FORMS = frozenset({SELECT, ASK})
#: Forms whose result is a graph.
GRAPH_FORMS = frozenset({CONSTRUCT, DESCRIBE})


class Term(NamedTuple):
    """An RDF term: ``kind`` is ``uri``, ``literal``, ``bnode`` or ``triple``.

    For a quoted triple, ``value`` is unused and ``parts`` holds the three terms.
    """

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None
    parts: tuple[Term, Term, Term] | None = None


@dataclass
class QueryResult:
    """The capped result of one query.

    ``triples`` holds engine triples (opaque here) that only the store's RDF writer reads.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    truncated: bool = False
    #: ``(format, body, rows)`` when the store already wrote the answer (then ``rows`` is empty).
    written: tuple[str, bytes, int] | None = None

    @property
    def size(self) -> int:
        """Rows for SELECT, triples for graph forms, 1 for ASK."""
        if self.written is not None:
            return self.written[2]
        if self.form == SELECT:
            return len(self.rows)
        if self.form in GRAPH_FORMS:
            return len(self.triples)
        return 1


def _ntriples_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def ntriples(term: Term) -> str:
    """A term in N-Triples syntax (as TSV results use it)."""
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    if term.kind == "triple" and term.parts:
        return "<< " + " ".join(ntriples(p) for p in term.parts) + " >>"
    text = _ntriples_string(term.value)
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^<{term.datatype}>"
    return text
