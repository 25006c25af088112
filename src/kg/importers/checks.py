"""What every importer does before it writes: validate its graph against the shapes, with the
ontology and the bundled entities and source documents as context, and write atomically.

Only the importer's own subjects are focus nodes (as :func:`kg.validation.validate` does); a
violation is an :class:`InputError` naming the first one, and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from rdflib import Graph, URIRef

from kg.errors import InputError
from kg.importers.triples import ImportData, as_triples
from kg.validation import ValidationOutcome, load_shapes
from kg.validation.engine import validate_ntriples

#: Subjects validated together (see :func:`check`): the engine's cost per triple grows with
#: the graph, so 100,000 UPR rows validate faster as ten chunks (``bench/import.py``).
CHUNK = 10_000
#: Chunks validated at once, in threads (the engine runs without Python's lock).
WORKERS = min(4, os.cpu_count() or 1)
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
    data: ImportData, shapes: str | Path, context: Graph, chunk: int = CHUNK
) -> ValidationOutcome:
    """Validate ``data`` (an import's triples or graph) against the shapes under ``shapes``
    with ``context``, with the fast engine reading N-Triples natively
    (:func:`kg.validation.engine.validate_ntriples`). Up to ``chunk`` subjects are validated
    at once; more are cut into chunks of ``chunk`` subjects, each with the descriptions of the
    nodes it points to as context, :data:`WORKERS` chunks at a time; memory stays bounded.

    :raises InputError: on a violation (the first one named).
    """
    outcome = judge(data, shapes, context, chunk)
    if not outcome.conforms:
        first = next(r for r in outcome.results if r.severity == "Violation")
        count = outcome.counts()["Violation"]
        raise InputError(
            f"output fails validation ({count} violations): {first.focus}: {first.message}"
        )
    return outcome


def judge(
    data: ImportData, shapes: str | Path, context: Graph, chunk: int = CHUNK
) -> ValidationOutcome:
    """The outcome :func:`check` judges by (nothing raised)."""
    triples = as_triples(data)
    bundle = load_shapes(shapes)
    known = as_triples(context).ntriples()
    blank = triples.has_blank_nodes()
    subjects = sorted(triples.subjects(), key=str)
    if len(subjects) <= chunk:
        documents = [triples.ntriples(), known]
        return validate_ntriples(documents, subjects, shapes=bundle, blank_nodes=blank)

    def run(part: tuple[bytes, list[URIRef]]) -> ValidationOutcome:
        return validate_ntriples([part[0], known], part[1], shapes=bundle, blank_nodes=blank)

    found: list[ValidationOutcome] = []
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending: deque[Future[ValidationOutcome]] = deque()
        for part in triples.parts(subjects, chunk):  # at most 2 * WORKERS parts held at once
            pending.append(pool.submit(run, part))
            if len(pending) >= 2 * WORKERS:
                found.append(pending.popleft().result())
        found += [future.result() for future in pending]
    outcome = found[0]
    for other in found[1:]:
        outcome.results.extend(other.results)
        outcome.conforms = outcome.conforms and other.conforms
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
