"""What every importer does before it writes: validate its graph against the shapes, with the
ontology and the bundled entities and source documents as context, and write atomically.

Only the importer's own subjects are focus nodes (:func:`kg.validation.validate`); a
violation is an :class:`InputError` naming the first one, and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from kg.errors import InputError
from kg.validation import ValidationOutcome, load_shapes, validate

#: Files and folders (relative to the project root) whose triples the checks see as context.
CONTEXT = ("ontology", "data/turtle/entities", "data/turtle/facts/sources.ttl")


def context_graph(root: str | Path = ".", extra: Iterable[Graph] = ()) -> Graph:
    """The ontology, entities and source documents under ``root``, plus ``extra`` graphs."""
    graph = Graph()
    for name in CONTEXT:
        path = Path(root) / name
        files = sorted(path.rglob("*.ttl")) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            graph.parse(file, format="turtle")
    for other in extra:
        graph += other
    return graph


def check(graph: Graph, shapes: str | Path, context: Graph) -> ValidationOutcome:
    """Validate ``graph`` against the shapes under ``shapes`` with ``context``.

    :raises InputError: on a violation (the first one named).
    """
    outcome = validate(graph, context, shapes=load_shapes(shapes))
    if not outcome.conforms:
        first = next(r for r in outcome.results if r.severity == "Violation")
        count = outcome.counts()["Violation"]
        raise InputError(
            f"output fails validation ({count} violations): {first.focus}: {first.message}"
        )
    return outcome


def write_atomically(text: str, out: str | Path) -> None:
    """Write ``text`` to ``out`` through a temporary file in the same folder (all or nothing)."""
    target = Path(out)
    try:
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
