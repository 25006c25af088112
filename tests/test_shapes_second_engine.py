"""The shapes are portable: a second SHACL engine (rudof, through pyrudof) gives the verdicts
pySHACL gives, on every shape example and on the whole bundled graph.

The shapes use SHACL Core and SPARQL-based constraints only. rudof does not run SHACL
Advanced Features (a ``sh:SPARQLTarget`` selects nothing there), so a shape built on them
would let bad data pass in rudof while pySHACL catches it; the typo check is the case in point.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pyrudof
import pytest
from rdflib import RDF, Graph, URIRef
from test_shapes import (
    RESULT_TERMS,
    SH,
    bundled_data,
    bundled_results,
    example_id,
    examples,
    expand,
    ontology_graph,
    report_for,
    results,
    shapes_graph,
)

TP = "https://w3id.org/tpkg/ontology#"
NODE = URIRef("https://w3id.org/tpkg/id/recommendation/typo")
VOCABULARY_SHAPE = URIRef("https://w3id.org/tpkg/shapes#VocabularyShape")


def _term(value: object) -> URIRef | None:
    """A rudof result field as the IRI pySHACL would report (blank nodes and paths: None)."""
    text = str(value)
    return URIRef(text) if re.match(r"^[a-z]+:[^\s()]*$", text) else None


def rudof_results(data: Graph) -> list[dict]:
    """rudof's results on ``data`` plus the ontology, in the shape of ``test_shapes.results``."""
    engine = pyrudof.Rudof(pyrudof.RudofConfig())
    engine.read_data((ontology_graph() + data).serialize(format="nt"), pyrudof.RDFFormat.NTriples)
    engine.read_shacl(shapes_graph().serialize(format="turtle"))
    return [
        {
            SH.sourceShape: _term(entry.source_shape),
            SH.sourceConstraintComponent: _term(entry.constraint_component),
            SH.resultPath: _term(entry.path),
            SH.resultSeverity: SH[str(entry.severity)],
            SH.focusNode: _term(entry.focus_node),
            SH.value: _term(entry.value),
        }
        for entry in engine.validate_shacl()
    ]


@pytest.mark.parametrize("path", examples("valid"), ids=example_id)
def test_valid_example_has_no_violation_in_rudof(path: Path) -> None:
    found = rudof_results(Graph().parse(path))
    allow_warnings = re.search(r"^# allow: warnings", path.read_text(), re.M) is not None
    allowed = {SH.Warning, SH.Info} if allow_warnings else set()
    assert [r for r in found if r[SH.resultSeverity] not in allowed] == []


@pytest.mark.parametrize("path", examples("invalid"), ids=example_id)
def test_invalid_example_fails_for_the_intended_reason_in_rudof(path: Path) -> None:
    expected = {
        expand(t) for t in re.findall(r"^# expect: (.+)$", path.read_text(), re.M)[0].split()
    }
    found = rudof_results(Graph().parse(path))
    assert found, "the invalid example conforms in rudof"
    assert [r for r in found if not expected <= {r[term] for term in RESULT_TERMS}] == []


def _tally(found: list[dict] | tuple[dict, ...]) -> collections.Counter:
    """Results counted by severity, constraint component and focus node (IRIs only: the
    engines name blank nodes differently)."""
    return collections.Counter(
        (r[SH.resultSeverity], r[SH.sourceConstraintComponent], _term(r[SH.focusNode]))
        for r in found
    )


def test_bundled_data_gets_the_same_results_from_both_engines() -> None:
    in_rudof = rudof_results(bundled_data())
    assert [r for r in in_rudof if r[SH.resultSeverity] == SH.Violation] == []
    assert _tally(in_rudof) == _tally(bundled_results())


@pytest.mark.parametrize(
    ("cls", "prop"), [("Recommendation", "adressee"), ("Recomendation", "addressee")]
)
def test_a_misspelt_tp_term_is_caught_by_both_engines(cls: str, prop: str) -> None:
    data = Graph()
    data.add((NODE, RDF.type, URIRef(TP + cls)))
    data.add((NODE, URIRef(TP + prop), URIRef("https://w3id.org/tpkg/id/state/KAZ")))
    for found in (results(report_for(data)), rudof_results(data)):
        assert any(r[SH.sourceShape] == VOCABULARY_SHAPE and r[SH.value] == NODE for r in found)
