"""Every `kg import` command follows one rule: into the store by default (one named graph per
imported file, with a PROV record naming the file and its SHA-256), Turtle with `-o FILE`,
idempotent, and a file that cannot be read changes nothing."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import stored_quads

ROOT = Path(__file__).parents[1]
RESEARCH = ROOT.parent / "shared" / "research" / "data"
DATA = ROOT / "data" / "turtle"
GRAPHS = "https://w3id.org/tpkg/graph/import/"
#: Each importer: its arguments (the first file is the imported one) and its graph's name.
IMPORTERS = {
    "upr": (["upr", ROOT / "tests/data/importers/upr-utf8-lf.csv"], "upr/upr-utf8-lf-csv"),
    "upr-report": (
        [
            "upr-report",
            RESEARCH / "un-reports/A-HRC-14-10_Kazakhstan_2010.txt",
            "--symbol",
            "A/HRC/14/10",
        ],
        "upr-report/a-hrc-14-10-kazakhstan-2010-txt",
    ),
    "upr-links": (
        ["upr-links", DATA / "upr/upr-info.ttl", *sorted((DATA / "un").glob("*.ttl"))],
        "upr-links/upr-info-ttl",
    ),
    "ratifications": (
        ["ratifications", RESEARCH / "wpdl_hr_status_opcat.csv"],
        "ratifications/wpdl-hr-status-opcat-csv",
    ),
    "uhri": (
        ["uhri", ROOT / "tests/data/uhri/uhri-new-spelling.csv"],
        "uhri/uhri-new-spelling-csv",
    ),
    "osce": (
        ["osce", RESEARCH / "osce-participating-states.csv"],
        "osce/osce-participating-states-csv",
    ),
}
Kg = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def store(store_dir: Path, tmp_path: Path) -> Path:
    """A copy of the loaded store, for one test to write into."""
    return Path(shutil.copytree(store_dir, tmp_path / "store"))


def run(kg: Kg, store: Path, *args: object) -> subprocess.CompletedProcess[str]:
    return kg("--store", str(store), "import", *map(str, args))


def graph_size(kg: Kg, store: Path, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    done = kg("--store", str(store), "query", query, "--format", "tsv")
    return int(done.stdout.splitlines()[1].split("^^")[0].strip('"'))


def recorded_sha(kg: Kg, store: Path, graph: str) -> str:
    query = f"SELECT ?sha WHERE {{ <{graph}> <https://w3id.org/tpkg/ontology#sha256> ?sha }}"
    done = kg("--store", str(store), "query", query, "--format", "csv")
    return done.stdout.splitlines()[1]


def file_digest(args: list[object]) -> str:
    """The SHA-256 of the imported files' bytes (of their digests, for several files)."""
    files = [Path(a) for a in args[1:] if isinstance(a, Path)]
    digests = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    joined = "\n".join(digests).encode()
    return digests[0] if len(digests) == 1 else hashlib.sha256(joined).hexdigest()


@pytest.mark.parametrize("name", IMPORTERS)
def test_import_goes_into_a_graph_of_its_own_with_its_record(
    kg: Kg, store: Path, name: str
) -> None:
    args, graph = IMPORTERS[name]
    done = run(kg, store, *args)
    assert done.returncode == 0, done.stderr
    triples = int(done.stderr.split("stored ")[1].split(" triples in graph " + GRAPHS + graph)[0])
    assert triples > 0 and graph_size(kg, store, GRAPHS + graph) == triples
    assert recorded_sha(kg, store, GRAPHS + graph) == file_digest(args)


@pytest.mark.parametrize("name", IMPORTERS)
def test_import_twice_changes_no_triple(kg: Kg, store: Path, name: str) -> None:
    args, graph = IMPORTERS[name]
    assert run(kg, store, *args).returncode == 0
    before = stored_quads(store)
    again = run(kg, store, *args)
    assert again.returncode == 0 and "unchanged" in again.stderr, again.stderr
    assert stored_quads(store) == before


@pytest.mark.parametrize("name", IMPORTERS)
def test_import_with_output_writes_turtle_and_not_the_store(
    kg, store: Path, tmp_path: Path, name: str
) -> None:
    args, graph = IMPORTERS[name]
    before = stored_quads(store)
    out = tmp_path / "out.ttl"
    done = run(kg, store, *args, "-o", out)
    assert done.returncode == 0 and f"wrote {out}" in done.stderr, done.stderr
    assert "@prefix" in out.read_text(encoding="utf-8") and stored_quads(store) == before


@pytest.mark.parametrize("name", IMPORTERS)
@pytest.mark.parametrize("bad", ["missing", "wrong-content"])
def test_unreadable_file_changes_nothing(
    kg, store: Path, tmp_path: Path, name: str, bad: str
) -> None:
    args, graph = IMPORTERS[name]
    before = stored_quads(store)
    broken = tmp_path / Path(args[1]).name
    if bad == "wrong-content":
        broken.write_text("iso2,member\nKZ,Kazakhstan\n", encoding="utf-8")
    done = run(kg, store, args[0], broken, *args[2:])
    assert done.returncode == 2 and done.stderr.startswith("kg: error:"), done.stderr
    assert len(done.stderr.splitlines()) == 1 and stored_quads(store) == before


def test_a_row_that_violates_a_shape_is_rejected_and_the_others_imported(
    kg: Kg, store: Path, tmp_path: Path
) -> None:
    fixture = ROOT / "tests/data/importers/upr-utf8-lf.csv"
    bad = tmp_path / fixture.name
    bad.write_text(fixture.read_text(encoding="utf-8").replace("Detention", "No such issue", 1))
    done = run(kg, store, "upr", bad)
    assert done.returncode == 0, done.stderr
    assert "rejected: row 2: fails validation" in done.stderr and "skos:Concept" in done.stderr
    assert "4 read, 4 selected, 3 imported, 1 rejected" in done.stderr
    stored = "\n".join(stored_quads(store))
    assert "no-such-issue" not in stored and "Ensure that the “independent”" not in stored


def test_same_file_with_other_options_is_imported_again(kg: Kg, store: Path) -> None:
    fixture = ROOT / "tests/data/importers/upr-utf8-lf.csv"
    assert run(kg, store, "upr", fixture, "--state", "Kazakhstan").returncode == 0
    done = run(kg, store, "upr", fixture)
    assert done.returncode == 0 and "stored" in done.stderr, done.stderr
    assert graph_size(kg, store, GRAPHS + IMPORTERS["upr"][1]) == int(
        done.stderr.split("stored ")[1].split()[0]
    )


#: Triples of a named graph missing from the kept union copy (the default graph), and triples
#: of the copy that no named graph states.
MISSING = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
STALE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"


@pytest.mark.parametrize("options", [["--state", "Kazakhstan"], []])
def test_reimport_keeps_the_union_copy_exact(kg: Kg, store: Path, options: list[str]) -> None:
    fixture = ROOT / "tests/data/importers/upr-utf8-lf.csv"
    first = ["--state", "Kazakhstan"] if not options else []
    assert run(kg, store, "upr", fixture, *first).returncode == 0
    assert run(kg, store, "upr", fixture, *options).returncode == 0
    for query in (MISSING, STALE):
        done = kg("--store", str(store), "query", query, "--format", "csv")
        assert done.stdout.splitlines()[1:] == ["0"], (query, done.stdout, done.stderr)
