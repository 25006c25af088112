"""The same app runs against a remote SPARQL 1.1 store: here a real Oxigraph server."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import oxigraph_server

ROOT = Path(__file__).parents[1]
KG = [sys.executable, "-m", "kg.cli"]
STATES = (
    "PREFIX tp: <https://w3id.org/tpkg/ontology#> SELECT ?s WHERE { ?s a tp:State } ORDER BY ?s"
)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Query URL of an Oxigraph server on 127.0.0.1 with an empty store (union default graph)."""
    # the app expects the union of the named graphs as the default graph
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), "--union-default-graph") as url:
        yield url


def kg(store: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, "--store", store, *args], cwd=ROOT, capture_output=True, text=True)


def test_load_into_remote_store_then_query(oxigraph: str) -> None:
    assert kg(oxigraph, "load", "data/turtle/entities/states.ttl").returncode == 0
    result = kg(oxigraph, "query", STATES, "--format", "json")
    states = [b["s"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]]
    assert states == [f"https://w3id.org/tpkg/id/state/{c}" for c in ("KAZ", "KGZ", "TJK")]


def test_second_load_of_remote_store_skips_unchanged_files(oxigraph: str) -> None:
    kg(oxigraph, "load", "data/turtle/entities")
    assert "loaded 0 file(s)" in kg(oxigraph, "load", "data/turtle/entities").stdout


def test_guard_runs_before_the_remote_store(oxigraph: str) -> None:
    result = kg(oxigraph, "query", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert result.returncode != 0
    assert result.stderr.startswith("kg: error:") and "SERVICE" in result.stderr


def test_remote_graph_query_returns_turtle(oxigraph: str) -> None:
    kg(oxigraph, "load", "data/turtle/entities")
    result = kg(oxigraph, "query", "CONSTRUCT WHERE { ?s a ?c } LIMIT 3", "--format", "ntriples")
    assert result.returncode == 0 and len(result.stdout.strip().splitlines()) == 3
