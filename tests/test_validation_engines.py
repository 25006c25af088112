"""The importers validate with the fast engine (pyshacl-turbo), reading their N-Triples lines;
it must judge every shape example of tests/data/shapes/ (valid and invalid) exactly as pySHACL
does, through a graph and through the lines, and an import's graph too."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from kg.importers.checks import context_graph
from kg.importers.triples import Triples
from kg.importers.upr import convert
from kg.validation import ValidationOutcome, load_shapes, validate
from kg.validation.engine import validate_ntriples

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "tests" / "data" / "shapes").rglob("*.ttl"))
TP = Namespace("https://w3id.org/tpkg/ontology#")


#: Node shapes with a SPARQL constraint: for their results pySHACL writes the constraint's own
#: message (its template filled in), pyshacl-turbo the shape's; the verdict is the same.
SPARQL_SHAPES = {
    str(shape)
    for shape in load_shapes(ROOT / "shapes").graph.subjects(
        URIRef("http://www.w3.org/ns/shacl#sparql"), None
    )
}


def judged(outcome: ValidationOutcome) -> tuple[bool, list[tuple[str, ...]]]:
    """Whether it conforms, and each result's focus, path, value, severity, shape and message
    (blank nodes, whose names differ between engines, as ``_``; a blank node's value, which
    the report writes as its triples in no fixed order, as its sorted words; no message for a
    result of a shape in :data:`SPARQL_SHAPES`)."""

    def name(term: str | None) -> str:
        return term if term and "://" in term else "_" if term else ""

    rows = {
        (
            name(r.focus),
            name(r.path),
            " ".join(sorted((r.value or "").split())),
            r.severity,
            name(r.shape),
            "" if r.shape in SPARQL_SHAPES else r.message,
        )
        for r in outcome.results
    }
    return outcome.conforms, sorted(rows)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fast_engine_judges_each_shape_example_as_pyshacl_does(example: Path) -> None:
    graph, shapes = Graph().parse(example), load_shapes(ROOT / "shapes")
    slow = validate(graph, shapes=shapes)
    assert judged(validate(graph, shapes=shapes, fast=True)) == judged(slow)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_lines_are_judged_as_pyshacl_judges_the_graph(example: Path) -> None:
    graph, shapes = Graph().parse(example), load_shapes(ROOT / "shapes")
    lines = Triples.from_graph(graph)
    fast = validate_ntriples(
        [lines.ntriples()], lines.subjects(), shapes=shapes, blank_nodes=lines.has_blank_nodes()
    )
    assert judged(fast) == judged(validate(graph, shapes=shapes))


def test_fast_engine_finds_what_pyshacl_finds_in_a_spoiled_import() -> None:
    graph, shapes = convert(ROOT / "tests/data/importers/upr-utf8-lf.csv"), load_shapes("shapes")
    node = sorted(graph.subjects(TP.uprSession, None), key=str)[0]
    graph.add((node, TP.uprSesion, Literal(7)))  # an undeclared term: the SPARQL target
    graph.add((node, TP.addressee, URIRef("https://w3id.org/tpkg/id/country/germany")))
    fast = validate(graph, context_graph(ROOT), shapes=shapes, fast=True)
    assert not fast.conforms and judged(fast) == judged(
        validate(graph, context_graph(ROOT), shapes=shapes)
    )


def test_shapes_parsed_again_keep_their_names_in_the_report_of_the_lines() -> None:
    # The compiled shapes are cached by version; a bundle parsed again (another folder loaded
    # in between) has new blank nodes, and results named no shape until the cache said so.
    graph = Graph().parse(ROOT / "tests/data/shapes/DocumentShape/invalid-url-string.ttl")
    lines = Triples.from_graph(graph)
    first = load_shapes(ROOT / "shapes")
    validate_ntriples([lines.ntriples()], lines.subjects(), shapes=first)
    load_shapes(ROOT / "tests/data/contributions/shapes")
    again = load_shapes(ROOT / "shapes")
    assert again.graph is not first.graph and again.version == first.version
    outcome = validate_ntriples([lines.ntriples()], lines.subjects(), shapes=again)
    assert len(outcome.results) == 2 and all(r.shape for r in outcome.results)
