"""An import drops the rows whose output violates a shape and keeps the rest; a violation no
single row owns still fails the whole import."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef

from kg.errors import InputError
from kg.importers import upr
from kg.importers.checks import context_graph, judge
from kg.importers.rowcheck import check_rows
from kg.importers.upr_report import ReportOptions, import_report, paragraphs_of

ROOT = Path(__file__).parents[1]
FIXTURE = ROOT / "tests/data/importers/upr-utf8-lf.csv"
TP = "https://w3id.org/tpkg/ontology#"
SHAPES = ROOT / "shapes"


@pytest.fixture(scope="module")
def context():  # noqa: ANN201
    return context_graph(ROOT)


def test_a_clean_import_keeps_every_row(context) -> None:  # noqa: ANN001
    result = upr.import_export(FIXTURE)
    verdict = check_rows(result.graph, SHAPES, context, result.rows)
    assert verdict.rejected == [] and verdict.outcome.conforms
    assert len(result.rows) == result.imported == 4


def test_a_row_with_a_violation_is_dropped_with_its_message(context) -> None:  # noqa: ANN001
    result = upr.import_export(FIXTURE)
    spoiled, number = next(iter(result.rows.items()))
    result.graph.add((spoiled, URIRef(TP + "uprSession"), Literal("seven")))
    verdict = check_rows(result.graph, SHAPES, context, result.rows)
    assert [n for n, _ in verdict.rejected] == [number]
    assert verdict.outcome.conforms and spoiled not in result.graph.subjects()
    graph = result.graph.to_graph()
    assert (spoiled, None, None) not in graph
    assert len(set(graph.subjects(RDF.type, URIRef(TP + "Recommendation")))) == 3


def test_a_violation_on_a_node_no_row_owns_fails_the_import(context) -> None:  # noqa: ANN001
    result = upr.import_export(FIXTURE)
    country = next(result.graph.to_graph().objects(None, URIRef(TP + "recommendedBy")))
    assert isinstance(country, URIRef) and result.graph.remove_subject(country) == 4
    result.graph.add((country, RDF.type, URIRef(TP + "Recommendation")))
    with pytest.raises(InputError, match="fails validation"):
        check_rows(result.graph, SHAPES, context, result.rows)


def test_a_report_paragraph_with_a_violation_is_dropped_alone(context) -> None:  # noqa: ANN001
    report = ROOT.parent / "shared/research/data/un-reports"
    path = next(report.glob("A-HRC-19-3*.txt"))
    graph = import_report(path, ReportOptions(symbol="A/HRC/19/3")).graph
    rows = paragraphs_of(graph)
    spoiled = sorted(rows)[0]
    graph.remove((spoiled, URIRef("https://schema.org/text"), None))
    verdict = check_rows(graph, SHAPES, context, rows)
    assert verdict.rejected and {n for n, _ in verdict.rejected} == {rows[spoiled]}
    assert verdict.outcome.conforms and len(paragraphs_of(graph)) == len(rows) - 1


def test_validation_in_chunks_finds_what_validation_at_once_finds(context) -> None:  # noqa: ANN001
    result = upr.import_export(FIXTURE)
    spoiled = sorted(result.rows, key=str)
    for node in (spoiled[0], spoiled[-1]):  # in the first chunk and in the last
        result.graph.add((node, URIRef(TP + "uprSession"), Literal("seven")))
    whole = judge(result.graph, SHAPES, context)
    chunked = judge(result.graph, SHAPES, context, chunk=1)
    found = {(r.focus, r.message) for r in whole.results if r.severity == "Violation"}
    assert {focus for focus, _ in found} == {str(spoiled[0]), str(spoiled[-1])}
    assert {(r.focus, r.message) for r in chunked.results if r.severity == "Violation"} == found
    assert not whole.conforms and not chunked.conforms
