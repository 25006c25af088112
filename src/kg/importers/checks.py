"""What every importer does before it writes: validate its graph against the shapes, with the
ontology and the bundled entities and source documents as context, and write atomically.

Only the importer's own subjects are focus nodes (:func:`kg.validation.validate`); a
violation is an :class:`InputError` naming the first one, and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.validation import ValidationOutcome, load_shapes, validate

#: Subjects validated together (see :func:`check`).
CHUNK = 5000
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


def check(
    graph: Graph, shapes: str | Path, context: Graph, chunk: int = CHUNK
) -> ValidationOutcome:
    """Validate ``graph`` against the shapes under ``shapes`` with ``context``, ``chunk``
    subjects at a time (each with the descriptions of the nodes it points to as context), so
    that time and memory grow linearly with the import.

    :raises InputError: on a violation (the first one named).
    """
    bundle = load_shapes(shapes)
    outcome: ValidationOutcome | None = None
    for part, neighbours in _chunks(graph, chunk):
        found = validate(part, context + neighbours, shapes=bundle)
        if outcome is None:
            outcome = found
        else:
            outcome.results.extend(found.results)
            outcome.conforms = outcome.conforms and found.conforms
        if not found.conforms:
            break
    assert outcome is not None
    if not outcome.conforms:
        first = next(r for r in outcome.results if r.severity == "Violation")
        count = outcome.counts()["Violation"]
        raise InputError(
            f"output fails validation ({count} violations): {first.focus}: {first.message}"
        )
    return outcome


def _chunks(graph: Graph, size: int) -> Iterator[tuple[Graph, Graph]]:
    """``graph`` cut into graphs of ``size`` subjects, each with the triples of the subjects
    its objects name (context, not validated with the chunk)."""
    subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str)
    if len(subjects) <= size:
        yield graph, Graph()
        return
    for start in range(0, len(subjects), size):
        part, neighbours = Graph(), Graph()
        for subject in subjects[start : start + size]:
            for p, o in graph.predicate_objects(subject):
                part.add((subject, p, o))
                if isinstance(o, URIRef):
                    for p2, o2 in graph.predicate_objects(o):
                        neighbours.add((o, p2, o2))
        yield part, neighbours


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
