"""pySHACL over data merged with its context, the report cut to the data's own nodes.

Only violations make data non-conforming; warnings and infos are reported. ``fast=True`` runs
the same shapes with pyshacl-turbo (a compiled engine with pySHACL's interface and report,
about 15 times faster on an import's graph); :func:`validate_ntriples` gives it N-Triples text
it parses itself, which is how the importers validate (``kg.importers.checks``).
``tests/test_validation_engines.py`` checks that both ways give pySHACL's results on every
shape example.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.errors import InputError
from kg.validation.report import ValidationOutcome, read_outcome
from kg.validation.shapes import ShapesBundle

#: One validation at a time per process: rdflib parses SPARQL with pyparsing, which is not
#: thread-safe; two threads parsing at once can leave its parse actions broken for good, and
#: every later validation in that process then fails. Validation workers run one task at a
#: time anyway; this matters where tasks run in the web process (a remote store).
_validating = threading.Lock()


def validate(
    data: Graph,
    context: Graph | None = None,
    focus_nodes: Iterable[str] | None = None,
    *,
    shapes: ShapesBundle,
    fast: bool = False,
    copy: bool = True,
) -> ValidationOutcome:
    """Validate ``data`` (with ``context`` merged in) against ``shapes``.

    :param focus_nodes: IRIs to validate (default: the subjects of ``data``).

    The merged graph is validated whole and the report is then cut to results about the
    focus nodes (and blank-node subjects of ``data``): pyshacl's own ``focus_nodes`` option
    also filters the nested checks on property values (``sh:or``, ``sh:node``...), which
    silently passes bad values, and nodes known only from the context are not judged here.
    A shape that targets a named node checking the whole graph (the vocabulary check: focus
    the ontology, value the node using an undeclared term) is reported on its value.
    The shapes use SHACL Core and SPARQL-based constraints only (no SHACL-AF).

    :param fast: run pyshacl-turbo instead of pySHACL (same shapes, same report).
    :param copy: ``False`` validates ``data`` itself, which then already holds its context
        (``context`` is not used; give ``focus_nodes``): one copy of a large import less.
    """
    merged = data
    if copy:
        merged = Graph()
        for triple in data:
            merged.add(triple)
        for triple in context or ():
            merged.add(triple)
    if focus_nodes is None:
        focus = {s for s in data.subjects() if isinstance(s, URIRef)}
    else:
        focus = {URIRef(n) for n in focus_nodes}
    if not focus or len(shapes.graph) == 0:
        return read_outcome(_empty_report(), shapes.graph, shapes.version)
    own = focus | {s for s in data.subjects() if isinstance(s, BNode)}
    with _validating:
        _, report, _ = _engine(fast)(
            merged,
            shacl_graph=shapes.graph,
            inference="none",
            advanced=False,
            allow_warnings=True,
        )
    anchors = set(shapes.graph.objects(None, SH.targetNode)) - own
    return read_outcome(_only_about(report, own, anchors), shapes.graph, shapes.version)


def validate_ntriples(
    documents: Iterable[bytes],
    focus_nodes: Iterable[URIRef],
    *,
    shapes: ShapesBundle,
    blank_nodes: bool = False,
) -> ValidationOutcome:
    """Validate the union of the N-Triples ``documents`` (an import's triples and its context)
    with the fast engine, which parses them itself (no triple goes through Python), the report
    cut to ``focus_nodes`` as :func:`validate` cuts it. Threads validate in parallel.

    :param blank_nodes: the data has blank nodes: results about any blank node are kept (the
        context a caller adds has none; blank nodes lose their labels on the way).
    :raises InputError: when a document does not parse.
    """
    from pyshacl_turbo import ReportableRuntimeError, compile_shapes
    from pyshacl_turbo.rdf import Input  # the parsed-by-the-engine input its validate accepts

    focus = set(focus_nodes)
    if not focus or len(shapes.graph) == 0:
        return read_outcome(_empty_report(), shapes.graph, shapes.version)
    data = Input(b"".join(documents).decode("utf-8"), "nt", None, {})
    with _validating:
        cached = _compiled.get(shapes.version)
        if cached is None or cached[0] is not shapes.graph:  # reports name the compiled nodes
            _compiled.clear()
            cached = _compiled[shapes.version] = (shapes.graph, compile_shapes(shapes.graph))
        program = cached[1]
    try:
        _, report, _ = program.validate(data, allow_warnings=True)  # native, without the GIL
    except (ReportableRuntimeError, ValueError, SyntaxError) as exc:
        raise InputError(f"cannot validate: {exc}") from None
    own: set[URIRef | BNode] = set(focus)
    if blank_nodes:
        own |= {n for n in report.objects(None, SH.focusNode) if isinstance(n, BNode)}
    anchors = set(shapes.graph.objects(None, SH.targetNode)) - own
    with _validating:
        return read_outcome(_only_about(report, own, anchors), shapes.graph, shapes.version)


#: The shapes compiled by the fast engine, by bundle version, with the graph compiled (the
#: latest only): a bundle parsed again has new blank nodes, which the report must name.
_compiled: dict[str, tuple[Graph, Any]] = {}


def _engine(fast: bool) -> Any:
    """The ``validate`` function of pyshacl-turbo (``fast``) or of pySHACL."""
    if fast:
        from pyshacl_turbo import validate as turbo

        return turbo
    from pyshacl import validate as run

    return run


def _only_about(report: Graph, focus: set[URIRef | BNode], anchors: set[Node]) -> Graph:
    """A copy of ``report`` keeping the results whose focus node is in ``focus``, with
    ``sh:conforms`` recomputed from the Violations kept. A result on one of ``anchors`` (named
    target nodes that are not the data's own) is about its ``sh:value``: kept when the value
    is in ``focus``, with the value as its focus node."""
    kept = Graph()
    root = BNode()
    kept.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    for result in report.objects(None, SH.result):
        node = report.value(result, SH.focusNode)
        if node in anchors:
            node = report.value(result, SH.value)
        if node is None or node not in focus:
            continue
        kept.add((root, SH.result, result))
        _copy_description(report, result, kept)
        kept.set((result, SH.focusNode, node))
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
