"""The default graph kept as the union of the named graphs (materialized on disk).

Every check compares what queries see with what the named graphs hold, on a real store on
disk, after loads, reloads, file removals, contributions, withdrawals and maintainer updates.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_kg

from kg.results import Term
from kg.store.embedded import EmbeddedStore

FILES = {
    "sources/a.ttl": "<urn:x:a> <urn:x:p> 1 , 2 . <urn:x:shared> <urn:x:p> 'both' .",
    "sources/b.ttl": "<urn:x:b> <urn:x:p> [ <urn:x:q> 'blank' ] . "
    "<urn:x:shared> <urn:x:p> 'both' .",
}
DEFAULT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?p), 'urn:x:')) }"
NAMED = (
    "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(STRSTARTS(STR(?p), 'urn:x:')) } }"
)


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def load(folder: Path) -> None:
    env = {"KG_STORE": str(folder / "store"), "KG_SOURCES": "sources"}
    result = run_kg("load", env=env, cwd=folder)
    assert result.returncode == 0, result.stderr


def rows(store: EmbeddedStore, text: str) -> list[tuple[str, ...]]:
    """Rows as sorted value tuples; blank nodes become ``_`` (labels differ per parse)."""
    result = store.query(text, row_limit=10_000).rows
    return sorted(tuple("_" if t.kind == "bnode" else t.value for t in row) for row in result)


def snapshot(folder: Path) -> EmbeddedStore:
    return EmbeddedStore.open(folder / "store", read_only=True)


def assert_default_is_union(folder: Path) -> None:
    store = snapshot(folder)
    assert store.materialized
    assert rows(store, DEFAULT) == rows(store, NAMED)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, FILES)
    load(tmp_path)
    return tmp_path


def test_a_load_keeps_the_union_as_the_default_graph(folder: Path) -> None:
    assert_default_is_union(folder)
    assert ("urn:x:a", "urn:x:p", "1") in rows(snapshot(folder), DEFAULT)


def test_a_triple_stated_in_two_files_counts_once(folder: Path) -> None:
    store = snapshot(folder)
    text = "SELECT (COUNT(*) AS ?n) WHERE { <urn:x:shared> ?p ?o }"
    assert rows(store, text) == [("1",)]
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { <urn:x:shared> ?p ?o } }"
    assert rows(store, named) == [("2",)]


def test_a_changed_file_replaces_its_triples_and_keeps_shared_ones(folder: Path) -> None:
    write(folder, {"sources/b.ttl": "<urn:x:b> <urn:x:p> 'new' ."})
    load(folder)
    assert_default_is_union(folder)
    seen = rows(snapshot(folder), DEFAULT)
    assert ("urn:x:b", "urn:x:p", "new") in seen
    assert not any(o == "blank" for _, _, o in seen)
    assert ("urn:x:shared", "urn:x:p", "both") in seen


def test_a_removed_file_leaves_the_default_graph(folder: Path) -> None:
    (folder / "sources" / "a.ttl").unlink()
    load(folder)
    assert_default_is_union(folder)
    seen = rows(snapshot(folder), DEFAULT)
    assert not any(s == "urn:x:a" for s, _, _ in seen)
    assert ("urn:x:shared", "urn:x:p", "both") in seen


def test_len_dump_and_graphs_show_only_the_named_graphs(folder: Path) -> None:
    store = snapshot(folder)
    named = int(rows(store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")[0][0])
    assert len(store) == named
    assert store.dump("nquads").decode().count("\n") == named
    assert all(not g.startswith("urn:x-tpkg:") for g in store.graphs())


def test_contributed_quads_are_seen_and_withdrawn_with_the_shared_one_kept(folder: Path) -> None:
    store = EmbeddedStore.open(folder / "store")
    p = Term("uri", "urn:x:p")
    added = [
        (Term("uri", "urn:x:c"), p, Term("literal", "contributed"), "urn:x:graph:c"),
        (Term("uri", "urn:x:shared"), p, Term("literal", "both"), "urn:x:graph:c"),
    ]
    store.add_quads(added)
    assert store.materialized
    assert ("urn:x:c", "urn:x:p", "contributed") in rows(store, DEFAULT)
    assert rows(store, DEFAULT) == rows(store, NAMED)
    store.drop_graph_and_add("urn:x:graph:c", [])
    seen = rows(store, DEFAULT)
    assert ("urn:x:c", "urn:x:p", "contributed") not in seen
    assert ("urn:x:shared", "urn:x:p", "both") in seen
    assert seen == rows(store, NAMED)
    store.close()


def test_a_maintainer_update_leaves_materialized_mode_and_stays_correct(folder: Path) -> None:
    store = EmbeddedStore.open(folder / "store")
    store.update("DELETE DATA { GRAPH <urn:x:nope> { <urn:x:a> <urn:x:p> 1 } }")
    assert not store.materialized
    store.update("INSERT DATA { <urn:x:d> <urn:x:p> 'default only' }")
    seen = rows(store, DEFAULT)
    assert ("urn:x:d", "urn:x:p", "default only") in seen
    assert ("urn:x:a", "urn:x:p", "1") in seen
    assert seen.count(("urn:x:shared", "urn:x:p", "both")) == 2  # query-time union is a bag
    store.close()
    load(folder)
    again = snapshot(folder)
    assert not again.materialized, "a default graph with its own triples is never overwritten"
    assert ("urn:x:d", "urn:x:p", "default only") in rows(again, DEFAULT)


def test_a_load_switches_a_store_in_union_mode_back(folder: Path) -> None:
    store = EmbeddedStore.open(folder / "store")
    store.update("DELETE DATA { GRAPH <urn:x:nope> { <urn:x:a> <urn:x:p> 1 } }")
    assert not store.materialized
    store.close()
    write(folder, {"sources/c.ttl": "<urn:x:c> <urn:x:p> 3 ."})
    load(folder)
    assert_default_is_union(folder)


def test_a_load_stopped_before_the_rebuild_leaves_correct_answers(folder: Path) -> None:
    """The state a crash leaves between a file's load and the rebuild: union mode, right rows."""
    store = EmbeddedStore.open(folder / "store")
    store.load_data(b"<urn:x:e> <urn:x:p> 'half-way' .", "turtle", "urn:x:graph:e")
    store.close()  # no materialize(): as if the process died here
    stopped = snapshot(folder)
    assert not stopped.materialized
    seen = rows(stopped, DEFAULT)
    assert ("urn:x:e", "urn:x:p", "half-way") in seen
    assert seen.count(("urn:x:a", "urn:x:p", "1")) == 1, "no stale copy beside the named graphs"
    load(folder)
    assert_default_is_union(folder)


STALE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
MISSING = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"


@pytest.mark.parametrize(
    "data",
    [
        b'<urn:x:i> <urn:x:p> "imported" .\n<urn:x:shared> <urn:x:p> "both" .\n',
        b'<urn:x:i> <urn:x:p> _:b1 .\n_:b1 <urn:x:q> "blank" .\n',
    ],
)
def test_an_import_written_twice_keeps_the_copy_exact(folder: Path, data: bytes) -> None:
    store = EmbeddedStore.open(folder / "store")
    for _ in range(2):
        store.import_graph(data, "ntriples", "urn:x:graph:i")
    assert store.materialized and rows(store, DEFAULT) == rows(store, NAMED)
    counts = [store.query(q, row_limit=1).rows[0][0] for q in (STALE, MISSING)]
    assert [c.value if c else None for c in counts] == ["0", "0"]
    store.close()
