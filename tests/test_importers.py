"""The ratification table importer: same records as the bundled data, checked by the shapes."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import graph_diff, to_isomorphic

from kg.errors import InputError
from kg.importers.ratifications import TREATIES, convert

ROOT = Path(__file__).parents[1]
RESEARCH_DATA = ROOT.parent / "shared" / "research" / "data"
DATA = ROOT / "tests" / "data" / "importers"
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
TP = Namespace("https://w3id.org/tpkg/ontology#")
TPS = Namespace("https://w3id.org/tpkg/shapes#")
TS = Namespace("https://w3id.org/tpkg/id/treaty-status/")


def table(treaty_key: str) -> Path:
    path = RESEARCH_DATA / ("wpdl_" + TREATIES[treaty_key].file)
    assert path.is_file(), f"research data file missing: {path}"
    return path


def bundled() -> Graph:
    graph = Graph()
    for name in ("treaties.ttl", "sources.ttl"):
        graph.parse(ROOT / "data" / "turtle" / "facts" / name)
    return graph


def describe_of(graph: Graph, subjects: set[URIRef]) -> Graph:
    out = Graph()
    for s in subjects:
        for p, o in graph.predicate_objects(s):
            if p != SKOS.editorialNote:
                out.add((s, p, o))
    return out


def violations(data: Graph) -> list[tuple[URIRef, URIRef]]:
    """(source shape, focus node) of each Violation, with the ontology, states and treaties as
    context."""
    graph = Graph()
    for path in (ROOT / "ontology").glob("*.ttl"):
        graph.parse(path)
    graph.parse(ROOT / "data" / "turtle" / "entities" / "states.ttl")
    facts = bundled()
    graph += describe_of(facts, set(facts.subjects(RDF.type, TP.Treaty)))
    graph += data
    shapes = Graph()
    for path in (ROOT / "shapes").glob("*.ttl"):
        shapes.parse(path)
    _, report, _ = validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    return [
        (report.value(r, SH.sourceShape), report.value(r, SH.focusNode))
        for r in report.subjects(SH.resultSeverity, SH.Violation)
    ]


def test_kazakhstan_iccpr_op1_row_is_kept_as_given() -> None:
    record = TS["KAZ-ICCPR-OP1-wpdl"]
    graph = convert(table("ICCPR-OP1"), "ICCPR-OP1")
    assert graph.value(record, TP.isStateParty) == Literal(False)
    assert str(graph.value(record, TP.statusText)) == "state party"
    assert str(graph.value(record, TP.year)) == "2009"


@pytest.mark.parametrize("treaty_key", sorted(TREATIES))
def test_records_equal_the_bundled_data(treaty_key: str) -> None:
    converted = convert(table(treaty_key), treaty_key)
    expected = describe_of(bundled(), set(converted.subjects()))
    in_both, only_converted, only_expected = graph_diff(
        to_isomorphic(converted), to_isomorphic(expected)
    )
    assert len(only_converted) == len(only_expected) == 0, (
        only_converted.serialize(format="nt") + "\n---\n" + only_expected.serialize(format="nt")
    )


def test_kazakhstan_iccpr_op1_row_violates_the_consistency_shape() -> None:
    found = violations(convert(table("ICCPR-OP1"), "ICCPR-OP1", ["KAZ"]))
    assert (TPS.TreatyStatusConsistencyShape, TS["KAZ-ICCPR-OP1-wpdl"]) in found


def test_kyrgyzstan_cat_row_conforms() -> None:
    assert violations(convert(table("CAT"), "CAT", ["KGZ"])) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("OPCAT", ["KAZ"], "wrong-columns.csv"), "expected the columns"),
        (("OPCAT", ["KAZ"], "flag-not-binary.csv"), "not 0 or 1"),
        (("OPCAT", ["KGZ"], "flag-not-binary.csv"), "no row for KGZ"),
        (("CEDAW", ["KAZ"], "flag-not-binary.csv"), "unknown treaty"),
        (("OPCAT", ["XYZ"], "flag-not-binary.csv"), "no ISO 3166-1 alpha-2 code"),
        (("OPCAT", ["KAZ"], "missing.csv"), "cannot read"),
    ],
)
def test_bad_input_raises_input_error(args: tuple[str, list[str], str], message: str) -> None:
    treaty_key, states, name = args
    with pytest.raises(InputError, match=message):
        convert(DATA / name, treaty_key, states)
