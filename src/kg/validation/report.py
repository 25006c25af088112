"""Validation results: reading a SHACL report graph, and writing it as text, Turtle, JSON-LD
or a JSON summary.

A :class:`ValidationOutcome` holds the report graph (inside the validating process); its
:meth:`~ValidationOutcome.verdict` is the plain, picklable answer that leaves that process,
with the report already written in the format the client asked for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node


@dataclass(frozen=True)
class Result:
    """One validation result: focus node, path, value, message, severity, source shape."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    shape: str | None


#: Report formats: the JSON summary, or the report graph as Turtle or JSON-LD.
REPORT_FORMATS = ("json", "turtle", "jsonld")


def count(results: list[Result]) -> dict[str, int]:
    """Number of results per severity (Violation, Warning, Info)."""
    out = {"Violation": 0, "Warning": 0, "Info": 0}
    for result in results:
        out[result.severity] = out.get(result.severity, 0) + 1
    return out


@dataclass
class ValidationOutcome:
    """Whether the data conforms (no violations), the report graph and its results."""

    conforms: bool
    report_graph: Graph
    results: list[Result] = field(default_factory=list)
    shapes_version: str = ""

    def counts(self) -> dict[str, int]:
        """Number of results per severity (Violation, Warning, Info)."""
        return count(self.results)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary: conforms, counts and the results list."""
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [r.__dict__ for r in self.results],
        }

    def verdict(self, fmt: str = "") -> Verdict:
        """The picklable answer; with ``fmt`` (one of :data:`REPORT_FORMATS`) the report
        is written here and the results list is left out (the body holds them)."""
        if not fmt:
            return Verdict(self.conforms, self.counts(), list(self.results), self.shapes_version)
        if fmt == "json":
            body = json.dumps(self.summary(), ensure_ascii=False).encode()
        else:
            body = serialize_report(self, fmt)
        return Verdict(self.conforms, self.counts(), [], self.shapes_version, fmt, body)


@dataclass(frozen=True)
class Verdict:
    """A validation's answer as plain data: conforms, counts, results (unless ``body``
    already holds the report, written as ``fmt``) and the shapes version."""

    conforms: bool
    counts: dict[str, int]
    results: list[Result]
    shapes_version: str = ""
    fmt: str = ""
    body: bytes = b""

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary: conforms, counts and the results list."""
        return {
            "conforms": self.conforms,
            "counts": self.counts,
            "results": [r.__dict__ for r in self.results],
        }


def _text(graph: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        items = list(graph.items(node)) if (node, RDF.first, None) in graph else []
        if items:
            return "(" + " ".join(str(i) for i in items) + ")"
        return " ".join(f"{p.n3()} {o.n3()}" for p, o in graph.predicate_objects(node))
    return str(node)


def _shape_name(shapes: Graph, node: Node | None) -> str | None:
    if node is None or not isinstance(node, BNode):
        return None if node is None else str(node)
    parent = shapes.value(None, SH.property, node)
    path = shapes.value(node, SH.path)
    if parent is None:
        return None
    return f"{parent} (property {path})" if path is not None else str(parent)


def read_outcome(report: Graph, shapes: Graph, shapes_version: str = "") -> ValidationOutcome:
    """Read a pySHACL report graph into results; conforming means no Violation."""
    results: list[Result] = []
    for node in report.objects(None, SH.result):
        severity = report.value(node, SH.resultSeverity)
        results.append(
            Result(
                focus=str(report.value(node, SH.focusNode)),
                path=_text(report, report.value(node, SH.resultPath)),
                value=_text(report, report.value(node, SH.value)),
                message=str(report.value(node, SH.resultMessage) or "constraint not met"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                shape=_shape_name(shapes, report.value(node, SH.sourceShape)),
            )
        )
    results.sort(key=lambda r: (r.focus, r.path or "", r.message))
    conforms = not any(r.severity == "Violation" for r in results)
    for node in report.subjects(RDF.type, SH.ValidationReport):
        report.set((node, SH.conforms, Literal(conforms)))
    return ValidationOutcome(conforms, report, results, shapes_version)


def serialize_report(outcome: ValidationOutcome, fmt: str) -> bytes:
    """The report graph as ``turtle`` or ``jsonld`` (``sh:`` prefixed)."""
    outcome.report_graph.bind("sh", SH)
    name = "json-ld" if fmt == "jsonld" else fmt
    return outcome.report_graph.serialize(format=name, encoding="utf-8")


def text_report(outcome: ValidationOutcome | Verdict, label: str = "") -> str:
    """A human-readable report, results grouped by focus node.

    >>> text_report(ValidationOutcome(True, Graph()), "x.ttl")
    'x.ttl: conforms (0 violations, 0 warnings)\\n'
    """
    counts = outcome.counts if isinstance(outcome, Verdict) else outcome.counts()
    verdict = "conforms" if outcome.conforms else "does NOT conform"
    head = f"{label}: " if label else ""
    lines = [f"{head}{verdict} ({counts['Violation']} violations, {counts['Warning']} warnings)"]
    focus = None
    for result in outcome.results:
        if result.focus != focus:
            focus = result.focus
            lines.append(f"  <{focus}>")
        lines.append(f"    {result.severity}: {result.message}")
        if result.path:
            lines.append(f"      path:  {result.path}")
        if result.value:
            lines.append(f"      value: {result.value}")
    return "\n".join(lines) + "\n"
