"""The query page over HTTP against a live server: the no-JavaScript form's server-rendered
answers (table with labels and links, Turtle, errors with their status), the examples, the
downloads, the terms for autocompletion, and the budget."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
import requests
from conftest import ROOT, Server, ServerFactory
from rdflib import Graph
from test_budgets import ONE_AT_ONCE, as_client, assert_rate_limited, slow_query

from kg.examples import examples
from kg.namespaces import PREFIXES

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
STATES = """PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?state ?code WHERE { ?state a tp:State ; skos:notation ?code }
ORDER BY ?state LIMIT 5"""
#: A state's label: its rdfs:label or skos:prefLabel (the smallest, when it has several).
LABELS = """SELECT ?s (MIN(STR(?l)) AS ?l) WHERE { ?s a <https://w3id.org/tpkg/ontology#State> ;
  <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l
} GROUP BY ?s"""
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER isIRI(?s) } ORDER BY ?s ?c LIMIT 10"


class Page(HTMLParser):
    """What the tests read of the query page: the result table's cells (text, link), the
    links, and the text of the elements named in :data:`CAPTURED`."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.cells: list[list[tuple[str, str | None]]] = []
        self.ids: dict[str, str] = {}
        self.links: list[dict[str, str | None]] = []
        self._capture: tuple[str, str] | None = None
        self._in_cell = self._in_body = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.cells.append([])
        elif tag == "td":
            self.cells[-1].append(("", None))
            self._in_cell = True
        elif tag == "a":
            self.links.append(found)
            if self._in_cell:
                self.cells[-1][-1] = (self.cells[-1][-1][0], found.get("href"))
        if found.get("id") in CAPTURED:
            self._capture = (tag, str(found["id"]))
            self.ids[self._capture[1]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False
        if self._capture and self._capture[0] == tag:
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture:
            self.ids[self._capture[1]] += data
        if self._in_cell:
            self.cells[-1][-1] = (self.cells[-1][-1][0] + data, self.cells[-1][-1][1])


CAPTURED = {"status", "turtle", "query", "query-config"}


def page(server: Server, **params: str) -> tuple[requests.Response, Page]:
    answer = requests.get(server.url + "/query", params=params, headers=HTML, timeout=30)
    return answer, Page(answer.text)


def bindings(server: Server, query: str) -> list[dict[str, dict[str, str]]]:
    answer = requests.post(server.endpoint, data={"query": query}, timeout=30)
    answer.raise_for_status()
    found: list[dict[str, dict[str, str]]] = answer.json()["results"]["bindings"]
    return found


def test_the_form_query_returns_a_table_with_labels_and_local_links(server: Server) -> None:
    rows = bindings(server, STATES)
    labels = {b["s"]["value"]: b["l"]["value"] for b in bindings(server, LABELS)}
    answer, shown = page(server, query=STATES)
    assert answer.status_code == 200 and shown.ids["status"] == f"{len(rows)} rows"
    expected = [
        [
            (labels[b["state"]["value"]], "/id/" + b["state"]["value"].split("/id/")[1]),
            (b["code"]["value"], None),
        ]
        for b in rows
    ]
    assert rows and shown.cells == expected


def test_a_construct_in_the_form_shows_its_turtle(server: Server) -> None:
    turtle = requests.post(
        server.endpoint, data={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}, timeout=30
    )
    answer, shown = page(server, query=CONSTRUCT)
    assert answer.status_code == 200
    expected = set(Graph().parse(data=turtle.text, format="turtle"))
    assert len(expected) == 10
    assert set(Graph().parse(data=shown.ids["turtle"], format="turtle")) == expected


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("SELECT ?s WHERE { ?s ?p ", 400),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> {} }", 400),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", 403),
    ],
)
def test_a_failing_form_query_shows_the_servers_error_with_its_status(
    server: Server, query: str, status: int
) -> None:
    error = requests.post(server.endpoint, data={"query": query}, timeout=30).json()["error"]
    answer, shown = page(server, query=query)
    assert (answer.status_code, error["status"]) == (status, status)
    assert shown.ids["status"] == f"Error {status}: {error['message']}"
    assert "text/html" in answer.headers["Content-Type"]


def test_a_failing_query_gets_the_json_error_when_html_is_not_preferred(server: Server) -> None:
    answer = requests.get(server.url + "/query", params={"query": "SELECT {"}, timeout=30)
    assert answer.status_code == 400 and answer.json()["error"]["type"] == "syntax-error"


def test_an_ask_shows_its_answer(server: Server) -> None:
    _, shown = page(server, query="ASK { ?s a <https://w3id.org/tpkg/ontology#State> }")
    assert shown.ids["status"] == "Answer: true"


def test_every_example_is_listed_by_title_and_opens_in_the_editor(server: Server) -> None:
    _, shown = page(server)
    hrefs = {str(link.get("href")) for link in shown.links}
    listed = examples(str(ROOT / "queries"))
    assert listed and {f"/query?example={item.name}" for item in listed} <= hrefs
    first = listed[0]
    answer, opened = page(server, example=first.name)
    assert answer.status_code == 200 and opened.ids["query"] == first.text


def test_an_unknown_example_is_a_404(server: Server) -> None:
    answer, _ = page(server, example="no-such-example")
    assert answer.status_code == 404


@pytest.mark.parametrize(
    ("query", "formats"),
    [(STATES, ["json", "csv", "tsv"]), (CONSTRUCT, ["turtle", "ntriples", "jsonld"])],
)
def test_download_links_fetch_the_result_from_the_endpoint(
    server: Server, query: str, formats: list[str]
) -> None:
    _, shown = page(server, query=query)
    links = [
        str(link["href"]) for link in shown.links if str(link.get("href")).startswith("/sparql?")
    ]
    assert [link.rsplit("format=", 1)[1] for link in links] == formats
    for link in links:
        assert requests.get(server.url + link, timeout=30).status_code == 200


def test_a_browser_asking_sparql_without_a_query_gets_the_query_page(server: Server) -> None:
    answer = requests.get(server.endpoint, headers=HTML, timeout=30)
    assert answer.status_code == 200 and 'id="query-form"' in answer.text


def test_the_terms_are_our_classes_and_properties(server: Server) -> None:
    terms = requests.get(server.url + "/query/terms.json", timeout=30).json()
    classes = {t["iri"] for t in terms["classes"]}
    properties = {t["iri"] for t in terms["properties"]}
    assert PREFIXES["tp"] + "Recommendation" in classes
    assert {PREFIXES["tp"] + "addressee", PREFIXES["dct"] + "source"} <= properties
    assert not classes & {PREFIXES["tp"] + "addressee"}


def test_the_page_config_names_our_endpoint_and_prefixes(server: Server) -> None:
    _, shown = page(server)
    config = json.loads(shown.ids["query-config"])
    assert (config["endpoint"], config["prefixes"]) == ("/sparql", PREFIXES)


@pytest.fixture(scope="module")
def one_at_once(server_factory: ServerFactory) -> Server:
    return server_factory(**ONE_AT_ONCE)


def test_a_form_query_counts_against_the_clients_budget(one_at_once: Server) -> None:
    with slow_query(one_at_once, "198.51.100.9"):
        answer = requests.get(
            one_at_once.url + "/query",
            params={"query": "ASK {}"},
            headers=as_client("198.51.100.9"),
            timeout=30,
        )
        assert_rate_limited(answer)


def test_ontology_terms_and_graphs_in_the_table_link_to_their_pages(server: Server) -> None:
    query = (
        "SELECT ?t ?g WHERE { VALUES ?t { <https://w3id.org/tpkg/ontology#Recommendation> } "
        "GRAPH ?g { ?t a ?c } } ORDER BY ?g LIMIT 1"
    )
    answer, shown = page(server, query=query)
    assert answer.status_code == 200
    (term, graph), *_ = shown.cells
    assert term[1] == "/ontology#Recommendation"
    assert graph[1] is not None and graph[1].startswith("/graph/")
