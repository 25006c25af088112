"""What the store knows about the data being validated, and validation in that context.

A node is judged on everything known about it: the context holds the stored description of
every subject of the data (its triples, and those of the blank nodes they lead to), the
descriptions of the nodes that point at it (shapes use inverse paths), the types and labels
of every node all of these mention, and the class hierarchy. Only the data's own subjects
are focus nodes; nodes known only from the context are not judged.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph

from kg.errors import NotFound, PayloadTooLarge
from kg.intake import Payload
from kg.results import Term
from kg.store import Store
from kg.store.reads import construct
from kg.validation.engine import validate
from kg.validation.graphs import to_graph
from kg.validation.report import ValidationOutcome
from kg.validation.restated import drop_restated, drop_restated_literals
from kg.validation.shapes import load_shapes

Triple = tuple[Term, Term, Term]

#: Most context triples fetched by one query (a cap on memory, far above any real context).
CONTEXT_LIMIT = 1_000_000

#: The descriptions of the nodes in VALUES and of the nodes pointing at them, with blank
#: nodes followed three levels deep (``(!<urn:kg:none>)?`` is zero or one step of any kind).
_DESCRIPTIONS = """\
CONSTRUCT {{ ?n ?p ?o . ?o ?p1 ?o1 . ?o1 ?p2 ?o2 . ?o2 ?p3 ?o3 }}
WHERE {{
  VALUES ?s {{ {nodes} }}
  ?n (!<urn:kg:none>)? ?s .
  ?n ?p ?o .
  OPTIONAL {{ FILTER(isBlank(?o)) ?o ?p1 ?o1
    OPTIONAL {{ FILTER(isBlank(?o1)) ?o1 ?p2 ?o2
      OPTIONAL {{ FILTER(isBlank(?o2)) ?o2 ?p3 ?o3 }} }} }}
}}"""

_TYPES = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ ?n a ?t . ?n rdfs:label ?l . ?c rdfs:subClassOf ?d }}
WHERE {{
  {{ VALUES ?n {{ {nodes} }} ?n a ?t }}
  UNION {{ VALUES ?n {{ {nodes} }} ?n rdfs:label ?l }}
  UNION {{ ?c rdfs:subClassOf ?d }}
}}"""

_GRAPH_QUERY = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def _iri(value: str) -> str:
    # Parsed IRIs cannot hold these characters; escaping keeps the VALUES block well formed.
    return "<" + "".join(c if c not in '<>"{}|^`\\ ' else f"%{ord(c):02X}" for c in value) + ">"


def referenced_nodes(triples: Iterable[Triple]) -> list[str]:
    """The IRIs a set of triples mentions as subject or object, in first-seen order."""
    seen: dict[str, None] = {}
    for s, _, o in triples:
        for term in (s, o):
            if term.kind == "uri":
                seen.setdefault(term.value)
    return list(seen)


def _construct(store: Store, text: str) -> list[Triple]:
    return construct(store, text, CONTEXT_LIMIT)


def fetch_context(store: Store, triples: list[Triple], local: str = "") -> Graph:
    """The stored context of ``triples`` (see the module docstring), with two CONSTRUCTs.

    :param local: the prefix of the names a payload's blank nodes got: stored blank-node
        values that the payload restates are left out (:mod:`kg.validation.restated`).
    """
    subjects = list(dict.fromkeys(s.value for s, _, _ in triples if s.kind == "uri"))
    described = _construct(store, _DESCRIPTIONS.format(nodes=" ".join(map(_iri, subjects))))
    if local:
        described = drop_restated(described, triples, local)
    described = drop_restated_literals(described, triples)
    nodes = referenced_nodes([*triples, *described])
    typed = _construct(store, _TYPES.format(nodes=" ".join(map(_iri, nodes))))
    return to_graph([*described, *typed])


def graph_triples(store: Store, graph: str, limit: int) -> list[Triple]:
    """The triples of named graph ``graph``, refusing one of more than ``limit``.

    :raises NotFound: when there is no such graph.
    :raises PayloadTooLarge: when it holds more than ``limit`` triples.
    """
    if not store.has_graph(graph):
        raise NotFound(f"no graph <{graph}> in the store")
    rows = store.query(_GRAPH_QUERY, row_limit=limit, substitutions={"g": Term("uri", graph)})
    if rows.truncated:
        raise PayloadTooLarge(
            f"the graph <{graph}> holds more than {limit} triples, the most that "
            "is read at once (setting max_triples)"
        )
    return [(s, p, o) for s, p, o, _ in rows.rows if s and p and o]


def check_triples(
    store: Store, shapes: str, triples: list[Triple], local: str = ""
) -> ValidationOutcome:
    """Validate ``triples`` against the shapes under ``shapes``, in the context of ``store``
    (only their own subjects are focus nodes; ``local`` as for :func:`fetch_context`)."""
    subjects = list(dict.fromkeys(s.value for s, _, _ in triples if s.kind == "uri"))
    bundle = load_shapes(shapes)
    context = fetch_context(store, triples, local)
    return validate(to_graph(triples), context, subjects, shapes=bundle)


def check_payload(store: Store, shapes: str, payload: Payload) -> ValidationOutcome:
    """Validate a parsed payload in the context of ``store``."""
    return check_triples(store, shapes, payload.triples, payload.blank_prefix)


def check_graph(store: Store, shapes: str, graph: str, limit: int) -> ValidationOutcome:
    """Validate stored named graph ``graph`` (at most ``limit`` triples) in the context of
    the whole store.

    :raises NotFound: when there is no such graph.
    :raises PayloadTooLarge: when it holds more than ``limit`` triples.
    """
    return check_triples(store, shapes, graph_triples(store, graph, limit))
