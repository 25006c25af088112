"""The query page's server-rendered answer: a visitor's query run through :mod:`kg.web.reads`
(guarded, in the isolated workers) and shaped for an HTML table, with labels and links.

Labels cost one more query per page: the distinct IRIs of the shown rows that lie under the
base's ``id/`` (at most :data:`MAX_LABELLED`) are looked up together with ``VALUES``, their
``rdfs:label`` or ``skos:prefLabel`` (the smallest, so the answer is stable).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.query.plan import prepare
from kg.results import GRAPH_FORMS
from kg.web.labels import local_link, short
from kg.web.reads import Binding, run, select, state

#: Rows the HTML table shows at most (downloads have the whole result).
MAX_SHOWN = 1000
#: Distinct IRIs labelled at most per page (one query).
MAX_LABELLED = 1000
#: An IRI that can stand between ``<`` and ``>`` in a query as it is.
_SAFE_IRI = re.compile(r"[^\s<>\"{}|^`\\]+")
_LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s (MIN(STR(?l)) AS ?label) WHERE {{
  VALUES ?s {{ {values} }}
  ?s rdfs:label|skos:prefLabel ?l
}} GROUP BY ?s"""


@dataclass(frozen=True)
class Cell:
    """One table cell: the text shown, the link (if any), the full IRI or the note
    (language tag or datatype) shown beside a literal."""

    text: str
    href: str | None = None
    title: str | None = None
    note: str | None = None
    kind: str = "literal"


@dataclass
class Answer:
    """What the page shows for one query: a table, a boolean or a graph (Turtle)."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[Cell | None]] = field(default_factory=list)
    boolean: bool | None = None
    turtle: str | None = None
    size: int = 0

    @property
    def truncated(self) -> bool:
        """True when the table shows fewer rows than the result has."""
        return len(self.rows) < self.size and self.turtle is None and self.boolean is None


def query_form(text: str) -> str:
    """The query's form (``select``, ``construct``...), guarded as every query is.

    :raises KgError: for a query the guard refuses (size, update, SERVICE...).
    """
    return prepare(state().settings, text).form or "select"


def answer(text: str) -> Answer:
    """Run ``text`` and shape its result for the page.

    :raises KgError: for a refused, malformed or failed query.
    """
    form = query_form(text)
    if form in GRAPH_FORMS:
        body, size = run(text, "turtle")
        return Answer(form, turtle=body.decode("utf-8"), size=size)
    body, size = run(text, "json")
    data = json.loads(body)
    if "boolean" in data:
        return Answer(form, boolean=bool(data["boolean"]), size=1)
    bindings: list[Binding] = data["results"]["bindings"][:MAX_SHOWN]
    variables: list[str] = data["head"]["vars"]
    names = labels(term["value"] for b in bindings for term in b.values() if term["type"] == "uri")
    rows = [[cell(b.get(v), names) for v in variables] for b in bindings]
    return Answer(form, variables, rows, size=size)


def cell(term: dict[str, str] | None, names: dict[str, str]) -> Cell | None:
    """The cell for one SPARQL JSON term (None when unbound)."""
    if term is None:
        return None
    kind, value = term["type"], term["value"]
    if kind == "uri":
        local = local_link(value)
        return Cell(names.get(value, short(value)), local or value, value, kind=kind)
    if kind == "bnode":
        return Cell("_:" + value, kind=kind)
    note = "@" + term["xml:lang"] if "xml:lang" in term else None
    datatype = term.get("datatype")
    if note is None and datatype:
        note = short(datatype)
    return Cell(value, note=note, kind=kind)


def labels(iris: Iterable[str]) -> dict[str, str]:
    """The label of each local IRI among ``iris`` that has one (one query, capped)."""
    wanted = sorted({i for i in iris if local_link(i) and _SAFE_IRI.fullmatch(i)})
    if not wanted:
        return {}
    values = " ".join(f"<{iri}>" for iri in wanted[:MAX_LABELLED])
    found = select(_LABELS.format(values=values))
    return {b["s"]["value"]: b["label"]["value"] for b in found if "label" in b}
