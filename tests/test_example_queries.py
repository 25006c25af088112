"""Each example query in queries/ returns its expected result over the whole graph.

Every ``queries/<name>.rq`` has an expected ``queries/<name>.tsv``: SPARQL 1.1 TSV results as
pyoxigraph serialises them (for ASK, the single word ``true`` or ``false``). The store holds
every ontology, data and shape file as its own named graph; queries see the union of all graphs
as their default graph. Results are compared line by line when the query has ORDER BY, and as
sets of lines (header first) otherwise.
"""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).parents[1]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
GRAPH_BASE = "https://w3id.org/tpkg/graph/"
GRAPH_SOURCES = ("ontology", "data/turtle", "shapes")


def graph_iri(path: Path) -> str:
    """Named graph IRI of a Turtle file: its path from the repository root without '.ttl',
    with the leading 'data/turtle/' shortened to 'data/'.

    >>> graph_iri(ROOT / "data/turtle/statement/hdim-2015.ttl")
    'https://w3id.org/tpkg/graph/data/statement/hdim-2015'
    """
    relative = path.relative_to(ROOT).with_suffix("").as_posix()
    return GRAPH_BASE + re.sub(r"^data/turtle/", "data/", relative)


def graph_files() -> list[Path]:
    files = sorted(p for d in GRAPH_SOURCES for p in (ROOT / d).rglob("*.ttl"))
    assert files, "no Turtle files to load"
    return files


@pytest.fixture(scope="module")
def run_query():
    """Return a function that runs a SPARQL query over all graphs and returns TSV text.

    This is the one place that knows how queries are executed; swap it for the ``kg query``
    command line when that exists.
    """
    store = ox.Store()
    for path in graph_files():
        store.load(
            path=str(path),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(graph_iri(path)),
        )

    def run(text: str) -> str:
        result = store.query(text, use_default_graph_as_union=True)
        return result.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")

    return run


def comparable(tsv: str, ordered: bool) -> list[str]:
    lines = tsv.rstrip("\n").split("\n")
    return lines if ordered else lines[:1] + sorted(lines[1:])


def test_queries_exist() -> None:
    assert len(QUERIES) >= 25


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_query_has_title_and_description(query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    assert re.search(r"^# title: \S", text, re.M)
    assert re.search(r"^# description: \S", text, re.M)


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_query_returns_expected_result(run_query, query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    expected_file = query.with_suffix(".tsv")
    assert expected_file.is_file(), f"missing expected result {expected_file.name}"
    ordered = re.search(r"\bORDER\s+BY\b", text, re.I) is not None
    actual = comparable(run_query(text), ordered)
    expected = comparable(expected_file.read_text(encoding="utf-8"), ordered)
    assert actual == expected


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_query_result_is_not_empty(query: Path) -> None:
    lines = query.with_suffix(".tsv").read_text(encoding="utf-8").strip().split("\n")
    assert lines[0] in {"true", "false"} or len(lines) > 1
