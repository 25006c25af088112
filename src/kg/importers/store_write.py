"""The one writer of every importer: into the store by default, one named graph per imported
file and a PROV record of the import (file name, SHA-256 of its bytes, importer and version,
time, triple count) in the loads graph, written last as the loader does (``kg.loader``); or
Turtle to a file (all at once) or to standard output (:func:`deliver`).

The graph of ``kg import upr EXPORT.csv`` is ``graph/import/upr/<file name as slug>``. An import
of the same bytes by the same importer version changes nothing (not even the record's time).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import kg
from kg.config import Settings
from kg.importers.triples import ImportData, Triples, as_triples
from kg.importers.upr import slug
from kg.loader import keep_union, loads_graph
from kg.namespaces import PREFIXES, TP, graph_iri
from kg.results import Term
from kg.store import Store, StoreAccess

_PROV, _DCT, _XSD = PREFIXES["prov"], PREFIXES["dct"], PREFIXES["xsd"]
_RECORD = (
    "PREFIX tp: <https://w3id.org/tpkg/ontology#> "
    "SELECT ?sha ?version ?n ?g ?records WHERE { GRAPH ?records { "
    "?g tp:sha256 ?sha ; tp:importerVersion ?version ; tp:tripleCount ?n } }"
)


@dataclass(frozen=True)
class StoreOutcome:
    """Where an import went and whether anything was written."""

    graph: str
    written: bool
    triples: int


def sha256_of(paths: list[Path]) -> str:
    """The SHA-256 of the bytes of ``paths`` (of their digests, for several files)."""
    digests = [hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths]
    if len(digests) == 1:
        return digests[0]
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def import_graph(settings: Settings, importer: str, source: Path) -> str:
    """The named graph of an import of ``source`` by ``importer``."""
    return graph_iri(f"import/{importer}/{slug(source.name)}", settings.base_iri)


def importer_version(importer: str) -> str:
    """The importer and package version a record names, e.g. ``kg import upr (kg 0.1.0)``."""
    return f"kg import {importer} (kg {kg.__version__})"


def deliver(
    settings: Settings,
    graph: ImportData,
    *,
    importer: str,
    sources: list[Path],
    output: str | None = None,
    header: str = "",
) -> str:
    """Write an importer's validated ``graph``: as Turtle (``header`` first) to ``output``
    (``-``: standard output), or else into the store (:func:`write_import`). Returns the
    line that says what was done.

    :raises InputError: when ``output`` cannot be written (it is left as it was).
    :raises StoreError: when the store cannot be opened for writing.
    """
    if output:
        text = turtle_text(graph, header)
        if output == "-":
            sys.stdout.write(text)
            return f"wrote {len(graph)} triples to standard output"
        from kg.importers.checks import write_atomically

        write_atomically(text, output)
        return f"wrote {output}"
    done = write_import(settings, graph, importer=importer, sources=sources)
    verb = "stored" if done.written else "unchanged (same file, same importer version):"
    return f"{verb} {done.triples} triples in graph {done.graph}"


def turtle_text(data: ImportData, header: str = "") -> str:
    """``data`` as a Turtle document (rdflib's writer, its prefixes), ``header`` first."""
    graph = data.to_graph() if isinstance(data, Triples) else data
    return header + graph.serialize(format="turtle")


def write_import(
    settings: Settings, graph: ImportData, *, importer: str, sources: list[Path]
) -> StoreOutcome:
    """Replace the import graph of ``sources[0]`` with ``graph`` and record the import, unless
    the same bytes were already imported by the same importer version into the same number of
    triples (other options, e.g. ``--state``, give other triples from the same bytes).

    :raises StoreError: when the store cannot be opened for writing.
    """
    target = import_graph(settings, importer, sources[0])
    sha, version = sha256_of(sources), importer_version(importer)
    with StoreAccess(settings).writing() as store:
        if _recorded(store, settings, target) == (sha, version, str(len(graph))):
            return StoreOutcome(target, False, len(graph))
        store.import_graph(as_triples(graph).ntriples(), "ntriples", target)
        record = _record(target, sources, sha, version, len(graph))
        store.replace_subject(loads_graph(settings), target, record)
        keep_union(store)
    return StoreOutcome(target, True, len(graph))


def _recorded(store: Store, settings: Settings, target: str) -> tuple[str, str, str] | None:
    result = store.query(
        _RECORD,
        row_limit=1,
        substitutions={"g": Term("uri", target), "records": Term("uri", loads_graph(settings))},
    )
    if not result.rows or any(cell is None for cell in result.rows[0][:3]):
        return None
    sha, version, count = result.rows[0][:3]
    assert sha is not None and version is not None and count is not None
    return (sha.value, version.value, count.value)


def _record(
    target: str, sources: list[Path], sha: str, version: str, triples: int
) -> list[tuple[Term, Term, Term]]:
    g = Term("uri", target)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = [
        (g, Term("uri", PREFIXES["rdf"] + "type"), Term("uri", _PROV + "Entity")),
        (g, Term("uri", TP + "sha256"), Term("literal", sha)),
        (g, Term("uri", TP + "importerVersion"), Term("literal", version)),
        (g, Term("uri", TP + "tripleCount"), Term("literal", str(triples), _XSD + "integer")),
        (g, Term("uri", _PROV + "generatedAtTime"), Term("literal", now, _XSD + "dateTime")),
    ]
    out += [(g, Term("uri", _DCT + "source"), Term("literal", Path(p).name)) for p in sources]
    return out
