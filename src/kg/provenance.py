"""PROV-O records of contributions: who, when, from what source, which bytes, which shapes.

Every contribution's data lives in its own named graph; its record (subject: that graph's
IRI) lives in the ``system/contributions`` graph, so records outlive withdrawn data.

>>> agent_iri("Jane Doe")
'https://w3id.org/tpkg/id/contributor/jane-doe'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from kg.namespaces import DEFAULT_BASE, PREFIXES, TP, graph_iri, resource_iri
from kg.results import Term
from kg.store import Store

CONTRIBUTIONS_GRAPH_NAME = "system/contributions"

_PROV, _DCT, _XSD, _RDFS = PREFIXES["prov"], PREFIXES["dct"], PREFIXES["xsd"], PREFIXES["rdfs"]
_RDF_TYPE = PREFIXES["rdf"] + "type"
_RECORD_QUERY = (
    "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dct: <http://purl.org/dc/terms/> "
    "PREFIX tp: <https://w3id.org/tpkg/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?agent ?name ?at ?source ?sha ?shapes ?triples ?gone ?g ?records "
    "WHERE { GRAPH ?records { "
    "?g tp:sha256 ?sha ; prov:generatedAtTime ?at ; prov:wasAttributedTo ?agent . "
    "OPTIONAL { ?agent rdfs:label ?name } OPTIONAL { ?g dct:source ?source } "
    "OPTIONAL { ?g tp:shapesVersion ?shapes } OPTIONAL { ?g tp:tripleCount ?triples } "
    "OPTIONAL { ?g prov:invalidatedAtTime ?gone } } }"
)

Triple = tuple[Term, Term, Term]


@dataclass(frozen=True)
class Record:
    """The provenance of one contribution, as read back from the store."""

    graph: str
    contributor: str
    contributor_iri: str
    generated_at: str
    source: str | None
    sha256: str
    shapes_version: str | None
    triples: int
    withdrawn_at: str | None


def now() -> str:
    """The current UTC time as an ``xsd:dateTime`` lexical form."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def contributions_graph(base: str = DEFAULT_BASE) -> str:
    """IRI of the graph holding every contribution record."""
    return graph_iri(CONTRIBUTIONS_GRAPH_NAME, base)


def contribution_graph(contribution_id: str, base: str = DEFAULT_BASE) -> str:
    """IRI of the named graph holding one contribution's data."""
    return graph_iri(f"contribution/{contribution_id}", base)


def agent_iri(name: str, base: str = DEFAULT_BASE) -> str:
    """IRI of a contributor (a ``prov:Agent``) from their name."""
    key = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "anonymous"
    return resource_iri("contributor", key, base)


def _uri(value: str) -> Term:
    return Term("uri", value)


def contribution_record(
    graph: str,
    *,
    contributor: str,
    sha256: str,
    shapes_version: str,
    triples: int,
    source: str | None = None,
    when: str | None = None,
    base: str = DEFAULT_BASE,
) -> list[Triple]:
    """The PROV-O triples recording a contribution (written with its data, atomically)."""
    g, agent = _uri(graph), _uri(agent_iri(contributor, base))
    out: list[Triple] = [
        (g, _uri(_RDF_TYPE), _uri(_PROV + "Entity")),
        (g, _uri(_PROV + "wasAttributedTo"), agent),
        (g, _uri(_PROV + "generatedAtTime"), Term("literal", when or now(), _XSD + "dateTime")),
        (g, _uri(TP + "sha256"), Term("literal", sha256)),
        (g, _uri(TP + "shapesVersion"), Term("literal", shapes_version)),
        (g, _uri(TP + "tripleCount"), Term("literal", str(triples), _XSD + "integer")),
        (agent, _uri(_RDF_TYPE), _uri(_PROV + "Agent")),
        (agent, _uri(_RDFS + "label"), Term("literal", contributor)),
    ]
    if source:
        out.append((g, _uri(_DCT + "source"), _uri(source)))
    return out


def withdrawal_record(graph: str, when: str | None = None) -> list[Triple]:
    """The triple recording that a contribution was withdrawn."""
    stamp = Term("literal", when or now(), _XSD + "dateTime")
    return [(_uri(graph), _uri(_PROV + "invalidatedAtTime"), stamp)]


def read_record(store: Store, graph: str, base: str = DEFAULT_BASE) -> Record | None:
    """The record of the contribution stored in ``graph``, or None when there is none."""
    result = store.query(
        _RECORD_QUERY,
        row_limit=1,
        substitutions={"g": _uri(graph), "records": _uri(contributions_graph(base))},
    )
    if not result.rows:
        return None
    agent, name, at, source, sha, shapes, count, gone = result.rows[0][:8]
    assert agent is not None and at is not None and sha is not None
    return Record(
        graph=graph,
        contributor=name.value if name else agent.value,
        contributor_iri=agent.value,
        generated_at=at.value,
        source=source.value if source else None,
        sha256=sha.value,
        shapes_version=shapes.value if shapes else None,
        triples=int(count.value) if count else 0,
        withdrawn_at=gone.value if gone else None,
    )


def record_triples(store: Store, graph: str, base: str = DEFAULT_BASE) -> list[Triple]:
    """Every triple of the records graph about ``graph`` and its contributor."""
    query = (
        "SELECT ?s ?p ?o ?g ?records WHERE { GRAPH ?records { "
        "{ ?g ?p ?o BIND(?g AS ?s) } UNION "
        "{ ?g <http://www.w3.org/ns/prov#wasAttributedTo> ?s . ?s ?p ?o } } }"
    )
    result = store.query(
        query,
        row_limit=1000,
        substitutions={"g": _uri(graph), "records": _uri(contributions_graph(base))},
    )
    return [(s, p, o) for s, p, o, *_ in result.rows if s and p and o]
