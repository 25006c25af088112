"""`kg import upr` and `kg import upr-report` write into the store by default: one named graph
per imported file with a PROV record; a second import of the same file changes no triple; a
file that cannot be read changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import stored_quads
from rdflib import Graph

ROOT = Path(__file__).parents[1]
RESEARCH = ROOT.parent / "shared" / "research" / "data"
EXPORT = RESEARCH / "upr-info_recommendations_KZ_KG_TJ_sessions7-20.csv"
REPORT = RESEARCH / "un-reports" / "A-HRC-14-10_Kazakhstan_2010.txt"
KG = [sys.executable, "-m", "kg.cli"]
#: The triples of the bundled file, which is this export's import.
BUNDLED = len(Graph().parse(ROOT / "data" / "turtle" / "upr" / "upr-info.ttl"))
UPR_GRAPH = (
    "https://w3id.org/tpkg/graph/import/upr/upr-info-recommendations-kz-kg-tj-sessions7-20-csv"
)


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], cwd=ROOT, capture_output=True, text=True)


def test_import_into_the_store_twice_changes_no_triple(tmp_path: Path) -> None:
    assert EXPORT.is_file() and REPORT.is_file()
    store = tmp_path / "store"
    first = kg("--store", str(store), "import", "upr", str(EXPORT))
    assert first.returncode == 0, first.stderr
    assert f"stored {BUNDLED} triples in graph {UPR_GRAPH}" in first.stderr
    report = kg(
        "--store", str(store), "import", "upr-report", str(REPORT), "--symbol", "A/HRC/14/10"
    )
    assert report.returncode == 0, report.stderr
    before = stored_quads(store)
    assert sum(1 for q in before if q.startswith(f"<{UPR_GRAPH}>")) == BUNDLED
    again = kg("--store", str(store), "import", "upr", str(EXPORT))
    assert again.returncode == 0 and "unchanged" in again.stderr
    assert stored_quads(store) == before


def test_import_record_names_file_hash_version_and_time(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kg("--store", str(store), "import", "upr", str(EXPORT)).returncode == 0
    query = (
        "PREFIX tp: <https://w3id.org/tpkg/ontology#> PREFIX dct: <http://purl.org/dc/terms/> "
        "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?file ?sha ?version ?n WHERE { "
        f"<{UPR_GRAPH}> dct:source ?file ; tp:sha256 ?sha ; tp:importerVersion ?version ; "
        "tp:tripleCount ?n ; prov:generatedAtTime ?at }"
    )
    result = kg("--store", str(store), "query", query, "--format", "csv")
    assert result.returncode == 0, result.stderr
    row = result.stdout.splitlines()[1].split(",")
    assert row[0] == EXPORT.name
    assert row[1] == "8318db9c677067d8b0c05637a4c03159d0091e46b382321f278f15ebef11d094"
    assert row[2].startswith("kg import upr (kg ") and row[3] == str(BUNDLED)


def test_unreadable_file_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert kg("--store", str(store), "import", "upr", str(EXPORT)).returncode == 0
    before = stored_quads(store)
    bad = tmp_path / "bad.csv"
    bad.write_text("iso2,member\nKZ,Kazakhstan\n", encoding="utf-8")
    for path in (bad, tmp_path / "missing.csv"):
        result = kg("--store", str(store), "import", "upr", str(path))
        assert result.returncode == 2
        assert result.stderr.startswith("kg: error:") and len(result.stderr.splitlines()) == 1
    assert stored_quads(store) == before
