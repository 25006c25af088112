"""Small checks for readers of the store that must not reach the engine with bad input."""

from __future__ import annotations

import pyoxigraph as ox


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
