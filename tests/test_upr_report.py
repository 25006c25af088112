"""The UPR report importer on the four real report texts: header facts, every recommendation
paragraph with its response group, the bundled files, and the unverified Kyrgyz symbol."""

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.errors import InputError
from kg.importers.upr_report import ReportOptions, import_report
from kg.importers.upr_report_text import read_report, response_group, segments

ROOT = Path(__file__).parents[1]
REPORTS = ROOT.parent / "shared" / "research" / "data" / "un-reports"
UN = ROOT / "data" / "turtle" / "un"
TP = Namespace("https://w3id.org/tpkg/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
KGZ_SOURCE = (
    "https://github.com/rochelleterman/uprs/blob/986898e98047b8828c47a515b24e161910b88134/"
    "v.1/Data/raw-data/txts/A-HRC-15-2_Kyrgyzstan_2010.txt"
)
KGZ = ReportOptions(
    key="upr-wg-report-KGZ-session-8", claimed_symbol="A/HRC/15/2", claim_source=KGZ_SOURCE
)

# file, options, bundled file, date, session, paragraphs per response group (counted by hand
# from the chapeaux and the last item number of each group in the texts)
CASES = [
    (
        "A-HRC-14-10_Kazakhstan_2010.txt",
        ReportOptions(symbol="A/HRC/14/10"),
        "A-HRC-14-10.ttl",
        "2010-03-23",
        7,
        {"supported": 102, "to-be-examined": 26},
    ),
    (
        "A-HRC-15-2_Kyrgyzstan_2010.txt",
        KGZ,
        "upr-wg-report-KGZ-session-8.ttl",
        "2010-06-16",
        8,
        {"supported": 127, "to-be-examined": 41},
    ),
    (
        "A-HRC-19-3_Tajikistan_2011.txt",
        ReportOptions(symbol="A/HRC/19/3"),
        "A-HRC-19-3.ttl",
        "2011-12-12",
        12,
        {"supported": 70, "already-implemented": 4, "to-be-examined": 50, "not-supported": 4},
    ),
    (
        "A-HRC-28-10_Kazakhstan_2014.txt",
        ReportOptions(symbol="A/HRC/28/10"),
        "A-HRC-28-10.ttl",
        "2014-12-10",
        20,
        {"already-implemented": 47, "being-implemented": 96, "not-supported": 51},
    ),
]


def report_file(name: str) -> Path:
    path = REPORTS / name
    assert path.is_file(), f"research data file missing: {path}"
    return path


@pytest.mark.parametrize(("name", "options", "bundled", "date", "session", "groups"), CASES)
def test_report_paragraphs_and_header(
    name: str, options: ReportOptions, bundled: str, date: str, session: int, groups: dict
) -> None:
    report = read_report(report_file(name))
    assert (report.encoding, report.line_ends) == ("mac_roman", "CR")
    assert (report.date, report.session) == (date, session)
    counts: dict[str, int] = {}
    for para in report.paragraphs:
        counts[para.group] = counts.get(para.group, 0) + 1
        assert para.states, para.number
        assert para.text.endswith((");", ").")), para.number
    assert counts == groups
    numbers = [para.number for para in report.paragraphs]
    assert len(set(numbers)) == len(numbers)
    for earlier, later in zip(numbers, numbers[1:], strict=False):
        (a, i), (b, j) = (tuple(map(int, n.split("."))) for n in (earlier, later))
        assert (b == a and j == i + 1) or (b > a and j == 1), (earlier, later)


@pytest.mark.parametrize(("name", "options", "bundled", "date", "session", "groups"), CASES)
def test_bundled_file_is_the_import(
    name: str, options: ReportOptions, bundled: str, date: str, session: int, groups: dict
) -> None:
    graph = import_report(report_file(name), options).graph
    assert isomorphic(graph, Graph().parse(UN / bundled))
    assert len(set(graph.subjects(RDF.type, TP.UPRRecommendationParagraph))) == sum(groups.values())


def test_utf8_lf_copy_gives_the_same_graph(tmp_path: Path) -> None:
    source = report_file("A-HRC-14-10_Kazakhstan_2010.txt")
    text = source.read_bytes().decode("mac_roman").replace("\r", "\n")
    copy = tmp_path / "report-utf8.txt"
    copy.write_text(text, encoding="utf-8")
    assert read_report(copy).encoding == "utf-8"
    options = ReportOptions(symbol="A/HRC/14/10")
    first, second = import_report(source, options).graph, import_report(copy, options).graph
    assert isomorphic(first, second)


def test_paragraph_iri_and_text() -> None:
    graph = Graph().parse(UN / "A-HRC-14-10.ttl")
    para = URIRef("https://w3id.org/tpkg/id/document-part/A-HRC-14-10-para-95.102")
    assert graph.value(para, DCT.isPartOf) == URIRef(
        "https://w3id.org/tpkg/id/document/A-HRC-14-10"
    )
    assert graph.value(para, TP.paragraphNumber) == Literal("95.102")


def test_unprinted_symbol_is_refused() -> None:
    with pytest.raises(InputError, match="A/HRC/15/2 is not printed in the file"):
        import_report(report_file("A-HRC-15-2_Kyrgyzstan_2010.txt"), ReportOptions("A/HRC/15/2"))


def test_kyrgyz_symbol_is_only_a_claim() -> None:
    graph = Graph().parse(UN / "upr-wg-report-KGZ-session-8.ttl")
    symbol = Literal("A/HRC/15/2")
    assert (None, DCT.identifier, symbol) not in graph
    claims = set(graph.subjects(RDF.object, symbol))
    assert len(claims) == 1
    claim = claims.pop()
    assert (claim, RDF.type, TP.Claim) in graph
    assert graph.value(claim, RDF.predicate) == DCT.identifier
    assert graph.value(claim, DCT.source) is not None
    doc = graph.value(claim, RDF.subject)
    assert graph.value(doc, TP.previousSymbolAsPrinted) == Literal("A/HRC/WG,6/8/L.1")


@pytest.mark.parametrize(
    ("chapeau", "group"),
    [
        ("The recommendations ... enjoy the support of Kazakhstan:", "supported"),
        ("The following recommendations will be examined by Kyrgyzstan", "to-be-examined"),
        (
            "enjoy the support of Tajikistan, which considers that they are already implemented",
            "already-implemented",
        ),
        (
            "enjoy the support of Kazakhstan, which considers that they are in the process of "
            "being implemented",
            "being-implemented",
        ),
        ("The recommendations below did not enjoy the support of Tajikistan:", "not-supported"),
        ("The recommendations below were discussed", None),
    ],
)
def test_response_group_from_the_chapeau(chapeau: str, group: str | None) -> None:
    assert response_group(chapeau) == group


def test_segments_keep_every_state_of_a_recommendation() -> None:
    text = "Ratify the OP (Czech Republic) (Switzerland); Act (Iran (Islamic Republic of))."
    assert segments(text) == [
        ("Ratify the OP", ["Czech Republic", "Switzerland"]),
        ("Act", ["Iran (Islamic Republic of)"]),
    ]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ReportOptions(), "give --symbol"),
        (ReportOptions(key="bad key"), "give --symbol"),
        (ReportOptions(key="k", claimed_symbol="A/HRC/19/3"), "needs --claim-source"),
        (ReportOptions(symbol="A/HRC/19/3", date="12 Dec 2011"), "not a date as YYYY-MM-DD"),
        (ReportOptions(symbol="A/HRC/19/3", state="UZB"), "unknown State 'UZB'"),
        (ReportOptions(symbol="A/HRC/19/"), "not a UN document symbol"),
    ],
)
def test_bad_options_are_one_line_errors(options: ReportOptions, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        import_report(report_file("A-HRC-19-3_Tajikistan_2011.txt"), options)
    assert "\n" not in caught.value.message


def test_file_without_recommendations_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "not-a-report.txt"
    empty.write_bytes("Conclusions and/or recommendations\rnothing".encode("mac_roman"))
    with pytest.raises(InputError, match="no numbered recommendation paragraph"):
        read_report(empty)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ratify the Convention (CRPD) (Egypt);", [("Ratify the Convention (CRPD)", ["Egypt"])]),
        (
            "Ratify OP-ICESCR (OP-ICESCR) (Portugal) (Uruguay);",
            [("Ratify OP-ICESCR (OP-ICESCR)", ["Portugal", "Uruguay"])],
        ),
        ("Monitor the harvest (USA);", [("Monitor the harvest", ["USA"])]),
    ],
)
def test_abbreviations_before_the_last_group_are_text(text: str, expected: list) -> None:
    assert segments(text) == expected


def test_no_treaty_abbreviation_is_a_recommending_state() -> None:
    graph = Graph()
    for path in UN.glob("*.ttl"):
        graph.parse(path)
    names = {str(graph.value(s, SCHEMA.name)) for s in graph.objects(None, TP.recommendingState)}
    assert {"Egypt", "Chile", "Sierra Leone"} <= names
    assert not names & {"CEDAW", "CRPD", "ICRMW", "OP-ICESCR", "ICCPR-OP 2"}
