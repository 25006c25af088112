"""UPR Working Group reports as a ``tp:UPRReport`` document and one
``tp:UPRRecommendationParagraph`` per numbered recommendation (``data/turtle/README.md``).

The document is ``document/<symbol with / as ->`` when its symbol is printed in the file; a
symbol that is not printed there is refused unless the caller names the document by another
key and gives the symbol as a claim (``tp:Claim`` with its source), so an unverified symbol is
never asserted. Paragraphs are ``document-part/<document key>-para-<number>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.errors import InputError
from kg.importers.symbols import parse_symbol
from kg.importers.upr import (
    DCT,
    ISO3_BY_NAME,
    PROV,
    SCHEMA,
    TPNS,
    bind_prefixes,
    recommending_state,
    slug,
)
from kg.importers.upr_report_text import Paragraph, ReportText, read_report
from kg.namespaces import DEFAULT_BASE, resource_iri

GROUP_SCHEME = "report-response-group"


@dataclass(frozen=True)
class ReportOptions:
    """How to name and describe a report where the file does not say (``None``: read it)."""

    symbol: str | None = None
    key: str | None = None
    claimed_symbol: str | None = None
    claim_source: str | None = None
    date: str | None = None
    session: int | None = None
    state: str | None = None


@dataclass
class ReportImport:
    """The graph of one report, what was read from the file and the document IRI."""

    graph: Graph
    report: ReportText
    document: URIRef


def import_report(
    path: str | Path,
    options: ReportOptions,
    base: str = DEFAULT_BASE,
    progress: Callable[[list[Paragraph]], Iterable[Paragraph]] = iter,
) -> ReportImport:
    """The report at ``path`` and its recommendation paragraphs as a graph.

    :raises InputError: if the file cannot be read or has no recommendation paragraph, the
        symbol is not printed in it, neither a symbol nor a key is given, or the date, session
        or State can be neither read nor taken from ``options``.
    """
    report = read_report(path)
    key, symbol = _name(path, report, options)
    date = options.date or report.date
    session = options.session or report.session
    iso3 = _state(report, options.state)
    if options.date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", options.date):
        raise InputError(f"--date {options.date!r} is not a date as YYYY-MM-DD")
    if date is None or session is None:
        raise InputError(f"{path}: cannot read the {'date' if date is None else 'session'}")
    graph = _new_graph(base)
    doc = URIRef(resource_iri("document", key, base))
    _add_document(graph, doc, report, symbol, date, session, iso3, base)
    if options.claimed_symbol:
        _add_claim(graph, doc, key, options, base)
    label = symbol or key
    for para in progress(report.paragraphs):
        node = URIRef(resource_iri("document-part", f"{key}-para-{para.number}", base))
        graph.add((node, RDF.type, TPNS.UPRRecommendationParagraph))
        graph.add((node, RDFS.label, Literal(f"{label}, paragraph {para.number}", lang="en")))
        graph.add((node, DCT.isPartOf, doc))
        graph.add((node, TPNS.paragraphNumber, Literal(para.number)))
        graph.add((node, SCHEMA.text, Literal(para.text, lang="en")))
        group = URIRef(resource_iri(GROUP_SCHEME, para.group, base))
        graph.add((node, TPNS.reportResponseGroup, group))
        for name in para.states:
            graph.add((node, TPNS.recommendingState, recommending_state(graph, name, doc, base)))
        graph.add((node, DCT.source, doc))
        graph.add((node, PROV.wasDerivedFrom, doc))
    return ReportImport(graph, report, doc)


def paragraphs_of(graph: Graph) -> dict[URIRef, str]:
    """Each recommendation paragraph node of an imported report -> its number (the rows a
    validation may drop one by one)."""
    return {
        node: str(number)
        for node in graph.subjects(RDF.type, TPNS.UPRRecommendationParagraph)
        if isinstance(node, URIRef)
        for number in graph.objects(node, TPNS.paragraphNumber)
    }


def _name(path: str | Path, report: ReportText, options: ReportOptions) -> tuple[str, str | None]:
    if options.symbol:
        parsed = parse_symbol(options.symbol)
        if not report.prints(parsed.symbol):
            raise InputError(
                f"{path}: the symbol {parsed.symbol} is not printed in the file; name the "
                "document with --key and give the symbol with --claimed-symbol"
            )
        return parsed.key, parsed.symbol
    if options.key and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]*", options.key):
        if options.claimed_symbol and not options.claim_source:
            raise InputError("--claimed-symbol needs --claim-source (where the symbol is given)")
        return options.key, None
    raise InputError("give --symbol (printed in the file) or --key (letters, digits, . and -)")


def _state(report: ReportText, state: str | None) -> str:
    if state:
        if state in ISO3_BY_NAME.values():
            return state
        raise InputError(
            f"unknown State {state!r}: expected one of {sorted(ISO3_BY_NAME.values())}"
        )
    head = report.text[:1500]
    found = [iso3 for name, iso3 in ISO3_BY_NAME.items() if re.search(rf"\* {name}\b", head)]
    if len(found) != 1:
        found = [iso3 for name, iso3 in ISO3_BY_NAME.items() if name in head]
    if len(found) != 1:
        raise InputError("cannot read the State under review: give --state (ISO alpha-3)")
    return found[0]


def _add_document(
    graph: Graph,
    doc: URIRef,
    report: ReportText,
    symbol: str | None,
    date: str,
    session: int,
    iso3: str,
    base: str,
) -> None:
    name = next(n for n, code in ISO3_BY_NAME.items() if code == iso3)
    title = f"Report of the Working Group on the Universal Periodic Review: {name}"
    graph.add((doc, RDF.type, TPNS.UPRReport))
    graph.add((doc, RDFS.label, Literal(title + (f" ({symbol})" if symbol else ""), lang="en")))
    graph.add((doc, DCT.title, Literal(title, lang="en")))
    if symbol:
        graph.add((doc, DCT.identifier, Literal(symbol)))
    graph.add((doc, TPNS.issuingBody, URIRef(resource_iri("organization", "HRC", base))))
    graph.add((doc, TPNS.concernsState, URIRef(resource_iri("state", iso3, base))))
    graph.add((doc, DCT.date, Literal(date, datatype=XSD.date)))
    graph.add((doc, TPNS.reviewSession, Literal(session)))
    if report.previous_symbol:
        graph.add((doc, TPNS.previousSymbolAsPrinted, Literal(report.previous_symbol)))


def _add_claim(graph: Graph, doc: URIRef, key: str, options: ReportOptions, base: str) -> None:
    assert options.claim_source is not None and options.claimed_symbol is not None
    source = URIRef(resource_iri("document", "source-" + slug(options.claim_source)[:80], base))
    graph.add((source, RDF.type, TPNS.Document))
    graph.add((source, RDFS.label, Literal(f"Source of a claimed symbol: {options.claim_source}")))
    graph.add((source, SCHEMA.url, URIRef(options.claim_source)))
    claim = URIRef(resource_iri("claim", f"{key}-symbol", base))
    graph.add((claim, RDF.type, TPNS.Claim))
    graph.add((claim, RDF.type, RDF.Statement))
    graph.add((claim, RDFS.label, Literal(f"Claimed UN symbol {options.claimed_symbol}")))
    graph.add((claim, RDF.subject, doc))
    graph.add((claim, RDF.predicate, DCT.identifier))
    graph.add((claim, RDF.object, Literal(options.claimed_symbol)))
    graph.add((claim, DCT.source, source))
    graph.add((claim, PROV.wasDerivedFrom, source))


def _new_graph(base: str) -> Graph:
    graph = Graph()
    bind_prefixes(
        graph,
        (
            ("doc", "document"),
            ("dp", "document-part"),
            ("st", "state"),
            ("ag", "organization"),
            ("country", "country"),
            ("group", GROUP_SCHEME),
            ("claim", "claim"),
        ),
        base,
    )
    return graph
