"""SELECT results written straight from engine terms as SPARQL JSON.

The general path converts every engine term to a :class:`~kg.results.Term` and then to JSON;
for the commonest answer (SELECT as JSON) that conversion costs about as much as the query.
This writer produces the same bytes as :func:`kg.serializers.serialize` (a test compares them)
without the intermediate terms.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from json.encoder import encode_basestring as _quote
from typing import Any

import pyoxigraph as ox

from kg.store.terms import XSD_STRING


def _value(term: Any) -> str:
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _quote(term.value) + "}"
    if kind is ox.Literal:
        value = _quote(term.value)
        if term.language:
            return (
                '{"type":"literal","value":' + value + ',"xml:lang":' + _quote(term.language) + "}"
            )
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return '{"type":"literal","value":' + value + "}"
        return '{"type":"literal","value":' + value + ',"datatype":' + _quote(datatype) + "}"
    if kind is ox.BlankNode:
        return '{"type":"bnode","value":' + _quote(term.value) + "}"
    if kind is ox.Triple:
        parts = (_value(term.subject), _value(term.predicate), _value(term.object))
        inner = '"subject":' + parts[0] + ',"predicate":' + parts[1] + ',"object":' + parts[2]
        return '{"type":"triple","value":{' + inner + "}}"
    raise TypeError(f"unknown term {term!r}")


def write_select(
    variables: list[str], solutions: Iterable[Any], row_limit: int
) -> tuple[bytes, int, bool]:
    """SPARQL JSON for at most ``row_limit`` solutions: (body, rows written, truncated)."""
    names = [_quote(v) + ":" for v in variables]
    rows: list[str] = []
    truncated = False
    for solution in solutions:
        if len(rows) == row_limit:
            truncated = True
            break
        parts = [name + _value(t) for name, t in zip(names, solution, strict=True) if t is not None]
        rows.append("{" + ",".join(parts) + "}")
    head = json.dumps(variables, ensure_ascii=False, separators=(",", ":"))
    body = '{"head":{"vars":' + head + '},"results":{"bindings":[' + ",".join(rows) + "]}}"
    return body.encode(), len(rows), truncated
