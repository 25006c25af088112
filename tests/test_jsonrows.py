"""SELECT answers written straight from engine terms equal the general serializer's, byte
for byte: on crafted terms and on every example query over the bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from kg.query.guard import inspect
from kg.serializers import serialize
from kg.store.embedded import EmbeddedStore

DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "plain" , "tab\\tquote\\"back\\\\slash\\u0001" , "ünïcødé ✓"@de-CH , 42 , 1.5 ,
    "2015-09-21"^^xsd:date , "true"^^xsd:boolean , [ ex:q "blank" ] , ex:b .
ex:c ex:says <<( ex:a ex:p ex:b )>> .
"""

QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "SELECT ?o ?missing WHERE { <http://example.org/a> ?p ?o OPTIONAL { ?o ?x ?missing } }",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 0",
    "SELECT ?t WHERE { ?x <http://example.org/says> ?t }",
    "SELECT ?l (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY (LANG(?o) AS ?l) ORDER BY ?l",
]


def both(store: EmbeddedStore, text: str, row_limit: int = 10_000) -> tuple[bytes, bytes]:
    general = store.query(text, row_limit=row_limit)
    direct = store.query(text, row_limit=row_limit, write="json")
    assert direct.written is not None
    assert (direct.size, direct.truncated) == (general.size, general.truncated)
    return serialize(direct, "json"), serialize(general, "json")


@pytest.fixture(scope="module")
def crafted() -> EmbeddedStore:
    store = EmbeddedStore.memory()
    store.load_data(DATA.encode(), "turtle", "http://example.org/g")
    return store


@pytest.mark.parametrize("text", QUERIES)
def test_crafted_terms_are_written_alike(crafted: EmbeddedStore, text: str) -> None:
    direct, general = both(crafted, text)
    assert direct == general


def test_the_row_cap_truncates_alike(crafted: EmbeddedStore) -> None:
    direct, general = both(crafted, QUERIES[0], row_limit=3)
    assert direct == general
    assert direct.count(b'"s":') == 3


def test_other_forms_and_formats_take_the_general_path(crafted: EmbeddedStore) -> None:
    assert crafted.query("ASK { ?s ?p ?o }", row_limit=10, write="json").written is None
    assert crafted.query(QUERIES[0], row_limit=10, write="xml").written is None


SELECT_EXAMPLES = [
    path
    for path in sorted((ROOT / "queries").glob("*.rq"))
    if inspect(path.read_text(encoding="utf-8")).form == "select"
]


def test_most_example_queries_are_selects() -> None:
    assert len(SELECT_EXAMPLES) >= 20


@pytest.mark.parametrize("path", SELECT_EXAMPLES, ids=lambda p: p.stem)
def test_example_queries_are_written_alike(store_dir: Path, path: Path) -> None:
    store = EmbeddedStore.open(store_dir, read_only=True)
    direct, general = both(store, path.read_text(encoding="utf-8"))
    assert direct == general
