"""Content negotiation: ``format=`` first, then Accept; defaults for ``*/*``; 406 last."""

from __future__ import annotations

import pytest

from kg.errors import NotAcceptable
from kg.formats import DEFAULTS, FORMATS, GRAPH, RESULTS
from kg.web.negotiate import choose

RESULT_FORMS = ["select", "ask"]
GRAPH_FORMS = ["construct", "describe"]


def accept(*types: str | tuple[str, float]) -> str:
    """An Accept header as a client writes it."""
    return ", ".join(t if isinstance(t, str) else f"{t[0]};q={t[1]}" for t in types)


@pytest.mark.parametrize("form", RESULT_FORMS + GRAPH_FORMS)
@pytest.mark.parametrize("header", [accept(), accept("*/*"), accept("*/*", ("text/html", 0.9))])
def test_no_accept_or_anything_gets_the_default_of_the_form(form: str, header: str) -> None:
    expected = DEFAULTS[GRAPH if form in GRAPH_FORMS else RESULTS]
    assert choose(form, header).key == expected


@pytest.mark.parametrize("form", RESULT_FORMS)
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.kind == RESULTS], ids=lambda f: f.key)
def test_each_results_media_type_is_honoured(form: str, fmt) -> None:
    for media in (fmt.media_type, *fmt.extra_media_types):
        assert choose(form, accept(media)).key == fmt.key


@pytest.mark.parametrize("form", GRAPH_FORMS)
@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.kind == GRAPH], ids=lambda f: f.key)
def test_each_graph_media_type_is_honoured(form: str, fmt) -> None:
    for media in (fmt.media_type, *fmt.extra_media_types):
        assert choose(form, accept(media)).key == fmt.key


@pytest.mark.parametrize("form", GRAPH_FORMS)
@pytest.mark.parametrize(
    "header",
    [
        accept("application/sparql-results+json"),
        accept("application/sparql-results+xml"),
        accept("application/sparql-results+json", ("application/json", 0.5)),
        accept("application/sparql-results+xml", "application/xml"),
        accept("text/csv"),
    ],
)
def test_a_results_type_asked_for_a_graph_gets_turtle(form: str, header: str) -> None:
    assert choose(form, header).key == "turtle"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (accept(("text/turtle", 0.5), "application/n-triples"), "ntriples"),
        (accept("text/turtle", ("application/rdf+xml", 0.9)), "turtle"),
        (accept(("application/sparql-results+json", 0.2), "text/csv"), "csv"),
        (accept("text/tab-separated-values", ("*/*", 0.1)), "tsv"),
    ],
)
def test_the_highest_quality_wins(header: str, expected: str) -> None:
    form = "construct" if expected in ("turtle", "ntriples") else "select"
    assert choose(form, header).key == expected


@pytest.mark.parametrize(
    ("form", "param", "expected"),
    [
        ("select", "json", "json"),
        ("select", "srj", "json"),
        ("select", "application/sparql-results+json", "json"),
        ("select", "xml", "xml"),
        ("select", "srx", "xml"),
        ("select", "csv", "csv"),
        ("select", "TSV", "tsv"),
        ("ask", "json", "json"),
        ("construct", "ttl", "turtle"),
        ("construct", "turtle", "turtle"),
        ("construct", "nt", "ntriples"),
        ("construct", "xml", "rdfxml"),
        ("construct", "rdf", "rdfxml"),
        ("construct", "rdf+xml", "rdfxml"),
        ("construct", "application/rdf+xml", "rdfxml"),
        ("construct", "application/ld+json", "jsonld"),
        ("construct", "json", "jsonld"),
        ("construct", "json-ld", "jsonld"),
        ("construct", "application/sparql-results+xml", "turtle"),
        ("describe", "csv", "turtle"),
    ],
)
def test_the_format_parameter_names_a_format_by_alias(form: str, param: str, expected: str) -> None:
    assert choose(form, accept("image/png"), param).key == expected


@pytest.mark.parametrize(
    ("form", "header"),
    [
        ("select", accept("image/png")),
        ("select", accept("text/turtle")),
        ("ask", accept("application/rdf+xml")),
        ("construct", accept("image/png", "application/pdf")),
        ("select", accept(("application/sparql-results+json", 0))),
    ],
)
def test_406_only_when_nothing_fits(form: str, header: str) -> None:
    with pytest.raises(NotAcceptable):
        choose(form, header)


@pytest.mark.parametrize(("form", "param"), [("select", "turtle"), ("construct", "png")])
def test_an_unknown_format_parameter_is_not_acceptable(form: str, param: str) -> None:
    with pytest.raises(NotAcceptable):
        choose(form, accept("*/*"), param)


@pytest.mark.parametrize("form", RESULT_FORMS + GRAPH_FORMS)
def test_a_missing_header_gets_the_default_of_the_form(form: str) -> None:
    expected = DEFAULTS[GRAPH if form in GRAPH_FORMS else RESULTS]
    assert choose(form, None).key == expected


def test_a_header_too_long_to_remember_is_still_negotiated() -> None:
    padding = ", ".join(f"application/x-pad{i};q=0.1" for i in range(100))
    header = f"{padding}, text/csv"
    assert len(header) > 1024
    assert choose("select", header).key == "csv"
    with pytest.raises(NotAcceptable):
        choose("select", padding)
