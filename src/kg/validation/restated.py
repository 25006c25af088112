"""Structured values that data restates: the stored copy of a blank-node value is left out.

Data that restates what the store holds (a file loaded before, sent again) repeats its
blank-node values, such as an annotation's ``oa:hasTarget [ ... ]``. The store keeps its own
blank nodes and the payload gets fresh names for its own, so merged naively the node would
seem to have two such values. A stored blank-node value is the same value as the payload's
when both hang from the same subject and predicate and describe the same structure; only
such stored copies are dropped. Different structures stay: both are then known.

Literals too: the store keeps a literal in its canonical form (``"100.0"^^xsd:decimal`` comes
back as ``"100"^^xsd:decimal``), so a stored literal equal in value to one the data gives for
the same subject and predicate is the same value, and only the data's copy is kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from kg.results import Term

Triple = tuple[Term, Term, Term]
Index = dict[Term, list[tuple[Term, Term]]]
Signature = frozenset[tuple[Term, object]]


def _index(triples: Iterable[Triple]) -> Index:
    index: Index = defaultdict(list)
    for s, p, o in triples:
        index[s].append((p, o))
    return index


def _signature(
    node: Term, index: Index, blank: Callable[[Term], bool], seen: frozenset[Term] = frozenset()
) -> Signature:
    """The structure below ``node`` with blank-node names left out (a cycle stops)."""
    if node in seen:
        return frozenset()
    inner = seen | {node}
    return frozenset(
        (p, _signature(o, index, blank, inner) if blank(o) else o) for p, o in index.get(node, ())
    )


def _closure(node: Term, index: Index) -> set[Term]:
    found, todo = {node}, [node]
    while todo:
        for _, o in index.get(todo.pop(), ()):
            if o.kind == "bnode" and o not in found:
                found.add(o)
                todo.append(o)
    return found


def drop_restated(stored: list[Triple], data: list[Triple], local: str) -> list[Triple]:
    """``stored`` without the blank-node values that ``data`` restates.

    :param local: the prefix of the names the payload's own blank nodes were given.
    """
    stored_index, data_index = _index(stored), _index(data)

    def is_local(term: Term) -> bool:
        return term.kind == "uri" and term.value.startswith(local)

    def is_blank(term: Term) -> bool:
        return term.kind == "bnode"

    offered: dict[tuple[Term, Term], set[Signature]] = defaultdict(set)
    for s, pairs in data_index.items():
        for p, o in pairs:
            if is_local(o):
                offered[(s, p)].add(_signature(o, data_index, is_local))
    if not offered:
        return stored
    dropped: set[Term] = set()
    for s, p, o in stored:
        if is_blank(o) and not is_blank(s) and (s, p) in offered:
            if _signature(o, stored_index, is_blank) in offered[(s, p)]:
                dropped |= _closure(o, stored_index)
    return [t for t in stored if t[0] not in dropped and t[2] not in dropped]


def drop_restated_literals(stored: list[Triple], data: list[Triple]) -> list[Triple]:
    """``stored`` without the literals that ``data`` gives again for the same subject and
    predicate, in another lexical form of the same value (:func:`same_value`)."""
    given: dict[tuple[Term, Term], list[Term]] = defaultdict(list)
    for s, p, o in data:
        if o.kind == "literal":
            given[(s, p)].append(o)
    return [
        (s, p, o)
        for s, p, o in stored
        if o.kind != "literal" or not any(same_value(o, d) for d in given.get((s, p), ()))
    ]


def same_value(a: Term, b: Term) -> bool:
    """True when two literals are one value: same datatype and language, and the same
    lexical form or equal values of that datatype (``100.0`` and ``100`` as decimals)."""
    if (a.datatype, a.language) != (b.datatype, b.language):
        return False
    if a.value == b.value:
        return True
    from rdflib import Literal, URIRef

    datatype = URIRef(a.datatype) if a.datatype else None
    left, right = Literal(a.value, datatype=datatype), Literal(b.value, datatype=datatype)
    return bool(left.value is not None and left.eq(right))
