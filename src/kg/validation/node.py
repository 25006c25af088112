"""Validate one stored resource: its description, in the context of the store.

The resource pages show the shape results (warnings and infos, violations too) that apply to
the resource they describe. The check is a task for a validation process like the others
(:mod:`kg.validation.task`): the resource's own triples are the data, the store gives the
context, and only the resource is a focus node.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import BadRequest
from kg.results import Term
from kg.store import Store
from kg.store.reads import is_iri
from kg.validation.report import Result
from kg.validation.task import LowPriorityTask

_DESCRIPTION = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class NodeCheck(LowPriorityTask):
    """Check the stored description of ``iri`` (at most ``limit`` triples) in context."""

    iri: str
    limit: int
    shapes: str

    def check(self, store: Store) -> list[Result]:
        """The shape results whose focus node is ``iri`` (empty when nothing is known).

        :raises BadRequest: when ``iri`` is not an IRI.
        """
        from kg.validation.context import check_triples

        if not is_iri(self.iri):
            raise BadRequest(f"<{self.iri[:200]}> is not an IRI")
        node = Term("uri", self.iri)
        rows = store.query(_DESCRIPTION, row_limit=self.limit, substitutions={"s": node})
        triples = [(node, p, o) for _, p, o in rows.rows if p and o]
        if not triples:
            return []
        outcome = check_triples(store, self.shapes, triples)
        return [r for r in outcome.results if r.focus == self.iri]
