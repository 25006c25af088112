"""Link UPR Info recommendations to the report paragraph each comes from.

For each ``tp:Recommendation`` with a UPR session, the candidates are the recommendations of the
paragraphs of the report of the same review (``tp:concernsState`` = the addressee,
``tp:reviewSession`` = the session) made by the same State (report names such as "United
Kingdom of Great Britain and Northern Ireland" match UPR Info's "United Kingdom": one name a
whole-word part of the other, or :data:`ALIASES`). Texts are compared after :func:`normalise`
with three rapidfuzz scorers (``ratio``, ``partial_ratio``, ``token_set_ratio``); a paragraph's
score is the best of them over its recommendations. A row is linked when the best paragraph
scores at least :data:`THRESHOLD` and, by that score or else by the plain ``ratio``,
:data:`MARGIN` more than any other paragraph; otherwise it is listed as unmatched or ambiguous,
never linked.

>>> normalise("To ratify the OP-CAT; (Spain)")
'ratify the op cat spain'
>>> same_state("United Kingdom", "United Kingdom of Great Britain and Northern Ireland")
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError
from kg.importers.upr import SCHEMA, SKOS, TPNS
from kg.importers.upr_report_text import segments
from kg.namespaces import DEFAULT_BASE, TP, resource_iri

THRESHOLD = 80.0
MARGIN = 3.0
METHOD = (
    "rapidfuzz 3 best of ratio, partial_ratio and token_set_ratio on normalised text (lower "
    "case, punctuation dropped, a leading To or That dropped), candidates: the paragraphs of "
    f"the same review by the same recommending State; threshold {THRESHOLD:g}, margin {MARGIN:g} "
    "on the score or, for equal scores, on the plain ratio"
)
#: UPR Info names whose report name is not a whole-word extension of them.
ALIASES = {
    "laos": "lao people s democratic republic",
    "dpr korea": "democratic people s republic of korea",
    "libya": "libyan arab jamahiriya",
    "united states": "usa",
}
_SCORERS = (
    ("ratio", fuzz.ratio),
    ("partial_ratio", fuzz.partial_ratio),
    ("token_set_ratio", fuzz.token_set_ratio),
)


@dataclass
class LinkResult:
    """The links graph, the recommendations left unlinked, each with the reason, and each
    link's own nodes (its match node and the recommendation) -> the recommendation's IRI."""

    graph: Graph
    linked: int = 0
    unlinked: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[URIRef, str] = field(default_factory=dict)


def normalise(text: str) -> str:
    """Lower case, punctuation and a leading "to"/"that" dropped, whitespace collapsed."""
    bare = re.sub(r"[^\w\s]", " ", text.lower().replace("’", "'"))
    return re.sub(r"^(?:to|that)\s+", "", " ".join(bare.split()))


def same_state(upr_name: str, report_name: str) -> bool:
    """Whether a UPR Info State name and a report's name of a State mean the same State."""
    a, b = (" ".join(normalise(n.replace("&", " and ")).split()) for n in (upr_name, report_name))
    return a == b or ALIASES.get(a) == b or re.search(rf"\b{re.escape(a)}\b", b) is not None


def link(
    recommendations: Graph,
    reports: Graph,
    base: str = DEFAULT_BASE,
    progress: Callable[[list[Node]], Iterable[Node]] = iter,
) -> LinkResult:
    """Links from the UPR recommendations of ``recommendations`` to the paragraphs of
    ``reports`` (see the module docstring); ``progress`` wraps the recommendations, e.g. in a
    progress bar."""
    result = LinkResult(Graph())
    result.graph.bind("tp", TP)
    result.graph.bind("rec", resource_iri("recommendation", "", base))
    result.graph.bind("dp", resource_iri("document-part", "", base))
    result.graph.bind("match", resource_iri("match", "", base))
    segments = _segments(reports)
    recs = sorted(set(recommendations.subjects(TPNS.uprSession, None)), key=str)
    for rec in progress(recs):
        review = (recommendations.value(rec, TPNS.addressee), _int(recommendations, rec))
        country = recommendations.value(rec, TPNS.recommendedBy)
        names = _names(recommendations, country)
        text = normalise(str(recommendations.value(rec, SCHEMA.text)))
        if review not in segments:
            result.unlinked.append((str(rec), "no report of the same review among the inputs"))
            continue
        scores = _scores(text, names, segments[review])
        reason = _verdict(scores)
        if reason is not None:
            result.unlinked.append((str(rec), reason))
            continue
        (score, method, _), part = scores[0]
        match = _add_link(result.graph, rec, part, score, method, base)
        result.rows[match] = result.rows[URIRef(str(rec))] = str(rec)
        result.linked += 1
    return result


def _int(graph: Graph, node: Node) -> int:
    return int(str(graph.value(node, TPNS.uprSession)))


def _segments(reports: Graph) -> dict[tuple[Node | None, int], list[tuple[Node, str, list[str]]]]:
    """(paragraph, normalised text, States) of every recommendation, by review."""
    out: dict[tuple[Node | None, int], list[tuple[Node, str, list[str]]]] = defaultdict(list)
    for doc in reports.subjects(RDF.type, TPNS.UPRReport):
        review = (
            reports.value(doc, TPNS.concernsState),
            int(str(reports.value(doc, TPNS.reviewSession))),
        )
        for part in reports.subjects(_IS_PART_OF, doc):
            for text, states in segments(str(reports.value(part, SCHEMA.text))):
                out[review].append((part, normalise(text), states))
    return out


_IS_PART_OF = URIRef("http://purl.org/dc/terms/isPartOf")


def _names(graph: Graph, state: Node | None) -> list[str]:
    """Every name of a recommending State: its ``schema:name`` and ``skos:altLabel`` (the
    export's spelling, where it differs from the ISO name)."""
    found = [*graph.objects(state, SCHEMA.name), *graph.objects(state, SKOS.altLabel)]
    return sorted({str(name) for name in found})


def _scores(
    text: str, names: list[str], segments: list[tuple[Node, str, list[str]]]
) -> list[tuple[tuple[float, str, float], Node]]:
    """The best (score, method, plain ratio) per paragraph for the State of ``names``, best
    first (the plain ratio breaks ties on the score)."""
    best: dict[Node, tuple[float, str, float]] = {}
    for part, segment, states in segments:
        if not any(same_state(name, state) for name in names for state in states):
            continue
        score, method = max((scorer(text, segment), method) for method, scorer in _SCORERS)
        found = (score, method, fuzz.ratio(text, segment))
        if part not in best or (found[0], found[2]) > (best[part][0], best[part][2]):
            best[part] = found
    return sorted(((s, p) for p, s in best.items()), key=lambda x: (-x[0][0], -x[0][2], str(x[1])))


def _verdict(scores: list[tuple[tuple[float, str, float], Node]]) -> str | None:
    if not scores:
        return "no paragraph of the same review by the same recommending State"
    (score, _, ratio), part = scores[0]
    if score < THRESHOLD:
        return f"best paragraph {part} scores {score:.1f}, below {THRESHOLD:g}"
    if len(scores) > 1:
        (other, _, other_ratio), other_part = scores[1]
        if score - other < MARGIN and ratio - other_ratio < MARGIN:
            return f"ambiguous: {part} ({score:.1f}) and {other_part} ({other:.1f})"
    return None


def _add_link(graph: Graph, rec: Node, part: Node, score: float, method: str, base: str) -> URIRef:
    key = str(rec).rsplit("/", 1)[-1]
    match = URIRef(resource_iri("match", key, base))
    graph.add((rec, TPNS.reportParagraph, part))
    graph.add((match, RDF.type, TPNS.Match))
    graph.add((match, TPNS.matchedRecommendation, rec))
    graph.add((match, TPNS.matchedParagraph, part))
    graph.add((match, TPNS.matchScore, Literal(f"{score:.1f}", datatype=XSD.decimal)))
    graph.add((match, TPNS.matchMethod, Literal(f"{method}; {METHOD}")))
    return match


def read_turtle(paths: Iterable[str | Path]) -> Graph:
    """The union of the Turtle files ``paths`` (the inputs of :func:`link`).

    :raises InputError: if a file cannot be read or is not Turtle.
    """
    graph = Graph()
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from None
        try:
            graph.parse(data=data, format="turtle")
        except Exception as exc:  # rdflib raises many unrelated types on bad Turtle
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{path}: not Turtle ({first})") from None
    return graph
