"""Our result writers against pyoxigraph's own for the same query over the same data.

Both stores hold the same quads (blank nodes with fixed labels, so both sides name them
alike). JSON, XML and CSV are compared as parsed structures, TSV byte for byte.
"""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest

from kg.results import Term
from kg.serializers import serialize
from kg.store.embedded import EmbeddedStore
from kg.store.terms import to_engine

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "http://example.org/"
GRAPH = EX + "graph"


def uri(local: str) -> Term:
    return Term("uri", EX + local)


def lit(value: str, datatype: str | None = None, language: str | None = None) -> Term:
    return Term("literal", value, datatype, language)


OBJECTS = [
    lit("plain"),
    lit("chat", language="fr"),
    lit("colour", language="en-GB"),
    lit("42", XSD + "integer"),
    lit("-7", XSD + "integer"),
    lit("3.14", XSD + "decimal"),
    lit("1.5E3", XSD + "double"),
    lit("true", XSD + "boolean"),
    lit("2024-05-01", XSD + "date"),
    lit("2024-05-01T10:00:00Z", XSD + "dateTime"),
    lit('quote " and \\ backslash'),
    lit("tab\there, newline\nthere, return\rhere"),
    lit("comma, semicolon; <angle> & ampersand"),
    lit("unicode: é ü 中文 😀"),
    lit(" leading and trailing spaces "),
    lit(""),
    lit("x", EX + "customType"),
    Term("bnode", "b1"),
    Term("uri", EX + "with%20escape#and-fragment"),
    Term("uri", "urn:isbn:0451450523"),
]
TRIPLES = [(uri(f"s{i:02d}"), uri("p"), o) for i, o in enumerate(OBJECTS)]
TRIPLES += [(Term("bnode", "b1"), uri("p"), lit("about a blank node"))]
TRIPLES += [(uri("s00"), uri("q"), uri("only-s00-has-q"))]

QUERIES = {
    "all": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "unbound": f"SELECT ?s ?o ?q WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?q }} }} "
    "ORDER BY ?s ?o",
    "no-rows": "SELECT ?s WHERE { ?s <urn:x:none> ?o }",
    "no-variables": "SELECT * WHERE { }",
    "computed": "SELECT (COUNT(*) AS ?n) (SUM(1.5) AS ?d) (STRLEN('abc') AS ?l) WHERE { ?s ?p ?o }",
    "ask-true": "ASK { ?s ?p ?o }",
    "ask-false": "ASK { ?s <urn:x:none> ?o }",
}
FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


@pytest.fixture(scope="module")
def ours() -> EmbeddedStore:
    store = EmbeddedStore.memory()
    store.add_quads([(s, p, o, GRAPH) for s, p, o in TRIPLES])
    return store


@pytest.fixture(scope="module")
def reference() -> ox.Store:
    store = ox.Store()
    node = ox.NamedNode(GRAPH)
    store.extend([ox.Quad(*(to_engine(t) for t in triple), node) for triple in TRIPLES])
    return store


def our_bytes(store: EmbeddedStore, text: str, fmt: str) -> bytes:
    return serialize(store.query(text, row_limit=1000), fmt)


def reference_bytes(store: ox.Store, text: str, fmt: str) -> bytes:
    result = store.query(text, use_default_graph_as_union=True)
    return bytes(result.serialize(format=FORMATS[fmt]))


def solutions(data: bytes, fmt: str) -> object:
    """Parse results with pyoxigraph into comparable values."""
    parsed = ox.parse_query_results(data, format=FORMATS[fmt])
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    names = [v.value for v in parsed.variables]
    return names, [tuple(solution[name] for name in names) for solution in parsed]


@pytest.mark.parametrize("text", QUERIES.values(), ids=QUERIES.keys())
def test_json_parses_to_the_same_structure_as_pyoxigraphs(ours, reference, text: str) -> None:
    mine, theirs = our_bytes(ours, text, "json"), reference_bytes(reference, text, "json")
    assert json.loads(mine) == json.loads(theirs)


@pytest.mark.parametrize("text", QUERIES.values(), ids=QUERIES.keys())
def test_xml_parses_to_the_same_solutions_as_pyoxigraphs(ours, reference, text: str) -> None:
    mine, theirs = our_bytes(ours, text, "xml"), reference_bytes(reference, text, "xml")
    assert solutions(mine, "xml") == solutions(theirs, "xml")


@pytest.mark.parametrize("text", QUERIES.values(), ids=QUERIES.keys())
def test_csv_parses_to_the_same_rows_as_pyoxigraphs(ours, reference, text: str) -> None:
    mine, theirs = our_bytes(ours, text, "csv"), reference_bytes(reference, text, "csv")
    as_rows = [list(csv.reader(io.StringIO(b.decode(), newline=""))) for b in (mine, theirs)]
    assert as_rows[0] == as_rows[1]


@pytest.mark.parametrize("text", QUERIES.values(), ids=QUERIES.keys())
def test_tsv_bytes_equal_pyoxigraphs(ours, reference, text: str) -> None:
    assert our_bytes(ours, text, "tsv") == reference_bytes(reference, text, "tsv")


PARSEABLE = ["json", "xml", "tsv"]  # pyoxigraph does not read CSV back (it is lossy)


@pytest.mark.parametrize("fmt", PARSEABLE)
def test_the_query_results_cover_every_kind_of_term(reference, fmt: str) -> None:
    names, rows = solutions(reference_bytes(reference, QUERIES["unbound"], fmt), fmt)
    values = [value for row in rows for value in row]
    assert len(rows) == len([t for t in TRIPLES if t[1] == uri("p")])
    assert {type(v) for v in values} == {ox.NamedNode, ox.BlankNode, ox.Literal, type(None)}


@pytest.mark.parametrize("fmt", PARSEABLE)
@pytest.mark.parametrize("text", ["all", "unbound"])
def test_our_output_parses_back_to_the_engine_terms(ours, fmt: str, text: str) -> None:
    result = ours.query(QUERIES[text], row_limit=1000)
    expected = [tuple(to_engine(t) if t else None for t in row) for row in result.rows]
    assert solutions(serialize(result, fmt), fmt) == (result.variables, expected)


def test_xml_literals_survive_a_conforming_xml_parser(ours) -> None:
    result = ours.query(QUERIES["all"], row_limit=1000)
    tree = ElementTree.fromstring(serialize(result, "xml"))
    found = [e.text or "" for e in tree.iter("{http://www.w3.org/2005/sparql-results#}literal")]
    stored = [t.value for row in result.rows for t in row if t and t.kind == "literal"]
    assert found == stored
