"""Resource pages for reading: label as title, properties by label with prefixed names,
labelled links, literals with language and datatype, evidence, claims, shape checks."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from bs4 import BeautifulSoup
from conftest import Server, ServerFactory

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PREFIXES = """PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX schema: <https://schema.org/>
"""
BASE = "https://w3id.org/tpkg"
REC = "recommendation/hdim2015-ws8-r1-3"
DISPUTED = "treaty-participation/KAZ-ICCPR-OP1"
STATEMENT = "document/hdim2015-ws8-statement"
PARAGRAPH = "document-part/A-HRC-14-10-para-95.102"
WEAK_DOCUMENT = "https://w3id.org/tpkg/id/document/upr-wg-report-KGZ-session-8"


def rows(server: Server, query: str) -> list[dict[str, Any]]:
    """The bindings of ``query`` (prefixes added) as plain values."""
    answer = requests.get(server.endpoint, params={"query": PREFIXES + query}, timeout=30)
    answer.raise_for_status()
    bindings = answer.json()["results"]["bindings"]
    return [{k: v["value"] for k, v in b.items()} for b in bindings]


def page(server: Server, path: str) -> BeautifulSoup:
    response = requests.get(server.url + path, headers=BROWSER, timeout=60)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def words(element: Any) -> str:
    return " ".join(element.get_text(" ").split())


def test_the_title_is_the_label_and_the_type_is_shown(server: Server) -> None:
    soup = page(server, f"/id/{REC}")
    expected = rows(
        server, f"SELECT ?l ?t {{ <{BASE}/id/{REC}> rdfs:label ?l ; a/rdfs:label ?t }}"
    )[0]
    assert words(soup.h1) == expected["l"]
    assert expected["t"] in words(soup.select_one(".types"))


def test_properties_are_shown_by_label_with_prefixed_names(server: Server) -> None:
    soup = page(server, f"/id/{REC}")
    label = rows(server, "SELECT ?l { tp:addressee rdfs:label ?l }")[0]["l"]
    assert f"{label} tp:addressee" in [words(dt) for dt in soup.select("#outgoing dt")]


def test_values_are_links_by_label(server: Server) -> None:
    soup = page(server, f"/id/{REC}")
    expected = rows(
        server, f"SELECT ?s ?l {{ <{BASE}/id/{REC}> tp:addressee ?s . ?s rdfs:label ?l }}"
    )
    links = {(a["href"], words(a)) for a in soup.select("#outgoing dd a")}
    assert expected and all((r["s"][len(BASE) :], r["l"]) in links for r in expected)


def test_literals_show_their_language_and_datatype(server: Server) -> None:
    soup = page(server, f"/id/{STATEMENT}")
    values = [words(dd) for dd in soup.select("#outgoing dd")]
    date = rows(server, f"SELECT ?d {{ <{BASE}/id/{STATEMENT}> dct:date ?d }}")
    assert f"{date[0]['d']} xsd:date" in values
    assert any(v.endswith(" en") for v in values)


def test_a_fact_and_its_annotation_show_the_quoted_passage_and_source(server: Server) -> None:
    expected = rows(
        server,
        f"""SELECT ?a ?exact ?title ?date {{ ?a oa:hasBody <{BASE}/id/{REC}> ; oa:hasTarget ?t .
        ?t oa:hasSource ?doc ; oa:hasSelector/oa:exact ?exact .
        ?doc dct:title ?title ; dct:date ?date }}""",
    )[0]
    for path in (f"/id/{REC}", expected["a"][len(BASE) :]):
        passage = page(server, path).select_one("#evidence figure.passage")
        assert words(passage.select_one("mark")) == " ".join(expected["exact"].split())
        assert expected["title"] in words(passage.figcaption)
        assert expected["date"] in words(passage.figcaption)


def test_a_report_paragraph_is_quoted_from_its_report(server: Server) -> None:
    expected = rows(
        server,
        f"""SELECT ?text ?symbol {{ <{BASE}/id/{PARAGRAPH}> schema:text ?text ;
        dct:isPartOf/dct:identifier ?symbol }}""",
    )[0]
    passage = page(server, f"/id/{PARAGRAPH}").select_one("#evidence figure.passage")
    assert words(passage.select_one("mark")) == " ".join(expected["text"].split())
    assert expected["symbol"] in words(passage.figcaption)


def test_claims_that_disagree_are_side_by_side_with_their_sources(server: Server) -> None:
    expected = rows(
        server,
        f"""SELECT ?o ?symbol {{ ?c a tp:Claim ; rdf:subject <{BASE}/id/{DISPUTED}> ;
        rdf:object ?o ; dct:source/dct:identifier ?symbol }}""",
    )
    soup = page(server, f"/id/{DISPUTED}")
    claims = soup.select("#claims .side-by-side .claim")
    assert len({r["o"] for r in expected}) == 2 and soup.select_one("#claims .disagree")
    shown = {(words(c.select_one(".claim-value")), words(c.select_one(".symbol"))) for c in claims}
    assert shown == {(f"{r['o']} xsd:date", r["symbol"]) for r in expected}


def expected_check_messages(server: Server, iri: str) -> set[str]:
    """What /validate says about ``iri``'s own description, in the store's context."""
    turtle = requests.get(
        server.endpoint,
        params={"query": f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}"},
        headers={"Accept": "text/turtle"},
        timeout=30,
    ).content
    report = requests.post(
        server.url + "/validate",
        data=turtle,
        headers={"Content-Type": "text/turtle", "Accept": "application/json"},
        timeout=60,
    ).json()
    return {r["message"] for r in report["results"] if r["focus"] == iri}


def test_a_page_lists_the_shape_warnings_that_apply(server_factory: ServerFactory) -> None:
    server = server_factory(KG_PAGE_CHECK_SECONDS="60")
    expected = expected_check_messages(server, WEAK_DOCUMENT)
    soup = page(server, WEAK_DOCUMENT[len(BASE) :])
    listed = [words(li) for li in soup.select("#checks li")]
    assert expected and len(listed) == len(expected)
    assert all(any(message in item for item in listed) for message in expected)


def test_pages_can_go_without_shape_checks(server_factory: ServerFactory) -> None:
    server = server_factory(KG_PAGE_CHECK_SECONDS="0")
    soup = page(server, WEAK_DOCUMENT[len(BASE) :])
    assert not soup.select("#checks li") and "not run" in words(soup.select_one("#checks"))


@pytest.mark.parametrize(
    ("path", "nearest"),
    [("/id/state/KAZZ", "/id/state/KAZ"), ("/id/stat/KAZ", "/id/state/KAZ")],
)
def test_a_browser_gets_a_404_page_with_a_search_and_the_nearest_iris(
    server: Server, path: str, nearest: str
) -> None:
    response = requests.get(server.url + path, headers=BROWSER, timeout=60)
    soup = BeautifulSoup(response.text, "html.parser")
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("text/html")
    assert soup.select_one("#search-link")["href"] == "/search?q=" + path.rsplit("/", 1)[1]
    assert nearest in [a["href"] for a in soup.select("#nearest a")]


def test_an_unknown_page_is_an_html_404_for_browsers_and_json_for_others(server: Server) -> None:
    html = requests.get(server.url + "/no/such-page", headers=BROWSER, timeout=30)
    data = requests.get(server.url + "/no/such-page", timeout=30)
    assert html.status_code == data.status_code == 404
    assert (
        BeautifulSoup(html.text, "html.parser")
        .select_one("#search-link")["href"]
        .endswith("q=such%20page")
    )
    assert data.json()["error"]["type"] == "not-found"


def test_checks_that_outlast_the_wait_finish_in_the_background(
    server_factory: ServerFactory,
) -> None:
    server = server_factory(KG_PAGE_CHECK_SECONDS="0.01")
    path = WEAK_DOCUMENT[len(BASE) :]
    assert "still running" in words(page(server, path).select_one("#checks"))
    deadline = time.monotonic() + 60
    while not page(server, path).select("#checks li") and time.monotonic() < deadline:
        time.sleep(0.5)
    listed = [words(li) for li in page(server, path).select("#checks li")]
    assert len(listed) == len(expected_check_messages(server, WEAK_DOCUMENT)) > 0
