"""Read helpers: IRIs checked before they reach the engine, CONSTRUCT answers as plain
triples from either backend."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kg.results import Term
from kg.store.terms import to_term

Triple = tuple[Term, Term, Term]


def is_iri(text: str) -> bool:
    """True when ``text`` is an absolute IRI the engine accepts as a graph or node name.

    >>> is_iri("https://w3id.org/tpkg/graph/x"), is_iri("http://["), is_iri("x")
    (True, False, False)
    """
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def construct(store: Any, text: str, limit: int) -> list[Triple]:
    """The triples a CONSTRUCT ``text`` gives (at most ``limit``), as plain terms; the
    embedded store answers with triples, a remote one with default-graph quads (both have
    ``subject``, ``predicate`` and ``object``).

    :raises QuerySyntaxError: when the text does not parse.
    """
    triples: list[Triple] = []
    for item in store.query(text, row_limit=limit).triples:
        s, p, o = to_term(item.subject), to_term(item.predicate), to_term(item.object)
        if s is not None and p is not None and o is not None:
            triples.append((s, p, o))
    return triples
