"""Between engine terms and plain terms: conversions, parsing, and capped result collection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError, QueryRefused, QuerySyntaxError
from kg.results import ASK, CONSTRUCT, SELECT, QueryResult, Term
from kg.store.rdfio import rdf_format

#: Plain literals carry this datatype in the engine; results leave it out.
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_term(value: Any) -> Term | None:
    """Convert a pyoxigraph term to a plain :class:`~kg.results.Term` (``None`` stays)."""
    if value is None:
        return None
    if isinstance(value, ox.NamedNode):
        return Term("uri", value.value)
    if isinstance(value, ox.BlankNode):
        return Term("bnode", value.value)
    if isinstance(value, ox.Literal):
        datatype = value.datatype.value
        if datatype in (XSD_STRING, _RDF_LANG):
            return Term("literal", value.value, None, value.language)
        return Term("literal", value.value, datatype, None)
    if isinstance(value, ox.Triple):
        parts = (to_term(value.subject), to_term(value.predicate), to_term(value.object))
        return Term("triple", "", parts=parts)  # type: ignore[arg-type]
    raise TypeError(f"unknown term {value!r}")


def to_engine(term: Term) -> Any:
    """Convert a plain term back to a pyoxigraph term (for ``substitutions=``)."""
    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.kind == "literal":
        if term.language:
            return ox.Literal(term.value, language=term.language)
        datatype = ox.NamedNode(term.datatype) if term.datatype else None
        return ox.Literal(term.value, datatype=datatype)
    raise TypeError(f"cannot convert {term!r}")


def parse_quads(data: bytes, fmt: str, graph: str, base_iri: str | None = None) -> list[Any]:
    """Parse ``data`` as triples into quads of ``graph``.

    :raises InputError: when the data does not parse.
    """
    from kg.errors import InputError

    try:
        return [
            ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            for t in ox.parse(data, format=rdf_format(fmt), base_iri=base_iri)
        ]
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"cannot parse {fmt}: {exc}") from None


def parse_terms(
    data: bytes, fmt: str, base_iri: str | None = None
) -> Iterator[tuple[Term, Term, Term, str | None]]:
    """Parse ``data`` lazily into plain terms ``(s, p, o, graph)``; ``graph`` is None for the
    default graph. Remote JSON-LD contexts are never fetched (the engine has no loader).

    :raises InputError: when the data does not parse (possibly after some items).
    """
    from kg.errors import InputError

    try:
        for quad in ox.parse(data, format=rdf_format(fmt), base_iri=base_iri):
            graph = quad.graph_name
            name = graph.value if isinstance(graph, (ox.NamedNode, ox.BlankNode)) else None
            s, p, o = to_term(quad.subject), to_term(quad.predicate), to_term(quad.object)
            yield s, p, o, name  # type: ignore[misc]
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"cannot parse {fmt}: {exc}") from None


def collect(raw: Any, row_limit: int) -> QueryResult:
    """Collect an engine answer into a :class:`QueryResult`, cut at ``row_limit``."""
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(form=ASK, boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows: list[tuple[Term | None, ...]] = []
        for solution in raw:
            if len(rows) == row_limit:
                return QueryResult(SELECT, variables, rows, truncated=True)
            rows.append(tuple(to_term(v) for v in solution))
        return QueryResult(SELECT, variables, rows)
    triples: list[Any] = []
    for triple in raw:
        if len(triples) == row_limit:
            return QueryResult(CONSTRUCT, triples=triples, truncated=True)
        triples.append(triple)
    return QueryResult(CONSTRUCT, triples=triples)


#: Errors the engine raises while it starts or iterates over an answer (``OSError`` includes
#: ``PermissionError``: a SERVICE call the sandbox refused).
ENGINE_ERRORS = (OSError, RuntimeError, ValueError)


def engine_failure(exc: Exception) -> KgError:
    """The error to report for an engine error raised while a query runs.

    A refused socket means a SERVICE call met the sandbox: the query itself is refused.
    """
    if isinstance(exc, PermissionError):
        return QueryRefused(
            "SERVICE is not allowed: this endpoint does not federate (queries cannot reach "
            "the network)"
        )
    return QuerySyntaxError(f"the query cannot be evaluated: {exc}")
