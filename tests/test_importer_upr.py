"""The UPR Info importer: the bundled UPR rows are its output, and it reads real exports."""

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.errors import InputError
from kg.importers.upr import TORTURE_ISSUE, convert, read_rows

ROOT = Path(__file__).parents[1]
EXPORT = (
    ROOT.parent
    / "shared"
    / "research"
    / "data"
    / "upr-info_recommendations_KZ_KG_TJ_sessions7-20.csv"
)
BUNDLED = ROOT / "data" / "turtle" / "upr" / "upr-info-torture.ttl"
DATA = ROOT / "tests" / "data" / "importers"
STATES = ("Kazakhstan", "Kyrgyzstan", "Tajikistan")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
TP = Namespace("https://w3id.org/tpkg/ontology#")
REC = Namespace("https://w3id.org/tpkg/id/recommendation/")
THEME = Namespace("https://w3id.org/tpkg/id/theme/")


def export() -> Path:
    assert EXPORT.is_file(), f"research data file missing: {EXPORT}"
    return EXPORT


def recommendations(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, TP.Recommendation) if isinstance(s, URIRef)}


def diff_text(left: Graph, right: Graph, limit: int = 10) -> str:
    """A few triples of each side of the difference of two graphs, as N-Triples."""
    _, only_left, only_right = graph_diff(to_isomorphic(left), to_isomorphic(right))

    def few(graph: Graph) -> str:
        lines = sorted(graph.serialize(format="nt").splitlines())
        return "\n".join(lines[:limit]) + (f"\n... ({len(lines)} in all)" if lines else "")

    return f"only in the first:\n{few(only_left)}\nonly in the second:\n{few(only_right)}"


def test_bundled_file_is_the_converted_export() -> None:
    converted = convert(export())
    bundled = Graph().parse(BUNDLED)
    assert isomorphic(converted, bundled), diff_text(converted, bundled)


def test_one_recommendation_per_torture_row_of_the_three_states() -> None:
    with export().open(encoding="utf-8", newline="") as handle:
        expected = sum(
            1
            for row in csv.DictReader(handle)
            if row["To"] in STATES
            and TORTURE_ISSUE in (name.strip() for name in row["Issue"].split(","))
        )
    assert expected > 0
    assert len(recommendations(convert(export()))) == expected


def normalised(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: " ".join(v.split()) for k, v in row.items()} for row in rows]


def test_mac_roman_with_cr_reads_as_its_utf8_equivalent(tmp_path: Path) -> None:
    raw = (DATA / "upr-macroman-cr.csv").read_bytes()
    assert b"\r" in raw and b"\n" not in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    utf8 = read_rows(DATA / "upr-utf8-lf.csv")
    crlf = tmp_path / "upr-utf8-crlf.csv"
    crlf.write_bytes((DATA / "upr-utf8-lf.csv").read_bytes().replace(b"\n", b"\r\n"))
    mac_roman = read_rows(DATA / "upr-macroman-cr.csv")
    assert [r["From"] for r in mac_roman] == ["Côte d’Ivoire", "Sweden", "Mexico", "Canada"]
    assert "“independent”" in mac_roman[0]["Text"]
    assert "“prévention”" in mac_roman[1]["Text"]
    assert mac_roman == [{k: v.replace("\n", "\r") for k, v in r.items()} for r in utf8]
    assert normalised(read_rows(crlf)) == normalised(mac_roman) == normalised(utf8)
    converted = convert(DATA / "upr-macroman-cr.csv")
    assert isomorphic(converted, convert(DATA / "upr-utf8-lf.csv"))
    texts = {str(t) for t in converted.objects(None, SCHEMA.text)}
    assert (
        "Adopt the State’s draft law on the “prévention” of torture, "
        "and consider ratifying the OP-CAT"
    ) in texts
    assert len(recommendations(converted)) == 3


def key_of(to: str, session: str, recommender: str, text: str) -> str:
    """The documented recipe, written out independently of the importer."""
    digest = hashlib.sha256("|".join((to, session, recommender, text)).encode("utf-8"))
    return "upr-" + digest.hexdigest()[:16]


def test_keys_are_stable_and_follow_the_recipe() -> None:
    first, second = convert(export()), convert(export())
    assert to_isomorphic(first) == to_isomorphic(second)
    assert set(first) == set(second)
    expected = set()
    for row in read_rows(export()):
        issues = [name.strip() for name in row["Issue"].split(",")]
        if row["To"] in STATES and TORTURE_ISSUE in issues:
            text = " ".join(row["Text"].split())
            expected.add(REC[key_of(row["To"], row["Session"], row["From"], text)])
    assert recommendations(first) == expected
    fixture = convert(DATA / "upr-utf8-lf.csv")
    text = "Strengthen the national preventative mechanism’s budget"
    assert REC[key_of("Kyrgyzstan", "8", "Mexico", text)] in recommendations(fixture)


def test_keyword_themes() -> None:
    graph = convert(DATA / "upr-utf8-lf.csv")
    themes = {
        str(graph.value(node, SCHEMA.text)): set(graph.objects(node, DCT.subject))
        for node in recommendations(graph)
    }
    opcat, npm = THEME["opcat-ratification"], THEME["npm"]
    by_start = {text.split()[0]: subjects for text, subjects in themes.items()}
    assert opcat in by_start["Adopt"] and npm not in by_start["Adopt"]
    assert npm in by_start["Strengthen"] and opcat not in by_start["Strengthen"]
    assert not {opcat, npm} & by_start["Ensure"]
    assert all(THEME["torture-prevention"] in subjects for subjects in themes.values())


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("upr-missing-column.csv", {}, r"column\.csv: row 1: missing the columns Session"),
        ("upr-bad-session.csv", {}, r"upr-bad-session\.csv: row 3: Session is 'seven'"),
        ("upr-bad-action.csv", {}, r"upr-bad-action\.csv: row 2: Action is '6'"),
        ("upr-bad-response.csv", {}, r"upr-bad-response\.csv: row 2: Response is 'Pending'"),
        ("upr-short-row.csv", {}, r"upr-short-row\.csv: row 3: 5 cells, expected 11"),
        ("upr-utf8-lf.csv", {"states": ["Uzbekistan"]}, "no ISO 3166-1 alpha-3 code"),
        ("upr-bad-response.csv", {"states": ["Tajikistan"]}, r"response\.csv: no row for Taj"),
        ("missing.csv", {}, r"cannot read .*missing\.csv"),
        ("wrong-columns.csv", {}, "missing the columns To, To-Rgrp"),
    ],
)
def test_bad_input_raises_input_error(name: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        convert(DATA / name, **kwargs)
    assert "\n" not in caught.value.message


def test_read_rows_rejects_bad_numbers_in_any_row() -> None:
    with pytest.raises(InputError, match="row 3: Session"):
        read_rows(DATA / "upr-bad-session.csv")
