"""Search over labels and texts: :func:`kg.search.search` on the loaded store, and
``/search`` (HTML and JSON) on the live server."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import requests
from conftest import Server

from kg.errors import BadRequest
from kg.results import Term
from kg.search import MAX_LIMIT, MAX_TEXT, Hit, Row, query_text, search, words
from kg.store import EmbeddedStore
from kg.web.budget import budgeted

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
CAT_LABEL = "SELECT ?label WHERE { <https://w3id.org/tpkg/id/organization/CAT> ?p ?label }"


class Recorder:
    """Runs each SELECT on a real store, keeping the texts and bound values it was given."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.texts: list[str] = []

    def __call__(self, text: str, terms: Mapping[str, Term]) -> list[Row]:
        self.texts.append(text)
        result = self.store.query(text, row_limit=1000, substitutions=terms)
        names = result.variables
        return [
            {n: {"value": t.value} for n, t in zip(names, row, strict=True) if t is not None}
            for row in result.rows
        ]


@pytest.fixture(scope="module")
def run(store_dir: Path) -> Iterator[Recorder]:
    yield Recorder(EmbeddedStore.open(store_dir, read_only=True))


def labels_of(server: Server, iri: str) -> list[str]:
    query = f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    answer = requests.get(server.endpoint, params={"query": query}, headers=JSON, timeout=30)
    return [b["l"]["value"] for b in answer.json()["results"]["bindings"]]


def count_containing(server: Server, word: str) -> int:
    query = (
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label>"
        f' ?l FILTER(isIRI(?s) && CONTAINS(LCASE(STR(?l)), "{word}")) }}'
    )
    answer = requests.get(server.endpoint, params={"query": query}, headers=JSON, timeout=30)
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_a_label_finds_its_resource_first(run: Recorder) -> None:
    hits = search(run, "Committee against Torture")
    assert hits[0].iri == "https://w3id.org/tpkg/id/organization/CAT"
    assert hits[0].label == "Committee against Torture"


@pytest.mark.parametrize("text", ["COMMITTEE AGAINST torture", "torture committee against"])
def test_case_and_word_order_do_not_matter(run: Recorder, text: str) -> None:
    iris = [hit.iri for hit in search(run, text)]
    assert "https://w3id.org/tpkg/id/organization/CAT" in iris


def test_the_whole_phrase_ranks_before_the_words_apart(run: Recorder) -> None:
    hits = search(run, "statute of limitations", limit=MAX_LIMIT)
    together = ["statute of limitations" in h.snippet.lower() for h in hits]
    assert together[0] and together == sorted(together, reverse=True)


def test_quoted_passages_are_searched(run: Recorder) -> None:
    hits = search(run, "excluded those charged or convicted", limit=MAX_LIMIT)
    assert any(h.property == "http://www.w3.org/ns/oa#exact" for h in hits)


@pytest.mark.parametrize(
    "attack",
    [
        'zzqx" } UNION { ?s ?p ?o } #',
        "zzqx') || true || ('",
        'zzqx\\" ) ) } UNION { ?s ?p ?o } # \\u0022',
        'zzqx"""} LIMIT 1000',
    ],
)
def test_quotes_and_braces_in_the_text_cannot_change_the_query(run: Recorder, attack: str) -> None:
    assert search(run, attack, limit=5) == []
    assert run.texts[-1] == query_text(len(words(attack)), 5 * 8)


def test_the_search_text_is_bound_not_written_into_the_query(run: Recorder) -> None:
    search(run, 'Kazakhstan "amnesty"')
    assert "Kazakhstan" not in run.texts[-1] and "amnesty" not in run.texts[-1]


def test_the_limit_caps_the_hits(run: Recorder) -> None:
    hits = search(run, "torture", limit=3)
    assert len(hits) == 3 and len({h.iri for h in hits}) == 3


@pytest.mark.parametrize(
    ("text", "limit"), [("", 5), ("   ", 5), ("x" * (MAX_TEXT + 1), 5), ("x", 0), ("x", 51)]
)
def test_out_of_bounds_requests_are_refused(run: Recorder, text: str, limit: int) -> None:
    with pytest.raises(BadRequest):
        search(run, text, limit)


def test_a_hit_has_its_type_and_label(run: Recorder) -> None:
    hit = search(run, "Kazakhstan", limit=MAX_LIMIT)
    state = [h for h in hit if h.iri == "https://w3id.org/tpkg/id/state/KAZ"]
    assert state == [
        Hit(
            iri="https://w3id.org/tpkg/id/state/KAZ",
            label="Kazakhstan",
            type="https://w3id.org/tpkg/ontology#State",
            type_label=state[0].type_label,
            property="http://www.w3.org/2000/01/rdf-schema#label",
            snippet="Kazakhstan",
        )
    ]


def test_json_search_answers_hits_with_their_pages(server: Server) -> None:
    label = labels_of(server, "https://w3id.org/tpkg/id/state/KAZ")[0]
    answer = requests.get(server.url + "/search", params={"q": label}, headers=JSON, timeout=30)
    assert answer.status_code == 200 and answer.json()["q"] == label
    pages = [hit["page"] for hit in answer.json()["hits"]]
    assert "/id/state/KAZ" in pages


def test_the_limit_parameter_caps_json_hits(server: Server) -> None:
    assert count_containing(server, "torture") > 4
    params = {"q": "torture", "limit": "4"}
    answer = requests.get(server.url + "/search", params=params, headers=JSON, timeout=30)
    assert len(answer.json()["hits"]) == 4


@pytest.mark.parametrize(
    "params",
    [{"q": ""}, {"q": "x" * (MAX_TEXT + 1)}, {"q": "x", "limit": "0"}, {"q": "x", "limit": "ten"}],
)
def test_bad_search_requests_get_the_one_error_shape(
    server: Server, params: dict[str, str]
) -> None:
    answer = requests.get(server.url + "/search", params=params, headers=JSON, timeout=30)
    assert answer.status_code == 400
    assert set(answer.json()["error"]) == {"status", "type", "message"}


def test_the_search_page_lists_hits_as_links(server: Server) -> None:
    label = labels_of(server, "https://w3id.org/tpkg/id/state/TJK")[0]
    page = requests.get(server.url + "/search", params={"q": label}, headers=BROWSER, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html")
    assert f'<a href="/id/state/TJK">{label}</a>' in page.text


def test_the_empty_search_page_is_a_form(server: Server) -> None:
    page = requests.get(server.url + "/search", headers=BROWSER, timeout=30)
    assert page.status_code == 200 and 'name="q"' in page.text and 'id="hits"' not in page.text


def test_a_quote_in_the_search_page_is_escaped(server: Server) -> None:
    text = '"><script>alert(1)</script>'
    page = requests.get(server.url + "/search", params={"q": text}, headers=BROWSER, timeout=30)
    assert page.status_code == 200 and "<script>alert(1)" not in page.text


@pytest.mark.parametrize(("method", "path"), [("GET", "/search"), ("POST", "/contribute")])
def test_search_and_the_contribute_form_count_against_the_client_budget(
    method: str, path: str
) -> None:
    assert budgeted(method, path)
