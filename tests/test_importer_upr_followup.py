"""Follow-up across UPR cycles: the bundled links are the linker's output from the bundled UPR
Info rows; a pair is linked only above the threshold and with a shared theme, near misses and
theme mismatches are listed; the hand-checked sample gives the precision the README states;
`kg import upr-followup` writes into the store (idempotent) or with -o a file, and an
unreadable input changes nothing."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import stored_quads
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from kg.importers.upr_followup import NEAR, THRESHOLD, link_repeats, score

ROOT = Path(__file__).parents[1]
UPR = ROOT / "data" / "turtle" / "upr"
SHIPPED = UPR / "upr-followup-KAZ.ttl"
SAMPLE = ROOT / "tests" / "data" / "followup-sample.tsv"
TP = Namespace("https://w3id.org/tpkg/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
ID = "https://w3id.org/tpkg/id/"
KG = [sys.executable, "-m", "kg.cli"]
SOURCE = UPR / "upr-info.ttl"
ARGS = ["import", "upr-followup", str(SOURCE), "--state", "KAZ"]
ARGS += ["--earlier", "7", "--later", "20"]
GRAPH = "https://w3id.org/tpkg/graph/import/upr-followup/kaz-7-20/upr-info-ttl"


def kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KG, *args], cwd=ROOT, capture_output=True, text=True)


def sample() -> list[list[str]]:
    lines = SAMPLE.read_text("utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def tiny(rows: list[tuple[int, str, str]]) -> Graph:
    """UPR rows to Kazakhstan: (session, text, subject key) each."""
    graph = Graph()
    for i, (session, text, subject) in enumerate(rows):
        rec = URIRef(f"{ID}recommendation/upr-{i}")
        graph.add((rec, RDF.type, TP.Recommendation))
        graph.add((rec, TP.addressee, URIRef(ID + "state/KAZ")))
        graph.add((rec, TP.uprSession, Literal(session)))
        graph.add((rec, SCHEMA.text, Literal(text)))
        if subject:
            graph.add((rec, DCT.subject, URIRef(f"{ID}theme/{subject}")))
    return graph


def rec(i: int) -> URIRef:
    return URIRef(f"{ID}recommendation/upr-{i}")


def test_shipped_links_are_the_linker_output_from_the_shipped_rows() -> None:
    result = link_repeats(Graph().parse(UPR / "upr-info.ttl"), "KAZ", 7, 20)
    assert set(result.graph) == set(Graph().parse(SHIPPED))
    assert (result.later, result.links, result.skipped) == (198, 65, [])


@pytest.mark.parametrize(
    ("later", "linked"),
    [
        ("Ratify CRPD", True),
        ("Consider ratifying the Convention on the Rights of Persons with Disabilities", True),
        ("Ratify the Rome Statute", False),
    ],
)
def test_a_pair_is_linked_only_at_or_above_the_threshold(later: str, linked: bool) -> None:
    earlier = "To ratify the Convention on the Rights of Persons with Disabilities;"
    result = link_repeats(tiny([(7, earlier, "crpd"), (20, later, "crpd")]), "KAZ", 7, 20)
    assert ((rec(1), TP.repeats, rec(0)) in result.graph) is linked
    assert (score(later, earlier) >= THRESHOLD) is linked


def test_the_threshold_is_inclusive_and_kept_on_the_link() -> None:
    rows = tiny(
        [(7, "Abolish the death penalty now", "dp"), (20, "Abolish the death penalty", "dp")]
    )
    value = score("Abolish the death penalty", "Abolish the death penalty now")
    assert link_repeats(rows, "KAZ", 7, 20, threshold=value).links == 1
    assert link_repeats(rows, "KAZ", 7, 20, threshold=value + 0.1).links == 0
    graph = link_repeats(rows, "KAZ", 7, 20, threshold=value).graph
    assert [float(t) for t in graph.objects(None, TP.matchThreshold)] == [value]


def test_similar_texts_without_a_shared_theme_are_listed_not_linked() -> None:
    rows = tiny([(7, "Abolish the death penalty", "dp"), (20, "Abolish the death penalty", "npm")])
    result = link_repeats(rows, "KAZ", 7, 20)
    assert result.links == 0 and (rec(1), TP.repeats, rec(0)) not in result.graph
    assert [(x.later, x.earlier, x.reason) for x in result.listed] == [
        (str(rec(1)), str(rec(0)), "no shared theme")
    ]


def test_pairs_just_under_the_threshold_are_listed_as_near_misses() -> None:
    result = link_repeats(Graph().parse(UPR / "upr-info.ttl"), "KAZ", 7, 20)
    near = [x for x in result.listed if x.reason == "near the threshold"]
    assert len(near) == 22
    assert all(THRESHOLD - NEAR <= x.score < THRESHOLD for x in near)


def test_rows_without_text_or_theme_are_skipped_and_the_rest_linked() -> None:
    rows = [(7, "", "dp"), (7, "Abolish the death penalty", ""), (7, "Ratify CRPD", "crpd")]
    result = link_repeats(tiny([*rows, (20, "Ratify CRPD", "crpd")]), "KAZ", 7, 20)
    assert [reason for _, reason in result.skipped] == [
        "no text (schema:text)",
        "no theme or UPR Info issue (dct:subject)",
    ]
    assert result.links == 1 and (rec(3), TP.repeats, rec(2)) in result.graph


def test_precision_on_the_hand_checked_sample_is_what_the_readme_says() -> None:
    rows = sample()
    links = set(Graph().parse(SHIPPED).subject_objects(TP.repeats))
    checked = [r for r in rows if (URIRef(r[0]), URIRef(r[1])) in links]
    correct = sum(1 for r in checked if r[3] == "yes")
    assert len(rows) >= 30 and len(checked) >= 30
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"{correct} of {len(checked)} links" in readme
    assert f"precision {100 * correct / len(checked):.1f}%" in readme


def test_hand_checked_pairs_carry_the_scores_the_linker_gives() -> None:
    graph = Graph().parse(UPR / "upr-info.ttl")
    for later, earlier, value, judgement, _reason in sample():
        texts = (str(graph.value(URIRef(n), SCHEMA.text)) for n in (later, earlier))
        assert score(*texts) == float(value) and judgement in ("yes", "no")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store into which `kg import upr-followup` wrote the links (and its stderr)."""
    store = tmp_path_factory.mktemp("followup") / "store"
    first = kg("--store", str(store), *ARGS)
    assert first.returncode == 0, first.stderr
    return store, first.stderr


def test_import_into_the_store_by_default_and_twice_changes_no_triple(
    imported: tuple[Path, str],
) -> None:
    store, stderr = imported
    assert f"stored {len(Graph().parse(SHIPPED))} triples in graph {GRAPH}" in stderr
    before = stored_quads(store)
    again = kg("--store", str(store), *ARGS)
    assert again.returncode == 0 and "unchanged" in again.stderr
    assert stored_quads(store) == before


def test_import_record_names_the_file_its_hash_and_the_link_set(
    imported: tuple[Path, str],
) -> None:
    query = (
        "PREFIX tp: <https://w3id.org/tpkg/ontology#> PREFIX dct: <http://purl.org/dc/terms/> "
        f"SELECT ?file ?sha ?version WHERE {{ <{GRAPH}> dct:source ?file ; tp:sha256 ?sha ; "
        "tp:importerVersion ?version }"
    )
    result = kg("--store", str(imported[0]), "query", query, "--format", "csv")
    file, sha, version = result.stdout.splitlines()[1].split(",")
    assert (file, sha) == ("upr-info.ttl", hashlib.sha256(SOURCE.read_bytes()).hexdigest())
    assert version.startswith("kg import upr-followup/kaz-7-20 (kg ")


def test_output_option_writes_the_shipped_file(tmp_path: Path) -> None:
    out = tmp_path / "followup.ttl"
    result = kg(*ARGS, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "65 links (threshold 85)" in result.stderr
    assert out.read_text("utf-8") == SHIPPED.read_text("utf-8")


def test_unreadable_input_changes_nothing(imported: tuple[Path, str], tmp_path: Path) -> None:
    store = imported[0]
    before = stored_quads(store)
    bad = tmp_path / "bad.ttl"
    bad.write_text("not turtle <", encoding="utf-8")
    for path in (bad, tmp_path / "missing.ttl"):
        result = kg("--store", str(store), "import", "upr-followup", str(path), *ARGS[3:])
        assert result.returncode == 2
        assert result.stderr.startswith("kg: error:") and len(result.stderr.splitlines()) == 1
    assert stored_quads(store) == before


def test_a_link_failing_the_shapes_is_listed_and_not_written(tmp_path: Path) -> None:
    rows = tiny([(7, "Ratify CRPD", "crpd"), (20, "Ratify CRPD", "crpd")])
    rows.remove((None, RDF.type, None))  # rows that are not tp:Recommendations
    source, out = tmp_path / "rows.ttl", tmp_path / "links.ttl"
    rows.serialize(source, format="turtle")
    result = kg("import", "upr-followup", str(source), *ARGS[3:], "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "rejected: " in result.stderr and "fails validation" in result.stderr
    assert "0 repeat one of session 7; 0 links" in result.stderr
    assert "tp:RepeatMatch" not in out.read_text("utf-8")
