"""Real SPARQL clients against the live server: SPARQLWrapper and rdflib's SPARQLStore.

Every expectation is computed: the same query run by ``kg query`` on the same store, parsed
the same way as the client's answer.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import Server, run_kg
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PROLOGUE = (
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
SELECTS = {
    "labels-with-unbound": PROLOGUE
    + "SELECT ?class ?label ?comment WHERE { ?class a owl:Class ; rdfs:label ?label "
    "OPTIONAL { ?class rdfs:isDefinedBy ?comment } } ORDER BY ?class ?label",
    "counts": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
}
ASKS = {
    "true": PROLOGUE + "ASK { ?c a owl:Class }",
    "false": "ASK { <urn:x:nothing> ?p ?o }",
}
CONSTRUCT = PROLOGUE + "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a owl:Class ; rdfs:label ?l }"
TRANSPORTS = {
    "get": (GET, URLENCODED),
    "post-form": (POST, URLENCODED),
    "post-direct": (POST, POSTDIRECTLY),
}
#: rdflib's own JSON-LD parser, and SPARQLWrapper's RDF/XML conversion, still build a
#: ConjunctiveGraph and warn about it.
RDFLIB_JSONLD = RDFLIB_CONJUNCTIVE = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"
)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"

Cli = Callable[[str, str], str]


@pytest.fixture(scope="module")
def cli(store_dir: Path) -> Cli:
    """``kg query TEXT --format FMT`` on the server's store (cached per query and format)."""
    cache: dict[tuple[str, str], str] = {}

    def run(text: str, fmt: str) -> str:
        if (text, fmt) not in cache:
            done = run_kg("--store", str(store_dir), "query", text, "--format", fmt)
            assert done.returncode == 0 and "truncated" not in done.stderr, done.stderr
            cache[(text, fmt)] = done.stdout
        return cache[(text, fmt)]

    return run


def ask_wrapper(server: Server, text: str, fmt: str, transport: str = "get") -> Any:
    """Run ``text`` through SPARQLWrapper and return its converted result."""
    sparql = SPARQLWrapper(server.endpoint)
    sparql.setQuery(text)
    sparql.setReturnFormat(fmt)
    method, request_method = TRANSPORTS[transport]
    sparql.setMethod(method)
    sparql.setRequestMethod(request_method)
    result = sparql.query()
    try:
        return result.convert()
    finally:
        result.response.close()


def rows(result: Result) -> tuple[list[str], list[tuple[Any, ...]]]:
    return [str(v) for v in result.vars or []], [tuple(row) for row in result]


def parsed(data: str | bytes, fmt: str) -> Result:
    raw = data.encode() if isinstance(data, str) else data
    return Result.parse(io.BytesIO(raw), format=fmt)


def graph_of(data: str | bytes, fmt: str) -> Graph:
    return Graph().parse(data=data, format=fmt)


# -- SPARQLWrapper ---------------------------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("text", SELECTS.values(), ids=SELECTS.keys())
def test_sparqlwrapper_select_json_equals_the_cli_result(
    server: Server, cli: Cli, text: str, transport: str
) -> None:
    answer = ask_wrapper(server, text, JSON, transport)
    assert answer == json.loads(cli(text, "json"))
    assert answer["results"]["bindings"]


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("text", SELECTS.values(), ids=SELECTS.keys())
def test_sparqlwrapper_select_xml_has_the_cli_rows(
    server: Server, cli: Cli, text: str, transport: str
) -> None:
    document = ask_wrapper(server, text, XML, transport)
    assert rows(parsed(document.toxml(), "xml")) == rows(parsed(cli(text, "json"), "json"))


@pytest.mark.parametrize("text", SELECTS.values(), ids=SELECTS.keys())
def test_sparqlwrapper_select_csv_has_the_cli_rows(server: Server, cli: Cli, text: str) -> None:
    answer = ask_wrapper(server, text, CSV)
    expected = list(csv.reader(io.StringIO(cli(text, "csv"), newline="")))
    assert list(csv.reader(io.StringIO(answer.decode(), newline=""))) == expected
    assert len(expected) > 1


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("text", ASKS.values(), ids=ASKS.keys())
def test_sparqlwrapper_ask_json_and_xml_give_the_cli_answer(
    server: Server, cli: Cli, text: str, transport: str
) -> None:
    expected = json.loads(cli(text, "json"))["boolean"]
    assert ask_wrapper(server, text, JSON, transport)["boolean"] is expected
    assert parsed(ask_wrapper(server, text, XML, transport).toxml(), "xml").askAnswer is expected


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [
        (TURTLE, "turtle"),
        pytest.param(RDFXML, "xml", marks=RDFLIB_CONJUNCTIVE),
        pytest.param(JSONLD, "json-ld", marks=RDFLIB_JSONLD),
    ],
)
def test_sparqlwrapper_construct_is_the_cli_graph(
    server: Server, cli: Cli, fmt: str, rdflib_format: str, transport: str
) -> None:
    answer = ask_wrapper(server, CONSTRUCT, fmt, transport)
    graph = answer if isinstance(answer, Graph) else graph_of(answer, rdflib_format)
    expected = graph_of(cli(CONSTRUCT, "turtle"), "turtle")
    assert len(expected) > 0 and isomorphic(graph, expected)


# -- rdflib SPARQLStore -----------------------------------------------------------------------


def store_graph(server: Server, **options: str) -> Graph:
    return Graph(store=SPARQLStore(server.endpoint, **options))


@pytest.mark.parametrize("options", [{}, {"returnFormat": "json"}], ids=["default", "json"])
@pytest.mark.parametrize("text", SELECTS.values(), ids=SELECTS.keys())
def test_sparqlstore_select_has_the_cli_rows(
    server: Server, cli: Cli, text: str, options: dict[str, str]
) -> None:
    result = store_graph(server, **options).query(text)
    assert rows(result) == rows(parsed(cli(text, "json"), "json"))


@pytest.mark.parametrize("options", [{}, {"returnFormat": "json"}], ids=["default", "json"])
@pytest.mark.parametrize("text", ASKS.values(), ids=ASKS.keys())
def test_sparqlstore_ask_gives_the_cli_answer(
    server: Server, cli: Cli, text: str, options: dict[str, str]
) -> None:
    answer = store_graph(server, **options).query(text).askAnswer
    assert answer is json.loads(cli(text, "json"))["boolean"]


@pytest.mark.parametrize("options", [{}, {"returnFormat": "json"}], ids=["default", "json"])
def test_sparqlstore_construct_is_the_cli_graph(
    server: Server, cli: Cli, options: dict[str, str]
) -> None:
    result = store_graph(server, **options).query(CONSTRUCT)
    expected = graph_of(cli(CONSTRUCT, "turtle"), "turtle")
    assert result.graph is not None and len(expected) > 0
    assert isomorphic(result.graph, expected)


def test_construct_asked_as_results_json_is_answered_in_turtle(server: Server) -> None:
    headers = {"Accept": "application/sparql-results+json"}
    response = requests.get(
        server.endpoint, params={"query": CONSTRUCT}, headers=headers, timeout=30
    )
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert len(graph_of(response.content, "turtle")) > 0


# -- the service description -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/rdf+xml", "xml"),
        pytest.param("application/ld+json", "json-ld", marks=RDFLIB_JSONLD),
        ("application/n-triples", "nt"),
    ],
)
def test_service_description_names_the_endpoint(
    server: Server, accept: str, rdflib_format: str
) -> None:
    response = requests.get(server.endpoint, headers={"Accept": accept}, timeout=30)
    assert response.headers["Content-Type"].startswith(accept)
    description = graph_of(response.content, rdflib_format)
    assert set(description.objects(None, SD.endpoint)) == {URIRef(server.endpoint)}


def test_a_browser_gets_html_from_the_endpoint(server: Server) -> None:
    response = requests.get(server.endpoint, headers={"Accept": BROWSER}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<html" in response.text.lower() and "<form" in response.text.lower()
