"""Terms as people read them: labels, prefixed names, links, and a resource's statements.

:func:`describe` fetches, in one query, a resource's statements (outgoing, incoming, and
those of the blank nodes it leads to) with the label of every IRI shown. Labels are
``rdfs:label``, ``skos:prefLabel`` or ``dct:title``; IRIs in a namespace of
:data:`kg.namespaces.PREFIXES` are also shown by prefixed name (``tp:addressee``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.namespaces import PREFIXES
from kg.web.reads import Binding, select, state

#: Labels, in order of preference.
LABEL_PATH = "rdfs:label|skos:prefLabel|dct:title"
RDF_TYPE = PREFIXES["rdf"] + "type"
#: A local name a prefixed name may carry as it is (a safe part of SPARQL's PN_LOCAL).
_LOCAL = re.compile(r"[\w-](?:[\w.:-]*[\w:-])?")

QUERY_PREFIXES = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX dct: <http://purl.org/dc/terms/>\n"
)

_STATEMENTS = (
    QUERY_PREFIXES
    + """SELECT ?dir ?n ?p ?o (MIN(STR(?pl0)) AS ?pl) (MIN(STR(?ol0)) AS ?ol) WHERE {
  { ?resource ?p ?o BIND("out" AS ?dir) }
  UNION { ?o ?p ?resource BIND("in" AS ?dir) }
  UNION { ?resource ?x ?b FILTER(isBlank(?b)) ?b (!<urn:kg:none>)? ?n FILTER(isBlank(?n))
          ?n ?p ?o BIND("blank" AS ?dir) }
  OPTIONAL { ?p """
    + LABEL_PATH
    + """ ?pl0 }
  OPTIONAL { ?o """
    + LABEL_PATH
    + """ ?ol0 }
} GROUP BY ?dir ?n ?p ?o ORDER BY DESC(?dir) ?n ?p ?o"""
)


def iri_ref(value: str) -> str:
    """``value`` as a SPARQL IRI reference, with the characters an IRI cannot hold
    percent-encoded (so the query stays well formed whatever the value).

    >>> iri_ref('https://example.org/a b>')
    '<https://example.org/a%20b%3E>'
    """
    bad = '<>"{}|^`\\ '
    return "<" + "".join(c if c not in bad and c >= " " else f"%{ord(c):02X}" for c in value) + ">"


def select_about(text: str, iri: str) -> list[Binding]:
    """The bindings of ``text`` with ``?resource`` replaced by ``iri`` in the text itself:
    the engine plans around a constant, where a substituted variable makes it scan first
    and filter after (64 ms against 1 ms for the evidence query of a small resource)."""
    return select(text.replace("?resource", iri_ref(iri)))


def curie(iri: str) -> str | None:
    """The prefixed name of ``iri`` in the longest known namespace it starts with, when the
    rest is a local name a prefixed name may have (no ``/``, ``#``, spaces); else ``None``.

    >>> curie("https://w3id.org/tpkg/ontology#addressee"), curie("https://schema.org/name")
    ('tp:addressee', 'schema:name')
    >>> curie("https://example.org/x") is None, curie("https://schema.org/a/b") is None
    (True, True)
    """
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None or not _LOCAL.fullmatch(iri[len(best) :]):
        return None
    prefix = next(p for p, ns in PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def short(iri: str) -> str:
    """``iri`` as a prefixed name where one fits (:func:`curie`), else as it is."""
    return curie(iri) or iri


def local_link(iri: str) -> str | None:
    """The path this server answers for an IRI under the base (``/id/...``, ``/graph/...``,
    the ontology's and the shapes' terms), if any."""
    base = state().settings.base_iri
    if not iri.startswith(base):
        return None
    rest = iri[len(base) :]
    if rest.startswith(("id/", "graph/")) and rest not in ("id/", "graph/"):
        return "/" + rest
    for document in ("ontology", "shapes"):
        if rest == document or rest.startswith(document + "#"):
            return "/" + rest
    return None


@dataclass(frozen=True)
class Shown:
    """One term as a page shows it: its text, and for an IRI where it links to."""

    kind: str
    value: str
    label: str | None = None
    lang: str | None = None
    datatype: str | None = None
    href: str | None = None

    @property
    def name(self) -> str | None:
        """The prefixed name (IRIs in a known namespace) or None."""
        return curie(self.value) if self.kind == "uri" else None

    @property
    def text(self) -> str:
        """What to read: the label, else the prefixed name, else the IRI or literal."""
        return self.label or self.name or self.value

    @property
    def datatype_name(self) -> str | None:
        """The datatype by prefixed name (``xsd:date``), None for plain strings."""
        if not self.datatype or self.datatype.endswith("#string"):
            return None
        return curie(self.datatype) or self.datatype


@dataclass
class Group:
    """The values of one property, the property shown by label."""

    prop: Shown
    values: list[Shown] = field(default_factory=list)


@dataclass
class Description:
    """What a page shows of a resource: its types, outgoing and incoming groups, and the
    statements of the blank nodes it leads to (by blank node id)."""

    types: list[Shown]
    outgoing: list[Group]
    incoming: list[Group]
    blanks: dict[str, list[Group]]
    size: int
    truncated: bool

    @property
    def empty(self) -> bool:
        """True when nothing is known about the resource."""
        return self.size == 0


Linker = Callable[[str], str | None]


def shown(term: dict[str, str], label: str | None, link: Linker) -> Shown:
    """A SPARQL JSON term as :class:`Shown`; ``link`` maps an IRI to a local path."""
    kind = "literal" if term["type"] in ("literal", "typed-literal") else term["type"]
    href = (link(term["value"]) or term["value"]) if kind == "uri" else None
    return Shown(kind, term["value"], label, term.get("xml:lang"), term.get("datatype"), href=href)


def _label(row: Binding, name: str) -> str | None:
    found = row.get(name)
    return found["value"] if found else None


def _grouped(rows: list[tuple[Shown, Shown]]) -> list[Group]:
    groups: dict[str, Group] = {}
    for prop, value in rows:
        groups.setdefault(prop.value, Group(prop)).values.append(value)
    return sorted(groups.values(), key=lambda g: (g.prop.text.lower(), g.prop.value))


def describe(iri: str, link: Linker, row_limit: int) -> Description:
    """The statements about ``iri`` with the labels of every IRI shown (one query).

    :param link: maps an IRI to the local path that answers for it (or None).
    :param row_limit: the server's row cap: a result this long is marked truncated.
    """
    rows = select_about(_STATEMENTS, iri)
    out: list[tuple[Shown, Shown]] = []
    into: list[tuple[Shown, Shown]] = []
    blank: dict[str, list[tuple[Shown, Shown]]] = {}
    types: list[Shown] = []
    for row in rows:
        prop = shown(row["p"], _label(row, "pl"), link)
        value = shown(row["o"], _label(row, "ol"), link)
        direction = row["dir"]["value"]
        if direction == "blank":
            blank.setdefault(row["n"]["value"], []).append((prop, value))
        elif direction == "in":
            into.append((prop, value))
        elif prop.value == RDF_TYPE:
            types.append(value)
        else:
            out.append((prop, value))
    blanks = {node: _grouped(pairs) for node, pairs in blank.items()}
    size = sum(1 for row in rows if row["dir"]["value"] != "blank")
    return Description(types, _grouped(out), _grouped(into), blanks, size, len(rows) >= row_limit)
