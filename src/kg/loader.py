"""Discover source files and load each into its own named graph, skipping unchanged ones.

Each load is recorded in the ``system/loads`` graph (source path, SHA-256, time) as PROV-O;
the record is written last, so an interrupted load is simply redone on the next run.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kg.config import Settings
from kg.errors import InputError
from kg.formats import GRAPH, from_extension
from kg.namespaces import LOADS_GRAPH_NAME, PREFIXES, TP, graph_iri, graph_iri_for_path
from kg.results import Term
from kg.store import Store

_BULK_BYTES = 32 * 1024 * 1024
_XSD = PREFIXES["xsd"]
_PROV = PREFIXES["prov"]
_DCT = PREFIXES["dct"]
_RDF_TYPE = PREFIXES["rdf"] + "type"
_RECORDS_QUERY = (
    "PREFIX tp: <https://w3id.org/tpkg/ontology#> PREFIX dct: <http://purl.org/dc/terms/> "
    "SELECT ?g ?src ?h ?records WHERE { GRAPH ?records { ?g tp:sha256 ?h ; dct:source ?src } }"
)


@dataclass(frozen=True)
class SourceFile:
    """A file to load, its graph and its content hash."""

    path: Path
    label: str
    graph: str
    fmt: str
    sha256: str
    size: int


@dataclass
class LoadReport:
    """What a load did."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return "external/" + path.name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(paths: Iterable[str | Path], settings: Settings, root: Path) -> list[SourceFile]:
    """The loadable RDF files under ``paths`` (folders are searched recursively), sorted.

    :raises InputError: when a path does not exist or a file has no known RDF extension.
    """
    found: list[SourceFile] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(f"{given}: no such file or folder")
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            fmt = from_extension(file.name)
            if fmt is None or fmt.kind != GRAPH:
                if path.is_dir():
                    continue
                raise InputError(f"{file}: not a triples file (.ttl, .nt, .rdf, .jsonld)")
            label = _label(file, root)
            found.append(
                SourceFile(
                    file,
                    label,
                    graph_iri_for_path(label, settings.base_iri),
                    fmt.key,
                    _sha256(file),
                    file.stat().st_size,
                )
            )
    return found


def recorded_hashes(store: Store, settings: Settings) -> dict[str, tuple[str, str]]:
    """Graph IRI -> (source label, SHA-256) for every recorded load."""
    result = store.query(
        _RECORDS_QUERY,
        row_limit=10**7,
        substitutions={"records": Term("uri", loads_graph(settings))},
    )
    out: dict[str, tuple[str, str]] = {}
    for g, src, h, _ in result.rows:
        if g is not None and src is not None and h is not None:
            out[g.value] = (src.value, h.value)
    return out


def loads_graph(settings: Settings) -> str:
    """IRI of the graph that records loads."""
    return graph_iri(LOADS_GRAPH_NAME, settings.base_iri)


def _record(source: SourceFile) -> list[tuple[Term, Term, Term]]:
    g = Term("uri", source.graph)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        (g, Term("uri", _RDF_TYPE), Term("uri", _PROV + "Entity")),
        (g, Term("uri", _DCT + "source"), Term("literal", source.label)),
        (g, Term("uri", TP + "sha256"), Term("literal", source.sha256)),
        (g, Term("uri", _PROV + "generatedAtTime"), Term("literal", now, _XSD + "dateTime")),
    ]


def load_files(
    store: Store,
    settings: Settings,
    sources: list[SourceFile],
    *,
    force: bool = False,
    progress: Callable[[SourceFile], None] | None = None,
) -> LoadReport:
    """Load each source whose content changed since its last load (all with ``force``).

    :raises InputError: when a file does not parse; files before it stay loaded.
    """
    started = time.monotonic()
    report = LoadReport()
    known = {} if force else recorded_hashes(store, settings)
    for source in sources:
        if known.get(source.graph, ("", ""))[1] == source.sha256:
            report.unchanged.append(source.label)
        else:
            _load_one(store, source)
            store.replace_subject(loads_graph(settings), source.graph, _record(source))
            report.loaded.append(source.label)
        if progress:
            progress(source)
    store.flush()
    report.seconds = time.monotonic() - started
    return report


def _load_one(store: Store, source: SourceFile) -> None:
    try:
        if source.size > _BULK_BYTES:
            store.bulk_load_file(source.path, source.fmt, source.graph)
        else:
            store.load_data(source.path.read_bytes(), source.fmt, source.graph)
    except InputError as exc:
        raise InputError(f"{source.label}: {exc.message}") from None


def prune(store: Store, settings: Settings, roots: Iterable[str], keep: set[str]) -> list[str]:
    """Remove graphs loaded from files under ``roots`` that are no longer there."""
    removed = []
    prefixes = tuple(r.rstrip("/") + "/" for r in roots)
    for graph, (label, _) in recorded_hashes(store, settings).items():
        if label.startswith(prefixes) and graph not in keep:
            store.remove_graph(graph)
            store.replace_subject(loads_graph(settings), graph, [])
            removed.append(label)
    return removed


def keep_union(store: Store) -> bool:
    """After loading: keep the union of the named graphs as the default graph (one
    transaction; see :mod:`kg.store.union`). True when the store keeps it; a remote store, or
    one whose default graph holds its own triples, answers from the query-time union."""
    return store.materialize()
