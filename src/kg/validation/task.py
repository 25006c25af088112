"""Validation as work for an isolated process: posted bytes, or a stored graph.

A task is a small picklable value; a validation worker (:mod:`kg.validation.gateway`) runs it
against its read-only store snapshot. :meth:`run` first lowers the process's CPU priority, so
point lookups win the CPU, and only then imports the parser and pySHACL (this module stays
light, so unpickling a task costs little at normal priority). :meth:`check` does the work
itself and is what runs in-process (a remote store).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Self

from kg.errors import BadRequest
from kg.store import Store, Version
from kg.store.reads import is_iri

if TYPE_CHECKING:
    from kg.config import Settings
    from kg.intake import Payload
    from kg.query.worker import WorkerConfig
    from kg.validation.report import Verdict

#: The niceness validation workers run at: low enough that lookups win the CPU, high enough
#: that a contribution is not starved for long under steady query load (19 was: about 1.5%
#: of a busy core, so a half-second validation took half a minute).
NICENESS = 10


def lower_priority() -> None:
    """Lower this process's CPU priority to :data:`NICENESS` (once; niceness only rises)."""
    current = os.nice(0)
    if current < NICENESS:
        os.nice(NICENESS - current)


@dataclass(frozen=True)
class Limits:
    """The intake caps and base IRI a payload is read with."""

    max_bytes: int
    max_triples: int
    base: str

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """The limits the settings give (``max_contribution_bytes``, ``max_triples``)."""
        return cls(settings.max_contribution_bytes, settings.max_triples, settings.base_iri)

    def read(self, data: bytes, fmt: str) -> Payload:
        """``data`` parsed safely within these limits (:func:`kg.intake.read_payload`).

        :raises KgError: the intake's refusals (size, parse, unsafe input, schema change).
        """
        from kg.intake import read_payload

        return read_payload(
            data, fmt, max_bytes=self.max_bytes, max_triples=self.max_triples, base=self.base
        )


@dataclass(frozen=True)
class LowPriorityTask:
    """Base of the validation tasks: :meth:`at`, and a :meth:`run` that lowers the worker's
    CPU priority and then does the subclass's :meth:`check`."""

    version: Version = field(default=(0, 0, 0), kw_only=True)

    def at(self, version: Version) -> Self:
        """This task, to be run on a snapshot of ``version``."""
        return replace(self, version=version)

    def run(self, store: Store, config: WorkerConfig) -> Any:
        """In a worker: lower the priority, then :meth:`check`."""
        lower_priority()
        return self.check(store)

    def check(self, store: Store) -> Any:
        """Do the work against ``store`` (in a worker, or in-process for a remote store)."""
        raise NotImplementedError


@dataclass(frozen=True)
class PayloadCheck(LowPriorityTask):
    """Validate posted RDF: parse it safely, fetch its context, run pySHACL.

    ``report`` is the format to write the report in (``json``, ``turtle``, ``jsonld``),
    or empty for a verdict with its results list.
    """

    data: bytes
    fmt: str
    limits: Limits
    shapes: str
    report: str = ""

    def check(self, store: Store) -> Verdict:
        """The verdict on the payload in the context of ``store``.

        :raises KgError: the intake's refusals (size, parse, unsafe input, schema change).
        """
        from kg.validation.context import check_payload

        payload = self.limits.read(self.data, self.fmt)
        return check_payload(store, self.shapes, payload).verdict(self.report)


@dataclass(frozen=True)
class GraphCheck(LowPriorityTask):
    """Validate a stored named graph of at most ``limit`` triples in the store's context."""

    graph: str
    limit: int
    shapes: str
    report: str = ""

    def check(self, store: Store) -> Verdict:
        """The verdict on the stored graph.

        :raises BadRequest: when ``graph`` is not an IRI.
        :raises NotFound: when there is no such graph.
        :raises PayloadTooLarge: when it holds more than ``limit`` triples.
        """
        from kg.validation.context import check_graph

        if not is_iri(self.graph):
            raise BadRequest(f"<{self.graph[:200]}> is not an IRI")
        outcome = check_graph(store, self.shapes, self.graph, self.limit)
        return outcome.verdict(self.report)


@dataclass(frozen=True)
class WarmUp(LowPriorityTask):
    """Import the parser and pySHACL and parse the shapes, so that a fresh worker's first
    validation has its whole time limit for the work."""

    shapes: str

    def check(self, store: Store) -> bool:
        """Load what a validation needs; True."""
        import pyshacl  # noqa: F401

        from kg.validation.context import check_payload  # noqa: F401
        from kg.validation.shapes import load_shapes

        load_shapes(self.shapes)
        return True
