"""Validate data against the SHACL shapes bundle, in the context of the knowledge graph.

The bundle (every ``**/*.ttl`` under the ``shapes`` folder) is parsed once and cached. A
contribution is validated together with the types and labels of the nodes it references
(one CONSTRUCT) and the class hierarchy, without inference, and only its own subjects are
focus nodes: context nodes carry too little to be validated themselves. Only violations
make data non-conforming; warnings and infos are reported.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.errors import ConfigError
from kg.results import Term
from kg.store import Store
from kg.store.terms import to_term
from kg.validation_report import (
    Result,
    ValidationOutcome,
    read_outcome,
    serialize_report,
    text_report,
)

Triple = tuple[Term, Term, Term]

__all__ = [
    "Result",
    "ValidationOutcome",
    "fetch_context",
    "load_shapes",
    "serialize_report",
    "text_report",
    "to_graph",
    "to_rdflib",
    "validate",
]

_CONTEXT_QUERY = """\
CONSTRUCT {{ ?n a ?t . ?n rdfs:label ?l . ?c rdfs:subClassOf ?d }}
WHERE {{
  {{ VALUES ?n {{ {nodes} }} ?n a ?t }}
  UNION {{ VALUES ?n {{ {nodes} }} ?n rdfs:label ?l }}
  UNION {{ ?c rdfs:subClassOf ?d }}
}}"""


@dataclass(frozen=True)
class ShapesBundle:
    """The parsed shapes and a version string (hash of the files' names and content)."""

    graph: Graph
    version: str
    files: tuple[str, ...]


_cache: dict[tuple[Any, ...], ShapesBundle] = {}
_cache_lock = threading.Lock()
#: One validation at a time per process: rdflib parses SPARQL with pyparsing, which is not
#: thread-safe; two threads parsing at once can leave its parse actions broken for good, and
#: every later validation in that process then fails.
_validating = threading.Lock()


def load_shapes(folder: str | Path) -> ShapesBundle:
    """The shapes bundle under ``folder`` (parsed once per set of file versions).

    A missing folder gives an empty bundle (everything conforms).

    :raises ConfigError: when a shapes file does not parse.
    """
    root = Path(folder)
    files = sorted(root.rglob("*.ttl")) if root.is_dir() else []
    key = (str(root.resolve()), *((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files))
    with _cache_lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = _parse_bundle(root, files)
        return _cache[key]


def _parse_bundle(root: Path, files: list[Path]) -> ShapesBundle:
    graph, digest = Graph(), hashlib.sha256()
    for file in files:
        data = file.read_bytes()
        digest.update(file.relative_to(root).as_posix().encode() + b"\0" + data + b"\0")
        try:
            graph.parse(data=data, format="turtle", publicID=file.resolve().as_uri())
        except Exception as exc:  # rdflib raises many unrelated types on bad Turtle
            raise ConfigError(f"shapes file {file} does not parse: {exc}") from None
    return ShapesBundle(graph, "sha256:" + digest.hexdigest()[:16], tuple(map(str, files)))


def to_rdflib(term: Term) -> Node:
    """A plain term as an rdflib node."""
    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)


def to_graph(triples: Iterable[Triple]) -> Graph:
    """An rdflib graph holding plain-term triples."""
    graph = Graph()
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def _iri(value: str) -> str:
    # Parsed IRIs cannot hold these characters; escaping keeps the VALUES block well formed.
    return "<" + "".join(c if c not in '<>"{}|^`\\ ' else f"%{ord(c):02X}" for c in value) + ">"


def referenced_nodes(triples: Iterable[Triple]) -> list[str]:
    """The IRIs a set of triples mentions as subject or object, in first-seen order."""
    seen: dict[str, None] = {}
    for s, _, o in triples:
        for term in (s, o):
            if term.kind == "uri":
                seen.setdefault(term.value)
    return list(seen)


def fetch_context(store: Store, triples: list[Triple], limit: int = 1_000_000) -> Graph:
    """Types and labels of the nodes ``triples`` reference, plus the class hierarchy, from
    ``store`` with one CONSTRUCT."""
    nodes = " ".join(_iri(n) for n in referenced_nodes(triples))
    text = _CONTEXT_QUERY.format(nodes=nodes)
    prologue = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    result = store.query(prologue + text, row_limit=limit)
    triples = []
    for engine_triple in result.triples:
        term = to_term(engine_triple)
        if term is not None and term.parts is not None:
            triples.append(term.parts)
    return to_graph(triples)


def validate(
    data: Graph,
    context: Graph | None = None,
    focus_nodes: Iterable[str] | None = None,
    *,
    shapes: ShapesBundle,
) -> ValidationOutcome:
    """Validate ``data`` (with ``context`` merged in) against ``shapes``.

    :param focus_nodes: IRIs to validate (default: the subjects of ``data``).

    The merged graph is validated whole and the report is then cut to results about the
    focus nodes: pyshacl's own ``focus_nodes`` option also filters the nested checks on
    property values (``sh:or``, ``sh:node``...), which silently passes bad values, and bare
    context nodes would raise false violations. ``advanced=True`` enables the SPARQL-based
    target that catches undeclared ``tp:`` terms.
    """
    from pyshacl import validate as run

    merged = Graph()
    for triple in data:
        merged.add(triple)
    for triple in context or ():
        merged.add(triple)
    if focus_nodes is None:
        focus = list(dict.fromkeys(s for s in data.subjects() if isinstance(s, URIRef)))
    else:
        focus = [URIRef(n) for n in focus_nodes]
    if not focus or len(shapes.graph) == 0:
        return read_outcome(_empty_report(), shapes.graph)
    with _validating:
        _, report, _ = run(
            merged,
            shacl_graph=shapes.graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    return read_outcome(_only_about(report, set(focus)), shapes.graph)


def _only_about(report: Graph, focus: set[URIRef]) -> Graph:
    """A copy of ``report`` keeping the results whose focus node is in ``focus`` (or a blank
    node), with ``sh:conforms`` recomputed from the Violations kept."""
    kept = Graph()
    root = BNode()
    kept.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    for result in report.objects(None, SH.result):
        node = report.value(result, SH.focusNode)
        if isinstance(node, URIRef) and node not in focus:
            continue
        kept.add((root, SH.result, result))
        _copy_description(report, result, kept)
        if report.value(result, SH.resultSeverity) in (None, SH.Violation):
            conforms = False
    kept.add((root, SH.conforms, Literal(conforms)))
    return kept


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    """Copy ``node``'s triples and, recursively, those of the blank nodes it points to."""
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        if isinstance(o, BNode) and (o, None, None) not in target:
            _copy_description(source, o, target)


def _empty_report() -> Graph:
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(True)))
    return report
