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
from kg.validation import ShapesBundle, ValidationOutcome, load_shapes, validate

#: Subjects validated together (see :func:`check`): 100,000 UPR rows are one chunk.
CHUNK = 250_000
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
    """Validate ``graph`` against the shapes under ``shapes`` with ``context``, with the fast
    engine. A graph of up to ``chunk`` subjects is validated in place: the context triples it
    lacks are lent to it for the validation and taken back (no copy of a large import). A
    larger one is cut into chunks of ``chunk`` subjects, each copied with the descriptions of
    the nodes it points to as context, so that memory stays bounded.

    :raises InputError: on a violation (the first one named).
    """
    outcome = judge(graph, shapes, context, chunk)
    if not outcome.conforms:
        first = next(r for r in outcome.results if r.severity == "Violation")
        count = outcome.counts()["Violation"]
        raise InputError(
            f"output fails validation ({count} violations): {first.focus}: {first.message}"
        )
    return outcome


def judge(
    graph: Graph, shapes: str | Path, context: Graph, chunk: int = CHUNK
) -> ValidationOutcome:
    """The outcome :func:`check` judges by (nothing raised)."""
    bundle = load_shapes(shapes)
    subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str)
    if len(subjects) <= chunk:
        return _in_place(graph, context, [str(s) for s in subjects], bundle)
    return _chunked(graph, context, subjects, chunk, bundle)


def _in_place(
    graph: Graph, context: Graph, focus: list[str], bundle: ShapesBundle
) -> ValidationOutcome:
    """Validate ``graph`` with ``context`` lent to it (the triples it lacks, removed after)."""
    lent = [triple for triple in context if triple not in graph]
    graph.addN((s, p, o, graph) for s, p, o in lent)
    try:
        return validate(graph, None, focus, shapes=bundle, fast=True, copy=False)
    finally:
        for triple in lent:
            graph.remove(triple)


def _chunked(
    graph: Graph, context: Graph, subjects: list[URIRef], size: int, bundle: ShapesBundle
) -> ValidationOutcome:
    """Validate ``graph`` ``size`` subjects at a time; stop at the first chunk that fails."""
    outcome: ValidationOutcome | None = None
    for part, focus in _chunks(graph, context, subjects, size):
        found = validate(part, None, focus, shapes=bundle, fast=True, copy=False)
        if outcome is None:
            outcome = found
        else:
            outcome.results.extend(found.results)
            outcome.conforms = outcome.conforms and found.conforms
        if not found.conforms:
            break
    assert outcome is not None
    return outcome


def _chunks(
    graph: Graph, context: Graph, subjects: list[URIRef], size: int
) -> Iterator[tuple[Graph, list[str]]]:
    """``graph`` cut into graphs of ``size`` of its ``subjects``, each with ``context`` and
    the triples of the subjects its objects name (context, not validated with the chunk), and
    the IRIs of its own subjects."""
    blank = [(s, p, o) for s, p, o in graph if not isinstance(s, URIRef)]
    for start in range(0, len(subjects), size):
        part = Graph()
        part.addN((s, p, o, part) for s, p, o in context)
        part.addN((s, p, o, part) for s, p, o in blank)
        chosen = subjects[start : start + size]
        for subject in chosen:
            for p, o in graph.predicate_objects(subject):
                part.add((subject, p, o))
                if isinstance(o, URIRef):
                    part.addN((o, p2, o2, part) for p2, o2 in graph.predicate_objects(o))
        yield part, [str(s) for s in chosen]


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
