"""Contributions: validate in context, then write data and record atomically; withdraw; read.

Writes go through :class:`kg.store.StoreAccess`, the single writer, which also decides when
readers see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.config import Settings
from kg.errors import Gone, NotFound, ValidationFailed
from kg.intake import Payload
from kg.provenance import (
    Record,
    contribution_graph,
    contribution_record,
    contributions_graph,
    read_record,
    withdrawal_record,
)
from kg.results import Term
from kg.store import Store, StoreAccess
from kg.validation import ValidationOutcome, fetch_context, load_shapes, to_graph, validate

Triple = tuple[Term, Term, Term]
_GRAPH_QUERY = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Receipt:
    """What a contribution request did: its id, graph, record and warnings."""

    id: str
    graph: str
    record: Record
    created: bool = False
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The receipt as JSON-ready data."""
        r = self.record
        return {
            "id": self.id,
            "graph": self.graph,
            "location": f"/contributions/{self.id}",
            "created": self.created,
            "contributor": r.contributor,
            "contributorIri": r.contributor_iri,
            "generatedAtTime": r.generated_at,
            "source": r.source,
            "sha256": r.sha256,
            "shapesVersion": r.shapes_version,
            "triples": r.triples,
            "withdrawnAtTime": r.withdrawn_at,
            "warnings": self.warnings,
        }


def check_payload(store: Store, settings: Settings, payload: Payload) -> ValidationOutcome:
    """Validate a payload in the context of ``store`` (only its own subjects are focus)."""
    shapes = load_shapes(settings.shapes)
    context = fetch_context(store, payload.triples)
    return validate(to_graph(payload.triples), context, payload.subjects, shapes=shapes)


def graph_triples(store: Store, graph: str, limit: int) -> list[Triple]:
    """The triples of named graph ``graph`` (at most ``limit``).

    :raises NotFound: when there is no such graph.
    """
    if not store.has_graph(graph):
        raise NotFound(f"no graph <{graph}> in the store")
    rows = store.query(_GRAPH_QUERY, row_limit=limit, substitutions={"g": Term("uri", graph)})
    return [(s, p, o) for s, p, o, _ in rows.rows if s and p and o]


def check_graph(store: Store, settings: Settings, graph: str) -> ValidationOutcome:
    """Validate a stored named graph in the context of the whole store.

    :raises NotFound: when there is no such graph.
    """
    triples = graph_triples(store, graph, 10**7)
    subjects = list(dict.fromkeys(s.value for s, _, _ in triples if s.kind == "uri"))
    shapes = load_shapes(settings.shapes)
    return validate(to_graph(triples), fetch_context(store, triples), subjects, shapes=shapes)


def contribute(
    access: StoreAccess,
    payload: Payload,
    contributor: str,
    source: str | None = None,
) -> Receipt:
    """Validate ``payload`` in context and store it with its record in one transaction.

    An identical payload already stored is answered with its receipt (``created`` False).

    :raises ValidationFailed: when it does not conform (nothing is written).
    :raises Gone: when this exact payload was contributed and withdrawn.
    """
    settings = access.settings
    cid = payload.contribution_id
    graph = contribution_graph(cid, settings.base_iri)
    existing = _existing(access.reader(), graph, cid, settings.base_iri)
    if existing:
        return existing
    outcome = check_payload(access.reader(), settings, payload)
    if not outcome.conforms:
        counts = outcome.counts()
        raise ValidationFailed(
            f"the contribution does not conform to the shapes: {counts['Violation']} "
            "violation(s); nothing was written",
            outcome,
        )
    record = contribution_record(
        graph,
        contributor=contributor,
        sha256=payload.sha256,
        shapes_version=load_shapes(settings.shapes).version,
        triples=len(payload.triples),
        source=source,
        base=settings.base_iri,
    )
    records = contributions_graph(settings.base_iri)
    with access.writing() as store:
        existing = _existing(store, graph, cid, settings.base_iri)
        if existing:
            return existing
        store.add_quads([(*t, graph) for t in payload.triples] + [(*t, records) for t in record])
        stored = read_record(store, graph, settings.base_iri)
    assert stored is not None
    warnings = [r.__dict__ for r in outcome.results]
    return Receipt(cid, graph, stored, created=True, warnings=warnings)


def _existing(store: Store, graph: str, cid: str, base: str) -> Receipt | None:
    record = read_record(store, graph, base)
    if record is None:
        return None
    if record.withdrawn_at:
        raise Gone(f"contribution {cid} was withdrawn at {record.withdrawn_at}")
    return Receipt(cid, graph, record)


def withdraw(access: StoreAccess, contribution_id: str) -> Receipt:
    """Remove a contribution's data graph and record the withdrawal, in one transaction.

    :raises NotFound: for an unknown id.
    :raises Gone: when it was already withdrawn.
    """
    base = access.settings.base_iri
    graph = contribution_graph(contribution_id, base)
    with access.writing() as store:
        record = read_record(store, graph, base)
        if record is None:
            raise NotFound(f"no contribution {contribution_id}")
        if record.withdrawn_at:
            raise Gone(f"contribution {contribution_id} was withdrawn at {record.withdrawn_at}")
        marks = [(*t, contributions_graph(base)) for t in withdrawal_record(graph)]
        store.drop_graph_and_add(graph, marks)
        stored = read_record(store, graph, base)
    assert stored is not None
    return Receipt(contribution_id, graph, stored)


def fetch(access: StoreAccess, contribution_id: str) -> tuple[Receipt, list[Triple]]:
    """A contribution's receipt and data triples.

    :raises NotFound: for an unknown id.
    :raises Gone: for a withdrawn contribution.
    """
    base = access.settings.base_iri
    graph = contribution_graph(contribution_id, base)
    store = access.reader()
    receipt = _existing(store, graph, contribution_id, base)
    if receipt is None:
        raise NotFound(f"no contribution {contribution_id}")
    return receipt, graph_triples(store, graph, 10**7)
