"""The evidence a resource page shows: sources, quoted passages, and disagreeing claims.

Facts name their source document (``dct:source``); a fact taken from the NGO statement is
the body of a Web Annotation whose target quotes the passage (``oa:exact``); a numbered
paragraph of a UN document (``tp:paragraphNumber``) quotes its text (``schema:text``). A page shows
this for the resource and for every node that points at it (a State's page lists the
recommendations addressed to it, each with its passage and source). Claims
(``tp:Claim``, reified statements with their own source) about the resource are grouped by
property; where they give different values, the sources disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.web.labels import QUERY_PREFIXES, Linker, Shown, select_about, shown
from kg.web.reads import Binding

_PREFIXES = (
    QUERY_PREFIXES
    + "PREFIX oa: <http://www.w3.org/ns/oa#>\n"
    + "PREFIX schema: <https://schema.org/>\n"
    + "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    + "PREFIX tp: <https://w3id.org/tpkg/ontology#>\n"
)

#: Documents' details, for ``?doc`` bound.
_DOCUMENT = """
  OPTIONAL { ?doc dct:identifier ?symbol }
  OPTIONAL { ?doc rdfs:label|dct:title ?title }
  OPTIONAL { ?doc dct:date ?date }
  OPTIONAL { ?doc schema:url ?url }"""

#: The sources of the resource (``?node`` unbound) and of each node pointing at it: the
#: documents their annotations quote (for an annotation, its own quote), their
#: ``dct:source``, and for a numbered paragraph of a document its text, quoted from that
#: document. Each branch is one pattern that starts from the resource, so that the engine
#: never scans every source.
_EVIDENCE = (
    _PREFIXES
    + """SELECT ?node ?doc ?exact (MIN(STR(?symbol0)) AS ?symbol)
  (MIN(STR(?title0)) AS ?title) (MIN(STR(?date0)) AS ?date) (MIN(STR(?url0)) AS ?url) WHERE {
  { ?ann oa:hasBody ?resource ; oa:hasTarget ?target . ?target oa:hasSource ?doc .
    OPTIONAL { ?target oa:hasSelector ?selector . ?selector oa:exact ?exact } }
  UNION { ?resource dct:source ?doc }
  UNION { ?resource oa:hasTarget ?target . ?target oa:hasSource ?doc .
    OPTIONAL { ?target oa:hasSelector ?selector . ?selector oa:exact ?exact } }
  UNION { ?node ?q ?resource . ?ann oa:hasBody ?node ; oa:hasTarget ?target .
    ?target oa:hasSource ?doc . FILTER(isIRI(?node))
    OPTIONAL { ?target oa:hasSelector ?selector . ?selector oa:exact ?exact } }
  UNION { ?node ?q ?resource . ?node dct:source ?doc . FILTER(isIRI(?node)) }
  UNION { ?resource dct:isPartOf ?doc ; tp:paragraphNumber ?number ; schema:text ?exact }
  UNION { ?node ?q ?resource . ?node dct:isPartOf ?doc ; tp:paragraphNumber ?number ;
    schema:text ?exact . FILTER(isIRI(?node)) }"""
    + _DOCUMENT.replace("?symbol", "?symbol0")
    .replace("?title", "?title0")
    .replace("?date", "?date0")
    .replace("?url", "?url0")
    + """
} GROUP BY ?node ?doc ?exact ORDER BY DESC(BOUND(?exact)) ?node ?doc ?exact"""
)

_CLAIMS = (
    _PREFIXES
    + """SELECT ?claim ?p ?o ?doc (MIN(STR(?label0)) AS ?label) (MIN(STR(?pl0)) AS ?pl)
  (MIN(STR(?symbol0)) AS ?symbol) (MIN(STR(?title0)) AS ?title) (MIN(STR(?date0)) AS ?date)
  (MIN(STR(?url0)) AS ?url) WHERE {
  ?claim a tp:Claim ; rdf:subject ?resource ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?claim rdfs:label ?label0 }
  OPTIONAL { ?p rdfs:label ?pl0 }
  OPTIONAL { ?claim dct:source ?doc }
"""
    + _DOCUMENT.replace("?symbol", "?symbol0")
    .replace("?title", "?title0")
    .replace("?date", "?date0")
    .replace("?url", "?url0")
    + """
} GROUP BY ?claim ?p ?o ?doc ORDER BY ?p ?o ?claim"""
)


@dataclass(frozen=True)
class Source:
    """A source document: its node, UN symbol, title, date and web address, as given."""

    node: Shown
    symbol: str | None
    title: str | None
    date: str | None
    url: str | None

    @property
    def web(self) -> str | None:
        """The web address as a link target (``schema:url`` may lack the scheme)."""
        if not self.url:
            return None
        return self.url if "://" in self.url else "https://" + self.url


@dataclass
class Evidence:
    """Where a node's facts come from: its sources, and the passages quoted from them."""

    node: str
    sources: list[Source] = field(default_factory=list)
    quotes: list[tuple[str, Source]] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """One claim about the resource: the value it gives and its source."""

    node: Shown
    value: Shown
    source: Source | None


@dataclass
class ClaimGroup:
    """The claims about one property; they disagree when they give different values."""

    prop: Shown
    claims: list[Claim] = field(default_factory=list)

    @property
    def disagree(self) -> bool:
        """True when the claims give more than one value."""
        return len({(c.value.value, c.value.datatype) for c in self.claims}) > 1


def _value(row: Binding, name: str) -> str | None:
    found = row.get(name)
    return found["value"] if found else None


def _source(row: Binding, link: Linker) -> Source | None:
    if "doc" not in row:
        return None
    node = shown(row["doc"], _value(row, "title"), link)
    fields = (_value(row, n) for n in ("symbol", "title", "date", "url"))
    return Source(node, *fields)


def evidence(iri: str, link: Linker, row_limit: int) -> tuple[dict[str, Evidence], bool]:
    """The evidence for ``iri`` and for each node pointing at it, by node IRI, and whether
    the list was cut by the row cap ``row_limit`` (quoted passages come first)."""
    rows = select_about(_EVIDENCE, iri)
    found: dict[str, Evidence] = {}
    for row in rows:
        source = _source(row, link)
        if source is None:
            continue
        node = row["node"]["value"] if "node" in row else iri
        item = found.setdefault(node, Evidence(node))
        if "exact" in row:
            item.quotes.append((row["exact"]["value"], source))
        if source.node.value not in {s.node.value for s in item.sources}:
            item.sources.append(source)
    return found, len(rows) >= row_limit


def claims(iri: str, link: Linker) -> list[ClaimGroup]:
    """The claims whose ``rdf:subject`` is ``iri``, grouped by property."""
    groups: dict[str, ClaimGroup] = {}
    for row in select_about(_CLAIMS, iri):
        prop = shown(row["p"], _value(row, "pl"), link)
        group = groups.setdefault(prop.value, ClaimGroup(prop))
        node = shown(row["claim"], _value(row, "label"), link)
        group.claims.append(Claim(node, shown(row["o"], None, link), _source(row, link)))
    return list(groups.values())
