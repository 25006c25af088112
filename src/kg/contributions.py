"""Contributions: validate in context, then write data and record atomically; withdraw; read.

Reading and validating happen in isolated processes (:class:`ContributionCheck` through the
validation gateway, :class:`ContributionRead` through the query executor); only the write
runs here, through :class:`kg.store.StoreAccess`, the single writer, which also decides when
readers see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Self

from kg.config import Settings
from kg.errors import Gone, NotFound, ValidationFailed
from kg.intake import Payload
from kg.provenance import (
    Record,
    contribution_graph,
    contribution_record,
    contributions_graph,
    read_record,
    record_triples,
    withdrawal_record,
)
from kg.results import Term
from kg.store import Store, StoreAccess, Version
from kg.validation.task import Limits, LowPriorityTask

if TYPE_CHECKING:
    from kg.query.worker import WorkerConfig
    from kg.validation import ValidationGateway, ValidationOutcome, Verdict

Triple = tuple[Term, Term, Term]


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
    """Validate a payload in the context of ``store``, in this process (tests, benchmarks)."""
    from kg.validation.context import check_payload as check

    return check(store, settings.shapes, payload)


@dataclass(frozen=True)
class Checked:
    """A contribution check's answer: the stored receipt of identical bytes, or the parsed
    payload with its verdict."""

    existing: Receipt | None
    payload: Payload | None = None
    verdict: Verdict | None = None


@dataclass(frozen=True)
class ContributionCheck(LowPriorityTask):
    """Parse posted bytes safely, look for an identical stored contribution, else validate."""

    data: bytes
    fmt: str
    limits: Limits
    shapes: str

    def check(self, store: Store) -> Checked:
        """The check against ``store``.

        :raises Gone: when these exact bytes were contributed and withdrawn.
        :raises KgError: the intake's refusals.
        """
        from kg.validation.context import check_payload as check

        base = self.limits.base
        payload = self.limits.read(self.data, self.fmt)
        cid = payload.contribution_id
        existing = _existing(store, contribution_graph(cid, base), cid, base)
        if existing:
            return Checked(existing)
        return Checked(None, payload, check(store, self.shapes, payload).verdict())


@dataclass(frozen=True)
class ContributionRead:
    """A contribution's receipt and, unless ``fmt`` is ``json``, its data and record written
    as ``fmt`` (``turtle``, ``trig``, ``json-ld``); at most ``limit`` data triples."""

    contribution_id: str
    base: str
    fmt: str
    limit: int
    version: Version = (0, 0, 0)

    def at(self, version: Version) -> Self:
        """This task, to be run on a snapshot of ``version``."""
        return replace(self, version=version)

    def run(self, store: Store, config: WorkerConfig) -> tuple[Receipt, bytes]:
        """In a worker: :meth:`check`."""
        return self.check(store)

    def check(self, store: Store) -> tuple[Receipt, bytes]:
        """The receipt and the written body.

        :raises NotFound: for an unknown id.
        :raises Gone: for a withdrawn contribution.
        :raises PayloadTooLarge: when the data has more than ``limit`` triples.
        """
        from kg.validation.context import graph_triples
        from kg.validation.graphs import write_graphs

        graph = contribution_graph(self.contribution_id, self.base)
        receipt = _existing(store, graph, self.contribution_id, self.base)
        if receipt is None:
            raise NotFound(f"no contribution {self.contribution_id}")
        if self.fmt == "json":
            return receipt, b""
        graphs = {
            graph: graph_triples(store, graph, self.limit),
            contributions_graph(self.base): record_triples(store, graph, self.base),
        }
        return receipt, write_graphs(graphs, self.fmt)


def contribute(
    access: StoreAccess,
    gateway: ValidationGateway,
    body: tuple[bytes, str],
    contributor: str,
    source: str | None = None,
) -> Receipt:
    """Check ``body`` (bytes, format key) through ``gateway`` and store it with its record
    in one transaction.

    An identical payload already stored is answered with its receipt (``created`` False).

    :raises ValidationFailed: when it does not conform (nothing is written).
    :raises Gone: when this exact payload was contributed and withdrawn.
    :raises KgError: the intake's refusals, and the gateway's (busy, timeout).
    """
    settings = access.settings
    data, fmt = body
    checked = gateway.run(ContributionCheck(data, fmt, Limits.of(settings), settings.shapes))
    if checked.existing:
        return checked.existing
    payload, verdict = checked.payload, checked.verdict
    assert payload is not None and verdict is not None
    if not verdict.conforms:
        raise ValidationFailed(
            f"the contribution does not conform to the shapes: {verdict.counts['Violation']} "
            "violation(s); nothing was written",
            verdict,
        )
    return _write(access, payload, verdict, contributor, source)


def _write(
    access: StoreAccess, payload: Payload, verdict: Verdict, contributor: str, source: str | None
) -> Receipt:
    base, cid = access.settings.base_iri, payload.contribution_id
    graph = contribution_graph(cid, base)
    record = contribution_record(
        graph,
        contributor=contributor,
        sha256=payload.sha256,
        shapes_version=verdict.shapes_version,
        triples=len(payload.triples),
        source=source,
        base=base,
    )
    records = contributions_graph(base)
    with access.writing() as store:
        existing = _existing(store, graph, cid, base)
        if existing:
            return existing
        store.add_quads([(*t, graph) for t in payload.triples] + [(*t, records) for t in record])
        stored = read_record(store, graph, base)
    assert stored is not None
    warnings = [r.__dict__ for r in verdict.results]
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
