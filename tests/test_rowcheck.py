"""An import drops the rows whose output violates a shape and keeps the rest; a violation no
single row owns still fails the whole import."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef

from kg.errors import InputError
from kg.importers import osce, upr
from kg.importers.checks import context_graph, judge
from kg.importers.rowcheck import check_rows
from kg.importers.upr_followup import link_repeats
from kg.importers.upr_links import link, read_turtle
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
    graph = result.graph.to_graph()
    country = next(graph.objects(None, URIRef(TP + "recommendedBy")))
    about = len(list(graph.triples((country, None, None))))
    assert isinstance(country, URIRef) and result.graph.remove_subject(country) == about > 3
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


def test_a_dropped_row_takes_the_links_pointing_to_it_along(context) -> None:  # noqa: ANN001
    result = upr.import_export(FIXTURE)
    (spoiled, number), (other, _) = sorted(result.rows.items(), key=str)[:2]
    result.graph.add((spoiled, URIRef(TP + "uprSession"), Literal("seven")))
    link = (other, URIRef(TP + "supports"), spoiled)
    result.graph.add(link)  # left pointing at a dropped node, it would fail the other row too
    verdict = check_rows(result.graph, SHAPES, context, result.rows)
    assert [n for n, _ in verdict.rejected] == [number] and verdict.outcome.conforms
    assert link not in result.graph and other in result.graph.subjects()


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


def test_a_link_with_a_violation_is_dropped_with_its_recommendation_link() -> None:
    data = ROOT / "data" / "turtle"
    recs = read_turtle([data / "upr" / "upr-info.ttl"])
    reports = read_turtle(sorted((data / "un").glob("*.ttl")))
    result = link(recs, reports)
    spoiled = sorted(n for n in result.rows if "/match/" in str(n))[0]
    rec = URIRef(result.rows[spoiled])
    result.graph.set((spoiled, URIRef(TP + "matchScore"), Literal("high")))
    verdict = check_rows(result.graph, SHAPES, context_graph(ROOT, [recs, reports]), result.rows)
    assert [row for row, _ in verdict.rejected] == [str(rec)]
    assert "score" in verdict.rejected[0][1] and verdict.outcome.conforms
    assert (spoiled, None, None) not in result.graph and (rec, None, None) not in result.graph
    assert len(set(result.graph.subjects(RDF.type, URIRef(TP + "Match")))) == result.linked - 1


def test_an_osce_row_with_a_bad_code_or_listed_twice_is_left_out() -> None:
    group = osce.convert(ROOT / "tests/data/importers/osce-bad-rows.csv")
    assert group.rejected == [
        (3, "'KG' is not an ISO 3166-1 alpha-3 code"),
        (5, "KAZ is listed already, in row 2"),
    ]
    members = set(group.graph.objects(None, URIRef(TP + "includesState")))
    assert {str(m).rsplit("/", 1)[1] for m in members} == {"KAZ", "TJK", "MNG"}
    assert group.members == 3 and sorted(group.rows.values()) == [2, 4, 6]


def test_an_osce_member_whose_output_fails_is_dropped_with_its_membership(context) -> None:  # noqa: ANN001
    group = osce.convert(ROOT / "tests/data/importers/osce-bad-rows.csv")
    state = next(node for node, row in group.rows.items() if row == 4)
    group.graph.add((state, RDF.type, URIRef(TP + "Recommendation")))
    verdict = check_rows(group.graph, SHAPES, context, group.rows)
    assert [row for row, _ in verdict.rejected] == [4] and verdict.outcome.conforms
    assert (None, None, state) not in group.graph and (state, None, None) not in group.graph


def test_a_repeat_link_with_a_violation_is_dropped_with_the_later_rows_links() -> None:
    recs = read_turtle([ROOT / "data" / "turtle" / "upr" / "upr-info.ttl"])
    result = link_repeats(recs, "KAZ", 7, 20)
    spoiled = sorted(n for n in result.rows if "/repeat/" in str(n))[0]
    later = URIRef(result.rows[spoiled])
    result.graph.add((spoiled, URIRef(TP + "matchScore"), Literal("100.0")))
    verdict = check_rows(result.graph, SHAPES, context_graph(ROOT, [recs]), result.rows)
    assert [row for row, _ in verdict.rejected] == [str(later)] and verdict.outcome.conforms
    assert (later, None, None) not in result.graph
    assert (None, URIRef(TP + "laterRecommendation"), later) not in result.graph
    assert len(set(result.graph.subjects(URIRef(TP + "repeats"), None))) == result.with_repeat - 1
