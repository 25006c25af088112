"""SHACL shapes in shapes/: every shape documented, exemplified and tested on its examples.

Examples live in tests/data/shapes/<shape local name>/: ``valid-*.ttl`` must raise no
Violation (and no Warning unless the file says ``# allow: warnings``); ``invalid-*.ttl`` names
the intended failure in ``# expect: <term> ...`` and every result in its report must match all
the terms (each term is a sh:sourceShape, sh:sourceConstraintComponent, sh:resultPath or
sh:resultSeverity). Examples are validated as the validator validates data: the example plus the
ontology graphs as context, no inference, SHACL Advanced Features off (the shapes use SHACL
Core and SPARQL-based constraints only; tests/test_shapes_second_engine.py runs them with a
second engine).
"""

import functools
import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, BNode, Graph, Namespace, URIRef

ROOT = Path(__file__).parents[1]
SHAPES_DIR = ROOT / "shapes"
EXAMPLES_DIR = ROOT / "tests" / "data" / "shapes"
SH = Namespace("http://www.w3.org/ns/shacl#")
TP = "https://w3id.org/tpkg/ontology#"
TPS = "https://w3id.org/tpkg/shapes#"
PREFIXES = {
    "sh": str(SH),
    "tps": TPS,
    "tp": TP,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "qb": "http://purl.org/linked-data/cube#",
    "oa": "http://www.w3.org/ns/oa#",
}
RESULT_TERMS = (SH.sourceShape, SH.sourceConstraintComponent, SH.resultPath, SH.resultSeverity)


@functools.cache
def shapes_graph() -> Graph:
    graph = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path)
    return graph


@functools.cache
def ontology_graph() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph


def report_for(data: Graph) -> Graph:
    """Validate ``data`` with the ontology as context, the way the validator does."""
    graph = Graph()
    for triple in ontology_graph():
        graph.add(triple)
    for triple in data:
        graph.add(triple)
    _, report, _ = validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=False, allow_warnings=True
    )
    return report


def results(report: Graph) -> list[dict]:
    return [
        {term: report.value(result, term) for term in (*RESULT_TERMS, SH.resultMessage)}
        | {
            SH.focusNode: report.value(result, SH.focusNode),
            SH.value: report.value(result, SH.value),
        }
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]


def expand(term: str) -> URIRef:
    if term.startswith("<") and term.endswith(">"):
        return URIRef(term[1:-1])
    prefix, _, local = term.partition(":")
    return URIRef(PREFIXES[prefix] + local)


def examples(kind: str) -> list[Path]:
    return sorted(EXAMPLES_DIR.glob(f"*/{kind}-*.ttl"))


def example_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def node_shapes() -> list[URIRef]:
    return sorted(
        s for s in shapes_graph().subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)
    )


def declared_tp_terms(kinds: tuple[URIRef, ...]) -> list[str]:
    """Local names of the tp: terms that ontology/tpkg.ttl declares with one of ``kinds``."""
    graph = Graph().parse(ROOT / "ontology" / "tpkg.ttl")
    names = {
        str(s)[len(TP) :]
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if str(s).startswith(TP)
    }
    return sorted(names)


def describe(found: list[dict]) -> str:
    return "\n".join(
        " | ".join(f"{term.split('#')[-1]}={value}" for term, value in result.items())
        for result in found
    )


def test_example_globs_find_files() -> None:
    assert examples("valid") and examples("invalid")


@pytest.mark.parametrize("path", examples("valid"), ids=example_id)
def test_valid_example_conforms(path: Path) -> None:
    found = results(report_for(Graph().parse(path)))
    allowed = (
        {SH.Warning, SH.Info} if re.search(r"^# allow: warnings", path.read_text(), re.M) else set()
    )
    assert [r for r in found if r[SH.resultSeverity] not in allowed] == [], describe(found)


@pytest.mark.parametrize("path", examples("invalid"), ids=example_id)
def test_invalid_example_fails_for_the_intended_reason(path: Path) -> None:
    lines = re.findall(r"^# expect: (.+)$", path.read_text(), re.M)
    assert len(lines) == 1, "an invalid example needs exactly one '# expect:' line"
    expected = {expand(term) for term in lines[0].split()}
    found = results(report_for(Graph().parse(path)))
    assert found, "the invalid example conforms"
    unexpected = [r for r in found if not expected <= {r[term] for term in RESULT_TERMS}]
    assert unexpected == [], describe(unexpected)


@pytest.mark.parametrize("shape", node_shapes(), ids=lambda s: s.split("#")[-1])
def test_node_shape_has_comment_and_message(shape: URIRef) -> None:
    assert shapes_graph().value(shape, RDFS.comment) is not None
    assert shapes_graph().value(shape, SH.message) is not None


@pytest.mark.parametrize("shape", node_shapes(), ids=lambda s: s.split("#")[-1])
def test_node_shape_has_valid_and_invalid_examples(shape: URIRef) -> None:
    folder = EXAMPLES_DIR / shape.split("#")[-1]
    assert list(folder.glob("valid-*.ttl")) and list(folder.glob("invalid-*.ttl")), folder


def test_every_example_folder_names_a_shape() -> None:
    names = {shape.split("#")[-1] for shape in node_shapes()}
    folders = {p.name for p in EXAMPLES_DIR.iterdir() if p.is_dir()}
    assert folders and folders <= names, folders - names


def test_every_shape_is_named_in_the_shapes_namespace() -> None:
    shapes = set(shapes_graph().subjects(RDF.type, SH.NodeShape))
    assert shapes and all(str(s).startswith(TPS) for s in shapes)


def test_sparql_constraints_are_few() -> None:
    # pyshacl parses a SPARQL constraint once per focus node: keep them rare and narrow.
    assert len(list(shapes_graph().objects(None, SH.sparql))) <= 3


def test_vocabulary_shape_lists_the_ontology_terms() -> None:
    selects = [str(q) for q in shapes_graph().objects(None, SH.select) if "REGEX(STR(?p)" in str(q)]
    assert len(selects) == 1
    properties = declared_tp_terms((OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property))
    classes = declared_tp_terms((OWL.Class, RDFS.Class))
    for select in selects:
        lists = dict(
            re.findall(
                r'REGEX\(STR\(\?(p|c)\), "\^https://w3id\.org/tpkg/ontology#\(([^)]*)\)\$"', select
            )
        )
        assert lists["p"].split("|") == properties
        assert lists["c"].split("|") == classes


@pytest.mark.parametrize(
    "term", ["target", "rule", "SPARQLTarget", "SPARQLTargetType", "expression", "condition"]
)
def test_shapes_use_no_advanced_features(term: str) -> None:
    # SHACL-AF terms are not portable: other engines ignore them and let bad data pass.
    graph = shapes_graph()
    uses = [t for t in graph if SH[term] in t]
    assert uses == [], uses


@functools.cache
def bundled_data() -> Graph:
    """All of data/turtle/ in one graph."""
    data = Graph()
    for path in sorted((ROOT / "data" / "turtle").rglob("*.ttl")):
        data.parse(path)
    return data


@functools.cache
def bundled_results() -> tuple[dict, ...]:
    """pySHACL's results on the whole bundled data (computed once per test session)."""
    return tuple(results(report_for(bundled_data())))


def test_bundled_data_has_no_violations(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(bundled_data()) > 1000
    found = list(bundled_results())
    violations = [r for r in found if r[SH.resultSeverity] == SH.Violation]
    assert violations == [], describe(violations)
    with capsys.disabled():
        warnings = [r for r in found if r[SH.resultSeverity] == SH.Warning]
        print(f"\n{len(warnings)} warnings on the bundled data:")
        for r in warnings:
            print(f"  {r[SH.focusNode]}: {r[SH.resultMessage]}")


TREATY_ACTION_TABLE_ROWS = """
PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX act: <https://w3id.org/tpkg/id/treaty-action-type/>
SELECT ?action ?row WHERE {
  ?action a tp:TreatyAction ; tp:actType ?type ; dct:date ?date ; tp:state ?s ; tp:treaty ?t .
  FILTER(?type IN (act:ratification, act:accession, act:ratification-or-accession))
  OPTIONAL { ?row a tp:TreatyStatusRecord ; tp:state ?s ; tp:treaty ?t }
}"""


def test_every_dated_ratification_or_accession_is_compared_with_a_table_row() -> None:
    # tps:TreatyActionYearShape compares an action with its table row: a check with nothing to
    # compare could never fail.
    rows = list(bundled_data().query(TREATY_ACTION_TABLE_ROWS))
    assert len(rows) >= 4 and all(row[1] is not None for row in rows), rows


def test_blank_helper_shapes_are_not_node_shapes() -> None:
    # Only named shapes are documented and exemplified; helpers inside sh:or/sh:not stay blank.
    assert not any(isinstance(s, BNode) for s in shapes_graph().subjects(RDF.type, SH.NodeShape))
