"""Reading the Turtle files that :mod:`kg.importers.upr_links` links (one-line errors)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from kg.errors import InputError


def read_turtle(paths: Iterable[str | Path]) -> Graph:
    """The union of the Turtle files ``paths``.

    :raises InputError: if a file cannot be read or is not Turtle.
    """
    graph = Graph()
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from None
        try:
            graph.parse(data=data, format="turtle")
        except Exception as exc:  # rdflib raises many unrelated types on bad Turtle
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{path}: not Turtle ({first})") from None
    return graph
