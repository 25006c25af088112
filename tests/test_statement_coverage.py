"""The statement is in the graph in full, and every quote in the graph is from the statement.

The source text is split into units: paragraphs (separated by blank lines), recommendation
bullets ("•") and sub-bullets ("- "). Page furniture is dropped: the "RECOMMENDATIONS" heading,
footnote reference marks after a heading (")1") and the footnote number at the start of the
footnote. Whitespace is normalised (runs collapsed to one space, trimmed).

Coverage rule: a unit is covered when quotes (``oa:exact`` of a ``oa:TextQuoteSelector``) that
occur in it cover every character of it except whitespace and punctuation, or when one quote
contains the whole unit. So a paragraph may be split across several fact nodes, one quote per
sentence.
"""

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

ROOT = Path(__file__).parents[1]
STATEMENT_TXT = ROOT / ".." / "shared" / "sources" / "hdim-2015-ws8-statement.txt"
DATA = ROOT / "data" / "turtle"
OA = Namespace("http://www.w3.org/ns/oa#")
TP = Namespace("https://w3id.org/tpkg/ontology#")
STATEMENT = URIRef("https://w3id.org/tpkg/id/document/hdim2015-ws8-statement")
FURNITURE = {"RECOMMENDATIONS"}
FOOTNOTE_REF = re.compile(r"\)(\d+)$")


def normalise(text: str) -> str:
    """Collapse runs of whitespace to one space and trim.

    >>> normalise("  a \\n  b ")
    'a b'
    """
    return re.sub(r"\s+", " ", text).strip()


def split_units(text: str) -> list[str]:
    """Split the statement text into normalised paragraphs, bullets and sub-bullets."""
    units: list[str] = []
    current: list[str] = []

    def flush() -> None:
        unit = normalise(" ".join(current))
        if unit:
            units.append(unit)
        current.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped in FURNITURE:
            flush()
            continue
        if stripped.startswith("•") or stripped.startswith("- "):
            flush()
            stripped = stripped.lstrip("•-").strip()
        current.append(stripped)
    flush()
    return strip_footnote_marks(units)


def strip_footnote_marks(units: list[str]) -> list[str]:
    """Drop footnote reference numbers after headings and at the start of the footnote."""
    marks = {m.group(1) for u in units if (m := FOOTNOTE_REF.search(u))}
    cleaned = []
    for unit in units:
        unit = FOOTNOTE_REF.sub(")", unit)
        for mark in marks:
            if unit.startswith(f"{mark} ") and not unit[len(mark) + 1 :][:1].isdigit():
                unit = unit[len(mark) + 1 :]
        cleaned.append(unit)
    return cleaned


def is_covered(unit: str, quotes: set[str]) -> bool:
    """True when the quotes cover every letter and digit of the unit."""
    if any(unit in q for q in quotes):
        return True
    covered = [False] * len(unit)
    for quote in quotes:
        for match in re.finditer(re.escape(quote), unit):
            covered[match.start() : match.end()] = [True] * len(quote)
    return all(c or not ch.isalnum() for ch, c in zip(unit, covered, strict=True))


@pytest.fixture(scope="module")
def statement_text() -> str:
    assert STATEMENT_TXT.is_file(), f"statement source text missing: {STATEMENT_TXT.resolve()}"
    return STATEMENT_TXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def graph() -> Graph:
    files = sorted(DATA.rglob("*.ttl"))
    assert files, "no Turtle files under data/turtle"
    g = Graph()
    for path in files:
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def quotes(graph: Graph) -> set[str]:
    found = {str(q) for q in graph.objects(None, OA.exact)}
    assert found, "no oa:exact quotes in the data"
    return found


def test_split_finds_all_parts(statement_text: str) -> None:
    units = split_units(statement_text)
    assert len(units) == 29
    assert units[1] == "Working Session 8 Rule of Law: Prevention of torture (25 September 2015)"
    assert units[11].startswith("This document has been produced")


def test_every_unit_is_quoted(statement_text: str, quotes: set[str]) -> None:
    missing = [u for u in split_units(statement_text) if not is_covered(u, quotes)]
    assert not missing, "not quoted in the graph:\n" + "\n".join(missing)


def test_every_quote_occurs_in_statement(statement_text: str, quotes: set[str]) -> None:
    text = normalise(statement_text)
    invented = sorted(q for q in quotes if q not in text)
    assert not invented, "quotes not in the statement:\n" + "\n".join(invented)


def test_every_quote_is_normalised(quotes: set[str]) -> None:
    assert all(q == normalise(q) for q in quotes)


def test_every_statement_fact_has_a_quote(graph: Graph) -> None:
    facts = set(graph.subjects(DCTERMS.source, STATEMENT))
    assert facts
    quoted = {
        body
        for ann in graph.subjects(RDF.type, OA.Annotation)
        for body in graph.objects(ann, OA.hasBody)
        if (ann, OA.hasTarget / OA.hasSource, STATEMENT) in graph
    }
    assert sorted(facts - quoted) == []


def test_every_statement_fact_is_derived_from_it(graph: Graph) -> None:
    facts = set(graph.subjects(DCTERMS.source, STATEMENT))
    derived = set(graph.subjects(PROV.wasDerivedFrom, STATEMENT))
    assert sorted(facts ^ derived) == []


def test_every_annotation_targets_a_source(graph: Graph) -> None:
    annotations = list(graph.subjects(RDF.type, OA.Annotation))
    assert annotations
    for ann in annotations:
        assert list(graph.objects(ann, OA.hasBody)), ann
        assert list(graph.objects(ann, OA.hasTarget / OA.hasSelector / OA.exact)), ann


@pytest.mark.parametrize("position", ["1.1", "1.8", "5", "7"])
def test_recommendation_bullets_are_nodes(graph: Graph, position: str) -> None:
    nodes = [
        s
        for s in graph.subjects(URIRef("https://schema.org/position"), Literal(position))
        if (s, RDF.type, TP.Recommendation) in graph
    ]
    assert len(nodes) == 1


SKOS_EDITORIAL_NOTE = URIRef("http://www.w3.org/2004/02/skos/core#editorialNote")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
PART_OF = DCTERMS.isPartOf


def label_uses_statement_words(label: str, text: str) -> bool:
    """True when the label, or its part after a ``<subject>: `` prefix, occurs in the text.

    >>> label_uses_statement_words("Kazakhstan: has similar laws", "it has similar laws")
    True
    """
    candidates = [label, label.split(": ", 1)[-1]]
    return any(c.casefold() in text.casefold() for c in candidates)


def made_by_statement(graph: Graph) -> set[URIRef]:
    """The recommendations that are part of the statement, directly or through a bullet."""
    found = {s for s in graph.transitive_subjects(PART_OF, STATEMENT) if s != STATEMENT}
    return {s for s in found if (s, RDF.type, TP.Recommendation) in graph}


def test_statement_node_labels_are_its_words_or_say_they_are_editorial(
    graph: Graph, statement_text: str
) -> None:
    text = normalise(statement_text)
    wrong = [
        f"{node}: {label}"
        for node in set(graph.subjects(DCTERMS.source, STATEMENT))
        for label in graph.objects(node, RDFS_LABEL)
        if not label_uses_statement_words(str(label), text)
        and not any("label" in str(n).lower() for n in graph.objects(node, SKOS_EDITORIAL_NOTE))
    ]
    assert sorted(wrong) == []


def test_each_ask_of_the_statement_quotes_its_own_text(graph: Graph) -> None:
    asks = {r for r in made_by_statement(graph) if (r, DCTERMS.hasPart, None) not in graph}
    assert len(asks) >= 16
    exact = OA.hasTarget / OA.hasSelector / OA.exact
    unquoted = [
        str(ask)
        for ask in asks
        for text in graph.objects(ask, URIRef("https://schema.org/text"))
        if not any(
            str(q) == str(text)
            for a in graph.subjects(OA.hasBody, ask)
            for q in graph.objects(a, exact)
        )
    ]
    assert unquoted == []


def test_recommendations_part_of_the_statement_are_made_by_its_authors(graph: Graph) -> None:
    authors = set(graph.objects(STATEMENT, DCTERMS.creator))
    made = made_by_statement(graph)
    reported = set(graph.subjects(DCTERMS.source, STATEMENT)) & set(
        graph.subjects(RDF.type, TP.Recommendation)
    )
    assert made and reported - made
    for rec in reported:
        makers = set(graph.objects(rec, TP.recommendedBy))
        assert (rec in made) == (makers <= authors), rec
