"""Follow-up across review cycles: which recommendations of a later UPR review of a State repeat
recommendations of its earlier review.

Both sides are UPR Info rows (``tp:Recommendation`` with ``tp:addressee`` and
``tp:uprSession``). A later row repeats an earlier one when

* their texts score at least :data:`THRESHOLD` by :func:`score`: rapidfuzz's
  ``token_set_ratio`` on :func:`comparable` texts (the normalisation of
  :func:`kg.importers.upr_links.normalise`, treaty abbreviations written out, common function
  words dropped), so that "Ratify CRPD" meets "Consider ratifying the Convention on the Rights
  of Persons with Disabilities" and a short request inside a longer one still counts; and
* they share a theme: at least one ``dct:subject`` (a UPR Info issue or one of our themes).

Every pair that passes both is linked (a later row may repeat several earlier ones); no pair is
guessed: pairs that pass the score but share no theme, and pairs with a shared theme that score
less than :data:`NEAR` below the threshold, are listed for review, not linked.

>>> comparable("To ratify the OP-CAT and CRPD;")
'ratify optional protocol convention against torture convention rights persons disabilities'
>>> score("Ratify CRPD", "Ratify the Convention on the Rights of Persons with Disabilities")
100.0
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from kg.importers.upr import DCT, SCHEMA, TPNS
from kg.importers.upr_links import normalise
from kg.namespaces import DEFAULT_BASE, resource_iri

THRESHOLD = 85.0
#: Pairs with a shared theme scoring in [THRESHOLD - NEAR, THRESHOLD) are listed as near misses.
NEAR = 5.0
#: Treaty abbreviations of UPR Info texts, written out (after :func:`normalise`).
ABBREVIATIONS = {
    "cat": "convention against torture",
    "opcat": "optional protocol convention against torture",
    "op": "optional protocol",
    "iccpr": "international covenant civil political rights",
    "icescr": "international covenant economic social cultural rights",
    "crpd": "convention rights persons disabilities",
    "cprd": "convention rights persons disabilities",
    "icrmw": "international convention protection rights all migrant workers members families",
    "ohchr": "office high commissioner human rights",
}
#: Function words dropped before scoring (they make unrelated requests look alike).
STOP_WORDS = frozenset(
    "a an and any are as at be by for from in is it its of on or that the their this to which "
    "with".split()
)


def method(threshold: float) -> str:
    """The method string each link keeps (``tp:matchMethod``)."""
    return (
        "rapidfuzz 3 token_set_ratio on normalised text (lower case, punctuation dropped, a "
        "leading To or That dropped, treaty abbreviations CAT, OPCAT, OP, ICCPR, ICESCR, CRPD, "
        "ICRMW, OHCHR written out, function words dropped); candidates: the UPR Info rows of "
        "the earlier review of the same State; linked when the score is at least "
        f"{threshold:g} and the two rows share a dct:subject (UPR Info issue or theme)"
    )


@dataclass
class Listed:
    """A pair shown for review but not linked, with its score and why."""

    later: str
    earlier: str
    score: float
    reason: str


@dataclass
class FollowUpResult:
    """The links graph, the later rows read, how many repeat an earlier row, and the rest;
    ``rows``: each link's own nodes (its repeat node and the later recommendation) -> the
    later recommendation's IRI (a later recommendation's links stand or fall together)."""

    graph: Graph
    later: int = 0
    with_repeat: int = 0
    links: int = 0
    listed: list[Listed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[URIRef, str] = field(default_factory=dict)


def comparable(text: str) -> str:
    """``text`` normalised, abbreviations written out and function words dropped."""
    words = " ".join(ABBREVIATIONS.get(w, w) for w in normalise(text).split()).split()
    return " ".join(w for w in words if w not in STOP_WORDS)


def score(later: str, earlier: str) -> float:
    """The similarity (0-100) of two recommendation texts, one decimal."""
    return round(fuzz.token_set_ratio(comparable(later), comparable(earlier)), 1)


def link_repeats(
    recommendations: Graph,
    state: str,
    earlier: int,
    later: int,
    *,
    threshold: float = THRESHOLD,
    base: str = DEFAULT_BASE,
    progress: Callable[[list[Node]], Iterable[Node]] = iter,
) -> FollowUpResult:
    """Links from the recommendations of session ``later`` to ``state`` (ISO alpha-3) to the
    recommendations of session ``earlier`` they repeat (see the module docstring); ``progress``
    wraps the later rows, e.g. in a progress bar."""
    result = FollowUpResult(Graph())
    for prefix, kind in (("rec", "recommendation"), ("repeat", "repeat")):
        result.graph.bind(prefix, resource_iri(kind, "", base))
    result.graph.bind("tp", TPNS)
    addressee = URIRef(resource_iri("state", state, base))
    olds = list(_rows(recommendations, addressee, earlier, result))
    news = _review(recommendations, addressee, later)
    result.later = len(news)
    for rec in progress(news):
        row = _row(recommendations, rec, result)
        if row is None:
            continue
        found = 0
        for old, text, subjects in olds:
            value = score(row[0], text)
            shared = bool(row[1] & subjects)
            if value >= threshold and shared:
                node = _add_link(result.graph, rec, old, value, threshold, base)
                result.rows[node] = result.rows[URIRef(str(rec))] = str(rec)
                found += 1
            elif value >= threshold:
                result.listed.append(Listed(str(rec), str(old), value, "no shared theme"))
            elif shared and value >= threshold - NEAR:
                result.listed.append(Listed(str(rec), str(old), value, "near the threshold"))
        result.links += found
        result.with_repeat += found > 0
    return result


def _review(graph: Graph, addressee: URIRef, session: int) -> list[Node]:
    """The recommendations of one review, in IRI order."""
    recs = set(graph.subjects(TPNS.addressee, addressee))
    return sorted(
        (r for r in recs if str(graph.value(r, TPNS.uprSession)) == str(session)), key=str
    )


def _rows(
    graph: Graph, addressee: URIRef, session: int, result: FollowUpResult
) -> Iterable[tuple[Node, str, set[Node]]]:
    for rec in _review(graph, addressee, session):
        row = _row(graph, rec, result)
        if row is not None:
            yield rec, row[0], row[1]


def _row(graph: Graph, rec: Node, result: FollowUpResult) -> tuple[str, set[Node]] | None:
    """The text and subjects of ``rec``, or None (and the reason in ``result.skipped``)."""
    text, subjects = graph.value(rec, SCHEMA.text), set(graph.objects(rec, DCT.subject))
    if text is None or not str(text).strip():
        result.skipped.append((str(rec), "no text (schema:text)"))
        return None
    if not subjects:
        result.skipped.append((str(rec), "no theme or UPR Info issue (dct:subject)"))
        return None
    return str(text), subjects


def _add_link(
    graph: Graph, later: Node, earlier: Node, value: float, threshold: float, base: str
) -> URIRef:
    keys = (str(node).rsplit("/", 1)[-1] for node in (later, earlier))
    node = URIRef(resource_iri("repeat", "-".join(keys), base))
    graph.add((later, TPNS.repeats, earlier))
    graph.add((node, RDF.type, TPNS.RepeatMatch))
    graph.add((node, TPNS.laterRecommendation, later))
    graph.add((node, TPNS.earlierRecommendation, earlier))
    graph.add((node, TPNS.matchScore, Literal(f"{value:.1f}", datatype=XSD.decimal)))
    graph.add((node, TPNS.matchThreshold, Literal(f"{threshold:.1f}", datatype=XSD.decimal)))
    graph.add((node, TPNS.matchMethod, Literal(method(threshold))))
    return node
