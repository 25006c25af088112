"""An import drops the rows whose output violates a shape and keeps the rest; a violation no
single row owns still fails the whole import."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef

from kg.errors import InputError
from kg.importers import upr
from kg.importers.checks import context_graph
from kg.importers.rowcheck import check_rows

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
    result.graph.set((spoiled, URIRef(TP + "uprSession"), Literal("seven")))
    verdict = check_rows(result.graph, SHAPES, context, result.rows)
    assert [n for n, _ in verdict.rejected] == [number]
    assert verdict.outcome.conforms and (spoiled, None, None) not in result.graph
    assert len(set(result.graph.subjects(RDF.type, URIRef(TP + "Recommendation")))) == 3


def test_a_violation_on_a_node_no_row_owns_fails_the_import(context) -> None:  # noqa: ANN001
    result = upr.import_export(FIXTURE)
    country = next(result.graph.objects(None, URIRef(TP + "recommendedBy")))
    result.graph.remove((country, None, None))
    result.graph.add((country, RDF.type, URIRef(TP + "Recommendation")))
    with pytest.raises(InputError, match="fails validation"):
        check_rows(result.graph, SHAPES, context, result.rows)
