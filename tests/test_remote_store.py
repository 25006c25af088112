"""The same app runs against a remote SPARQL 1.1 store: here a real Oxigraph server."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
KG = [sys.executable, "-m", "kg.cli"]
STATES = (
    "PREFIX tp: <https://w3id.org/tpkg/ontology#> SELECT ?s WHERE { ?s a tp:State } ORDER BY ?s"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Query URL of an Oxigraph server on 127.0.0.1 with an empty store (union default graph)."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        binary = Path(shutil.which("oxigraph") or "oxigraph")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    command = [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    command.append("--union-default-graph")  # the app expects the union as default graph
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


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
