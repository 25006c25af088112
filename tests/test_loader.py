"""`kg load`: one named graph per file, unchanged files skipped, removed files pruned.

Each test works in its own folder with its own store; `kg load` runs there as a subprocess,
so source labels (and graph IRIs) are relative to that folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, SOURCES, run_kg
from rdflib import Graph

from kg.namespaces import LOADS_GRAPH_NAME, graph_iri, graph_iri_for_path
from kg.store.embedded import EmbeddedStore

FILES = {
    "sources/a.ttl": "<urn:x:a> <urn:x:p> 1 , 2 .",
    "sources/sub/b.ttl": "<urn:x:b> <urn:x:p> 'b' .",
    "sources/c.nt": "<urn:x:c> <urn:x:p> <urn:x:o> .\n",
}
LOADS = graph_iri(LOADS_GRAPH_NAME)


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def load(folder: Path, *args: str):
    """``kg load`` with the store in ``folder/store`` and ``sources`` as the default source."""
    env = {"KG_STORE": str(folder / "store"), "KG_SOURCES": "sources"}
    return run_kg("load", *args, env=env, cwd=folder)


def graphs(folder: Path) -> dict[str, int]:
    """Named graph -> triple count, loads record excluded."""
    store = EmbeddedStore.open(folder / "store", read_only=True)
    try:
        text = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        rows = store.query(text, row_limit=10_000).rows
        return {g.value: int(n.value) for g, n in rows if g.value != LOADS}
    finally:
        store.close()


def summary(output: str) -> tuple[int, int]:
    found = re.search(r"loaded (\d+) file\(s\), (\d+) unchanged", output)
    assert found, output
    return int(found[1]), int(found[2])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write(tmp_path, FILES)
    assert load(tmp_path).returncode == 0
    return tmp_path


def test_each_file_becomes_one_named_graph(folder: Path) -> None:
    expected = {graph_iri_for_path(name): len(Graph().parse(folder / name)) for name in FILES}
    assert graphs(folder) == expected


def test_the_bundled_sources_load_one_graph_per_file(tmp_path: Path) -> None:
    files = [p for s in SOURCES for p in (ROOT / s).rglob("*") if p.suffix in (".ttl", ".nt")]
    assert files
    done = run_kg("--store", str(tmp_path / "store"), "load", *SOURCES)
    assert done.returncode == 0, done.stderr
    expected = {graph_iri_for_path(p.relative_to(ROOT).as_posix()) for p in files}
    assert set(graphs(tmp_path)) == expected


def test_a_second_run_reloads_nothing(folder: Path) -> None:
    done = load(folder)
    assert done.returncode == 0
    assert summary(done.stdout) == (0, len(FILES))


def test_changing_one_file_reloads_only_that_one(folder: Path) -> None:
    write(folder, {"sources/a.ttl": "<urn:x:a> <urn:x:p> 3 ."})
    before = graphs(folder)
    assert summary(load(folder).stdout) == (1, len(FILES) - 1)
    changed = graph_iri_for_path("sources/a.ttl")
    assert graphs(folder) == {**before, changed: 1}


def test_deleting_a_file_removes_its_graph(folder: Path) -> None:
    (folder / "sources/sub/b.ttl").unlink()
    done = load(folder)
    assert done.returncode == 0 and "removed 1" in done.stdout
    assert graph_iri_for_path("sources/sub/b.ttl") not in graphs(folder)
    assert len(graphs(folder)) == len(FILES) - 1


def test_force_reloads_every_file(folder: Path) -> None:
    assert summary(load(folder, "--force").stdout) == (len(FILES), 0)


def test_a_malformed_file_fails_in_one_line_and_keeps_the_loaded_graphs(folder: Path) -> None:
    before = graphs(folder)
    write(folder, {"sources/sub/b.ttl": "<urn:x:b> <urn:x:p> 'unterminated ."})
    done = load(folder)
    assert done.returncode != 0
    assert done.stderr.startswith("kg: error:") and "b.ttl" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert graphs(folder) == before


def test_a_malformed_new_file_leaves_earlier_files_of_the_same_run_loaded(tmp_path: Path) -> None:
    write(tmp_path, {"sources/a.ttl": FILES["sources/a.ttl"], "sources/z.ttl": "<urn:x:z> ."})
    done = load(tmp_path)
    assert done.returncode != 0 and "z.ttl" in done.stderr
    assert graphs(tmp_path) == {graph_iri_for_path("sources/a.ttl"): 2}


def test_an_explicit_path_loads_only_that_file_and_prunes_nothing(folder: Path) -> None:
    (folder / "sources/c.nt").unlink()
    write(folder, {"other/d.ttl": "<urn:x:d> <urn:x:p> 4 ."})
    assert load(folder, "other/d.ttl").returncode == 0
    assert set(graphs(folder)) == {graph_iri_for_path(n) for n in [*FILES, "other/d.ttl"]}


def test_each_load_is_recorded_with_its_source_and_hash(folder: Path) -> None:
    store = EmbeddedStore.open(folder / "store", read_only=True)
    try:
        text = "SELECT ?g ?src { GRAPH ?r { ?g <http://purl.org/dc/terms/source> ?src } }"
        rows = store.query(text, row_limit=100).rows
    finally:
        store.close()
    assert {(g.value, src.value) for g, src in rows} == {(graph_iri_for_path(n), n) for n in FILES}
