"""The UPR Info importer: every row of the real export is imported (or listed as rejected with
its reason), the bundled file is its output, and the encoding and line ends do not matter."""

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.errors import InputError
from kg.importers.upr import TORTURE_ISSUE, convert, import_export, slug
from kg.importers.upr_rows import read_rows

ROOT = Path(__file__).parents[1]
EXPORT = (
    ROOT.parent
    / "shared"
    / "research"
    / "data"
    / "upr-info_recommendations_KZ_KG_TJ_sessions7-20.csv"
)
BUNDLED = ROOT / "data" / "turtle" / "upr" / "upr-info.ttl"
DATA = ROOT / "tests" / "data" / "importers"
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
TP = Namespace("https://w3id.org/tpkg/ontology#")
REC = Namespace("https://w3id.org/tpkg/id/recommendation/")
THEME = Namespace("https://w3id.org/tpkg/id/theme/")
ISSUE = Namespace("https://w3id.org/tpkg/id/upr-info-issue/")


def export() -> Path:
    assert EXPORT.is_file(), f"research data file missing: {EXPORT}"
    return EXPORT


def export_rows() -> list[dict[str, str]]:
    with export().open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


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


def test_every_row_is_imported_once() -> None:
    rows = export_rows()
    result = import_export(export())
    assert len(rows) == result.read == result.imported == 652
    assert result.rejected == []
    graph = result.graph.to_graph()
    texts = [str(t) for t in graph.objects(None, SCHEMA.text)]
    assert len(recommendations(graph)) == len(texts) == len(rows) == len(result.rows)
    assert sorted(texts) == sorted(" ".join(row["Text"].split()) for row in rows)


def test_issue_filter_keeps_the_torture_rows() -> None:
    expected = sum(1 for row in export_rows() if TORTURE_ISSUE in row["Issue"])
    assert expected == 62
    graph = convert(export(), issue=TORTURE_ISSUE)
    assert len(recommendations(graph)) == expected


def test_mac_roman_with_cr_gives_the_same_graph(tmp_path: Path) -> None:
    text = export().read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r")
    mac = tmp_path / "export-mac.csv"
    mac.write_bytes(text.encode("mac_roman"))
    raw = mac.read_bytes()
    assert b"\n" not in raw and b"\r" in raw
    # The export holds only ASCII, so Mac Roman changes the line ends alone; the fixture test
    # below covers non-ASCII Mac Roman bytes (curly quotes, accents).
    assert raw == text.encode("ascii")
    first, second = convert(export()), convert(mac)
    assert isomorphic(first, second), diff_text(first, second)


def test_importing_twice_gives_the_same_triples() -> None:
    first, second = convert(export()), convert(export())
    assert len(first) == len(second) and set(first) == set(second)


def test_small_mac_roman_fixture_reads_as_its_utf8_equivalent() -> None:
    with pytest.raises(UnicodeDecodeError):
        (DATA / "upr-macroman-cr.csv").read_bytes().decode("utf-8")
    mac_roman = read_rows(DATA / "upr-macroman-cr.csv")
    utf8 = read_rows(DATA / "upr-utf8-lf.csv")
    assert [r["From"] for r in mac_roman] == ["Côte d’Ivoire", "Sweden", "Mexico", "Canada"]
    assert mac_roman == [{k: v.replace("\n", "\r") for k, v in r.items()} for r in utf8]
    assert isomorphic(convert(DATA / "upr-macroman-cr.csv"), convert(DATA / "upr-utf8-lf.csv"))


def key_of(to: str, session: str, recommender: str, text: str) -> str:
    """The documented recipe, written out independently of the importer."""
    digest = hashlib.sha256("|".join((to, session, recommender, text)).encode("utf-8"))
    return "upr-" + digest.hexdigest()[:16]


def test_keys_follow_the_recipe() -> None:
    expected = {
        REC[key_of(row["To"], row["Session"], row["From"], " ".join(row["Text"].split()))]
        for row in export_rows()
    }
    assert recommendations(convert(export())) == expected


def test_every_issue_of_the_export_is_a_concept_of_the_issue_scheme() -> None:
    scheme = Graph().parse(ROOT / "ontology" / "upr-info-issues.ttl")
    concepts = set(scheme.subjects(RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")))
    names = {name.strip() for row in export_rows() for name in row["Issue"].split(",")}
    assert len(names) == 49
    assert {ISSUE[slug(name)] for name in names if name} <= concepts


def test_keyword_themes() -> None:
    graph = convert(DATA / "upr-utf8-lf.csv")
    by_start = {
        str(graph.value(node, SCHEMA.text)).split()[0]: set(graph.objects(node, DCT.subject))
        for node in recommendations(graph)
    }
    opcat, npm, torture = THEME["opcat-ratification"], THEME["npm"], THEME["torture-prevention"]
    assert opcat in by_start["Adopt"] and npm not in by_start["Adopt"]
    assert npm in by_start["Strengthen"] and opcat not in by_start["Strengthen"]
    assert torture in by_start["Ensure"] and not {opcat, npm} & by_start["Ensure"]
    assert not {torture, opcat, npm} & by_start["Guarantee"]


def test_bad_rows_are_rejected_with_their_reason_and_the_others_imported() -> None:
    result = import_export(DATA / "upr-mixed-bad-rows.csv")
    assert (result.read, result.imported) == (9, 2)
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "Session is 'seven', not an integer of at least 1"),
        (4, "Action is '6', not an integer from 1 to 5"),
        (5, "Response is 'Pending', not Accepted or Noted"),
        (6, "5 cells, expected 11"),
        (7, "empty Text"),
        (8, "no ISO 3166-1 alpha-3 code known for the state under review 'Uzbekistan'"),
        (9, "same To, Session, From and Text as row 2"),
    ]


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("upr-missing-column.csv", {}, r"column\.csv: row 1: missing the columns Session"),
        ("upr-utf8-lf.csv", {"states": ["Uzbekistan"]}, "no ISO 3166-1 alpha-3 code"),
        ("upr-bad-response.csv", {"states": ["Tajikistan"]}, r"response\.csv: no row for Taj"),
        ("missing.csv", {}, r"cannot read .*missing\.csv"),
        ("wrong-columns.csv", {}, "missing the columns To, To-Rgrp"),
    ],
)
def test_unreadable_input_raises_input_error(
    name: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        import_export(DATA / name, **kwargs)
    assert "\n" not in caught.value.message


STATE = Namespace("https://w3id.org/tpkg/id/state/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


def recommender_of(graph: Graph, name: str) -> set:
    """The tp:recommendedBy nodes of the rows whose label names ``name`` as the recommender."""
    prefix = ": " + name + " to "
    return {
        graph.value(rec, TP.recommendedBy)
        for rec in recommendations(graph)
        if prefix in str(graph.value(rec, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    }


@pytest.mark.parametrize(
    ("name", "node", "alt"),
    [
        ("Kazakhstan", STATE.KAZ, None),
        ("Czech Republic", STATE.CZE, "Czech Republic"),
        ("Bosnia & Herzegovina", STATE.BIH, "Bosnia & Herzegovina"),
        ("Republic of Korea", STATE.KOR, "Republic of Korea"),
        ("Turkey", URIRef("https://w3id.org/tpkg/id/country/turkey"), None),
    ],
)
def test_a_recommending_state_is_the_state_node_its_name_gives(
    name: str, node: URIRef, alt: str | None
) -> None:
    graph = Graph().parse(BUNDLED)
    assert recommender_of(graph, name) == {node}
    assert {str(a) for a in graph.objects(node, SKOS.altLabel)} == ({alt} if alt else set())


def test_a_recommending_state_and_a_reviewed_state_are_one_node() -> None:
    graph = Graph().parse(BUNDLED)
    reviewed = set(graph.objects(None, TP.addressee))
    recommending = set(graph.objects(None, TP.recommendedBy))
    assert reviewed <= recommending and len(reviewed) == 3
    countries = {n for n in recommending if (n, RDF.type, SCHEMA.Country) in graph}
    assert len(countries) == 3 and len(recommending) == 85
