"""Search the graph's labels and texts: one function, :func:`search`.

Today it is one SPARQL query run through the caller's ``run_select`` (on the web: the guarded,
isolated query workers, under the visitor's budget and time limit); a full-text engine can
replace its inside without changing its callers. The visitor's text never becomes query text:
the phrase and its words are bound to variables (``substitutions``), so a quote or a brace in
it is only something to look for.

Matching is case-insensitive: a subject matches when one of its label or text values contains
every word of the search text. Hits are ranked: the whole phrase before the words apart,
labels before other names before quoted texts before notes, then shorter values first,
then resources typed by the ontology before others.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kg.errors import BadRequest
from kg.results import Term

#: One SPARQL JSON binding: variable -> {"type", "value", ...}.
Row = Mapping[str, Mapping[str, str]]
#: Runs a SELECT with the given variables bound; returns its bindings.
RunSelect = Callable[[str, Mapping[str, Term]], Sequence[Row]]

MAX_TEXT = 200
MAX_WORDS = 8
MAX_LIMIT = 50
DEFAULT_LIMIT = 20
SNIPPET = 160

#: The properties searched, with their rank (lower first): names, other names, texts, notes.
PROPERTIES = (
    ("http://www.w3.org/2000/01/rdf-schema#label", 0),
    ("http://www.w3.org/2004/02/skos/core#prefLabel", 0),
    ("http://purl.org/dc/terms/title", 0),
    ("https://schema.org/name", 1),
    ("http://www.w3.org/2004/02/skos/core#altLabel", 1),
    ("http://www.w3.org/2004/02/skos/core#notation", 1),
    ("http://purl.org/dc/terms/identifier", 1),
    ("https://schema.org/text", 2),
    ("https://w3id.org/tpkg/ontology#statusText", 3),
    ("http://purl.org/dc/terms/description", 3),
    ("http://www.w3.org/2004/02/skos/core#definition", 3),
    ("http://www.w3.org/2004/02/skos/core#note", 3),
    ("http://www.w3.org/2000/01/rdf-schema#comment", 3),
)
_VALUES = " ".join(f"(<{iri}> {rank})" for iri, rank in PROPERTIES)
_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?s ?prop ?text ?label ?type ?typeLabel ?phrase %(words)s WHERE {
  { SELECT ?s ?prop ?text ?weight ?apart ?phrase %(words)s WHERE {
      { VALUES (?prop ?weight) { %(values)s } ?s ?prop ?text }
      UNION { ?s oa:hasTarget/oa:hasSelector/oa:exact ?text
              BIND(oa:exact AS ?prop) BIND(2 AS ?weight) }
      FILTER(isIRI(?s) && isLiteral(?text))
      BIND(LCASE(STR(?text)) AS ?low)
      FILTER(%(contains)s)
      BIND(IF(CONTAINS(?low, LCASE(?phrase)), 0, 1) AS ?apart)
    } ORDER BY ?apart ?weight STRLEN(?text) ?s LIMIT %(rows)d }
  OPTIONAL { ?s rdfs:label ?l1 } OPTIONAL { ?s skos:prefLabel ?l2 } OPTIONAL { ?s dct:title ?l3 }
  BIND(COALESCE(?l1, ?l2, ?l3, ?text) AS ?label)
  OPTIONAL { ?s a ?type OPTIONAL { ?type rdfs:label ?typeLabel } }
  BIND(IF(STRSTARTS(STR(?type), "https://w3id.org/tpkg/ontology#"), 0, 1) AS ?foreign)
}
ORDER BY ?apart ?weight STRLEN(?text) ?foreign ?s ?type"""


@dataclass(frozen=True)
class Hit:
    """One matching resource: its IRI, label, type (IRI and label, may be empty), the
    property whose value matched and a snippet of that value around the match."""

    iri: str
    label: str
    type: str
    type_label: str
    property: str
    snippet: str


def words(text: str) -> list[str]:
    """The words of a search text (lower case, at most :data:`MAX_WORDS`); the stripped text
    itself when it has no word characters.

    >>> words('Statute of "limitations"}')
    ['statute', 'of', 'limitations']
    """
    found = re.findall(r"\w+", text.lower())[:MAX_WORDS]
    return found or [text.strip().lower()]


def query_text(count: int, rows: int) -> str:
    """The SPARQL text for ``count`` words (bound as ``?w0``...) returning ``rows`` rows."""
    names = [f"?w{i}" for i in range(count)]
    contains = " && ".join(f"CONTAINS(?low, LCASE({name}))" for name in names)
    return _QUERY % {
        "words": " ".join(names),
        "values": _VALUES,
        "contains": contains,
        "rows": rows,
    }


def checked(text: str, limit: int) -> str:
    """The search text, stripped, within the caps.

    :raises BadRequest: when it is empty or over :data:`MAX_TEXT` characters, or ``limit``
        is not between 1 and :data:`MAX_LIMIT`.
    """
    stripped = text.strip()
    if not stripped:
        raise BadRequest("the search text is empty")
    if len(stripped) > MAX_TEXT:
        raise BadRequest(f"the search text has {len(stripped)} characters; at most {MAX_TEXT}")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}")
    return stripped


def search(run_select: RunSelect, text: str, limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """The resources whose labels or texts contain every word of ``text``, best first.

    :param run_select: runs a SELECT with variables bound (e.g. :func:`kg.web.reads.select_terms`).
    :param text: what the visitor typed (any characters; it is bound, never pasted).
    :param limit: at most this many hits (1 to :data:`MAX_LIMIT`).
    :raises BadRequest: see :func:`checked`; and whatever ``run_select`` raises (timeout...).
    """
    phrase = checked(text, limit)
    found = words(phrase)
    bound = {"phrase": Term("literal", phrase)}
    bound.update({f"w{i}": Term("literal", word) for i, word in enumerate(found)})
    rows = run_select(query_text(len(found), limit * 8), bound)
    hits: dict[str, Hit] = {}
    for row in rows:
        iri = row["s"]["value"]
        if iri not in hits and len(hits) < limit:
            hits[iri] = _hit(row, found)
    return list(hits.values())


def _value(row: Row, name: str) -> str:
    return row[name]["value"] if name in row else ""


def _hit(row: Row, found: list[str]) -> Hit:
    return Hit(
        iri=row["s"]["value"],
        label=_value(row, "label"),
        type=_value(row, "type"),
        type_label=_value(row, "typeLabel"),
        property=row["prop"]["value"],
        snippet=snippet(row["text"]["value"], found[0]),
    )


def snippet(text: str, word: str, width: int = SNIPPET) -> str:
    """At most about ``width`` characters of ``text`` around the first ``word`` (ellipses
    mark what is cut).

    >>> snippet("a" * 100 + " torture " + "b" * 100, "torture", 20)
    '…aaaaa torture bbbbbb…'
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    at = max(flat.lower().find(word), 0)
    start = max(0, at - (width - len(word)) // 2)
    end = min(len(flat), start + width)
    start = max(0, end - width)
    head = "…" if start else ""
    tail = "…" if end < len(flat) else ""
    return head + flat[start:end].strip() + tail
