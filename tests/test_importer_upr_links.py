"""Links from UPR Info rows to report paragraphs: the bundled links are the matcher's output,
at least 97% of the 652 rows are linked, none to another review's paragraph, and rows that do
not match clearly are listed, not linked."""

from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace, URIRef

from kg.importers.upr_links import link, same_state

ROOT = Path(__file__).parents[1]
UPR = ROOT / "data" / "turtle" / "upr"
UN = ROOT / "data" / "turtle" / "un"
TP = Namespace("https://w3id.org/tpkg/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
SCHEMA = Namespace("https://schema.org/")
ID = "https://w3id.org/tpkg/id/"


def reports() -> Graph:
    files = sorted(UN.glob("*.ttl"))
    assert len(files) == 4
    graph = Graph()
    for file in files:
        graph.parse(file)
    return graph


def recommendations() -> Graph:
    return Graph().parse(UPR / "upr-info.ttl")


def test_bundled_links_are_the_matcher_output_and_cover_97_percent() -> None:
    recs = recommendations()
    result = link(recs, reports())
    bundled = Graph().parse(UPR / "upr-report-links.ttl")
    assert set(result.graph) == set(bundled)
    total = len(set(recs.subjects(RDF.type, TP.Recommendation)))
    assert total == result.linked + len(result.unlinked) == 652
    assert result.linked / total >= 0.97
    assert result.unlinked == []  # the list `kg import upr-links` prints: empty today


def test_no_row_links_to_another_review() -> None:
    graph = recommendations() + reports() + Graph().parse(UPR / "upr-report-links.ttl")
    links = list(graph.subject_objects(TP.reportParagraph))
    assert len(links) >= 633
    for rec, para in links:
        doc = graph.value(para, DCT.isPartOf)
        assert graph.value(doc, TP.concernsState) == graph.value(rec, TP.addressee)
        assert graph.value(doc, TP.reviewSession) == graph.value(rec, TP.uprSession)


def test_every_link_has_a_match_with_score_and_method() -> None:
    graph = Graph().parse(UPR / "upr-report-links.ttl")
    matches = set(graph.subjects(RDF.type, TP.Match))
    assert len(matches) == len(set(graph.subject_objects(TP.reportParagraph)))
    for match in matches:
        rec, para = (
            graph.value(match, TP.matchedRecommendation),
            graph.value(match, TP.matchedParagraph),
        )
        assert (rec, TP.reportParagraph, para) in graph
        assert 80 <= float(graph.value(match, TP.matchScore)) <= 100
        assert "rapidfuzz" in str(graph.value(match, TP.matchMethod))


def tiny(rec_texts: list[tuple[str, str]], paragraphs: list[str]) -> tuple[Graph, Graph]:
    """A review (KAZ, session 7) with recommendations (state, text) and paragraph texts."""
    recs, paras = Graph(), Graph()
    state, doc = URIRef(ID + "state/KAZ"), URIRef(ID + "document/A-HRC-14-10")
    for i, (name, text) in enumerate(rec_texts):
        rec, country = URIRef(f"{ID}recommendation/upr-{i}"), URIRef(f"{ID}country/{i}")
        recs.add((rec, TP.uprSession, Literal(7)))
        recs.add((rec, TP.addressee, state))
        recs.add((rec, TP.recommendedBy, country))
        recs.add((rec, SCHEMA.text, Literal(text)))
        recs.add((country, SCHEMA.name, Literal(name)))
    paras.add((doc, RDF.type, TP.UPRReport))
    paras.add((doc, TP.concernsState, state))
    paras.add((doc, TP.reviewSession, Literal(7)))
    for i, text in enumerate(paragraphs):
        para = URIRef(f"{ID}document-part/A-HRC-14-10-para-95.{i + 1}")
        paras.add((para, DCT.isPartOf, doc))
        paras.add((para, SCHEMA.text, Literal(text)))
    return recs, paras


def test_ambiguous_and_unmatched_rows_are_listed_not_linked() -> None:
    recs, paras = tiny(
        [
            ("Spain", "Abolish the death penalty"),
            ("Norway", "Free all journalists"),
            ("Brazil", "Ratify the OP-CAT"),
            ("Canada", "To ratify OPCAT promptly"),
        ],
        [
            "To abolish the death penalty (Spain);",
            "Abolish the death penalty. (Spain);",
            "Guarantee the independence of the judiciary (Norway);",
            "Ratify the OP-CAT (Spain);",
            "Ratify OPCAT promptly (Canada).",
        ],
    )
    result = link(recs, paras)
    reasons = dict(result.unlinked)
    assert reasons[ID + "recommendation/upr-0"].startswith("ambiguous: ")
    assert "below 80" in reasons[ID + "recommendation/upr-1"]
    assert reasons[ID + "recommendation/upr-2"] == (
        "no paragraph of the same review by the same recommending State"
    )
    assert result.linked == 1
    assert (
        URIRef(ID + "recommendation/upr-3"),
        TP.reportParagraph,
        URIRef(ID + "document-part/A-HRC-14-10-para-95.5"),
    ) in result.graph


def test_state_names_of_the_two_sources() -> None:
    assert same_state("United Kingdom", "United Kingdom of Great Britain and Northern Ireland")
    assert same_state("Iran", "Iran (Islamic Republic of)")
    assert same_state("Laos", "Lao People’s Democratic Republic")
    assert same_state("Bosnia & Herzegovina", "Bosnia and Herzegovina")
    assert not same_state("Niger", "Nigeria")


def test_hand_checked_links_are_kept() -> None:
    lines = (ROOT / "tests" / "data" / "upr-links-hand-checked.tsv").read_text("utf-8")
    pairs = [line.split("\t")[:2] for line in lines.splitlines() if not line.startswith("#")]
    assert len(pairs) == 30
    graph = Graph().parse(UPR / "upr-report-links.ttl")
    for rec, para in pairs:
        assert (URIRef(rec), TP.reportParagraph, URIRef(para)) in graph


def test_unreadable_link_input_is_a_one_line_error(tmp_path: Path) -> None:
    import pytest

    from kg.errors import InputError
    from kg.importers.upr_links import read_turtle

    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    for path, message in ((bad, "not Turtle"), (tmp_path / "missing.ttl", "cannot read")):
        with pytest.raises(InputError, match=message) as caught:
            read_turtle([path])
        assert "\n" not in caught.value.message
