"""The home page over HTTP: what the graph holds (by class, States, sources, last change),
the search box, the example queries by topic and the links to every other page."""

from __future__ import annotations

import re

import pytest
import requests
from conftest import ROOT, Server, ServerFactory
from markupsafe import escape

from kg.examples import by_topic, examples

JSON = {"Accept": "application/json"}
TOKENS = ROOT / "tests" / "data" / "web-home" / "tokens"
TEST_SHAPES = ROOT / "tests" / "data" / "contributions" / "shapes"
TOKEN = "web-home-test-token"
PAGES = ["/query", "/charts", "/ontology", "/shapes", "/contribute", "/sparql", "/search"]


def home(server: Server) -> str:
    response = requests.get(server.url + "/", timeout=60)
    assert response.status_code == 200
    return response.text


def select(server: Server, query: str) -> list[dict[str, dict[str, str]]]:
    answer = requests.get(server.endpoint, params={"query": query}, headers=JSON, timeout=30)
    rows: list[dict[str, dict[str, str]]] = answer.json()["results"]["bindings"]
    return rows


def contributor_server(server_factory: ServerFactory) -> Server:
    """A server of its own store that takes contributions (test shapes, one token)."""
    return server_factory(own_store=True, KG_TOKEN_FILE=str(TOKENS), KG_SHAPES=str(TEST_SHAPES))


def test_every_example_query_links_to_the_query_page(server: Server) -> None:
    page = home(server)
    found = examples(str(ROOT / "queries"))
    assert found
    for example in found:
        assert f'href="/query?example={example.name}">{escape(example.title)}</a>' in page


def test_examples_are_grouped_under_their_topics_in_order(server: Server) -> None:
    page = home(server)
    topics = list(by_topic(str(ROOT / "queries")))
    headings = re.findall(r'<h3 id="topic-\d+">([^<]+)</h3>', page)
    assert headings == [escape(t) for t in topics]


@pytest.mark.parametrize("path", PAGES)
def test_the_home_page_links_to_every_other_page(server: Server, path: str) -> None:
    assert f'href="{path}"' in home(server) or f'action="{path}"' in home(server)


def test_class_counts_are_the_graphs(server: Server) -> None:
    rows = select(
        server,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/tpkg/ontology#State> }",
    )
    count = rows[0]["n"]["value"]
    page = home(server)
    assert re.search(
        rf'href="/ontology#State">State</a></td><td class="num"><a [^>]*>{count}<', page
    )


def test_every_state_is_listed_with_a_link_to_its_page(server: Server) -> None:
    rows = select(server, "SELECT ?s WHERE { ?s a <https://w3id.org/tpkg/ontology#State> }")
    page = home(server)
    assert rows
    for row in rows:
        path = row["s"]["value"].replace("https://w3id.org/tpkg/", "/")
        assert f'href="{path}"' in page


def test_sources_show_their_dates(server: Server) -> None:
    rows = select(
        server,
        "SELECT ?doc ?d (COUNT(?fact) AS ?n) WHERE { ?doc <http://purl.org/dc/terms/date> ?d . "
        "?fact <http://purl.org/dc/terms/source> ?doc } GROUP BY ?doc ?d ORDER BY DESC(?n) LIMIT 1",
    )
    page = home(server)
    doc = rows[0]["doc"]["value"].replace("https://w3id.org/tpkg/", "/")
    assert re.search(rf'href="{doc}">[^<]+</a></td><td>{rows[0]["d"]["value"]}</td>', page)


def test_the_last_load_is_shown(server: Server) -> None:
    page = home(server)
    assert re.search(r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d+ source files\)</dd>", page)


def test_a_new_contribution_shows_as_the_last_change(server_factory: ServerFactory) -> None:
    target = contributor_server(server_factory)
    before = home(target)
    data = (ROOT / "tests" / "data" / "contributions" / "valid.ttl").read_bytes()
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
    answer = requests.post(target.url + "/contributions", data=data, headers=headers, timeout=60)
    assert answer.status_code in (200, 201), answer.text
    link = f'<a href="/contributions/{answer.json()["id"]}">'
    assert link not in before and link in home(target)


@pytest.mark.parametrize("limit", ["³", "٣", "1.5", "-1", "many"])
def test_a_search_limit_that_is_not_a_whole_number_is_a_400(server: Server, limit: str) -> None:
    # "³" and "٣" are digits to str.isdigit() but not to int(): they gave a 500.
    response = requests.get(
        server.url + "/search", params={"q": "torture", "limit": limit}, headers=JSON, timeout=30
    )
    assert response.status_code == 400
    assert "limit must be a whole number" in response.json()["error"]["message"]
