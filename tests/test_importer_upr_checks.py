"""Importers validate their output against shapes/ before writing: in chunks of subjects, with
each chunk's neighbours as context, so a violation anywhere stops the import."""

from pathlib import Path

import pytest
from rdflib import RDF, Literal, Namespace

from kg.errors import InputError
from kg.importers.checks import check, context_graph, write_atomically
from kg.importers.upr import convert

ROOT = Path(__file__).parents[1]
DATA = ROOT / "tests" / "data" / "importers"
TP = Namespace("https://w3id.org/tpkg/ontology#")


@pytest.mark.parametrize("chunk", [1, 2, 5000])
def test_valid_import_passes_in_any_chunking(chunk: int) -> None:
    graph = convert(DATA / "upr-utf8-lf.csv")
    outcome = check(graph, ROOT / "shapes", context_graph(ROOT), chunk=chunk)
    assert outcome.conforms and outcome.counts()["Violation"] == 0


@pytest.mark.parametrize("chunk", [1, 5000])
def test_a_violation_in_any_chunk_stops_the_import(chunk: int) -> None:
    graph = convert(DATA / "upr-utf8-lf.csv")
    last = sorted(graph.subjects(RDF.type, TP.Recommendation), key=str)[-1]
    graph.set((last, TP.uprActionCategory, Literal(9)))
    with pytest.raises(InputError, match=rf"fails validation .*{last}") as caught:
        check(graph, ROOT / "shapes", context_graph(ROOT), chunk=chunk)
    assert "\n" not in caught.value.message


def test_atomic_write_leaves_no_file_on_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write"):
        write_atomically("x", tmp_path / "missing" / "out.ttl")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("chunk", [1, 5000])
def test_validation_leaves_the_imported_graph_as_it_was(chunk: int) -> None:
    graph = convert(DATA / "upr-utf8-lf.csv")
    before = set(graph)
    check(graph, ROOT / "shapes", context_graph(ROOT), chunk=chunk)
    assert set(graph) == before
