"""A payload validation whose answer also names its focus nodes: the verdict of
:class:`~kg.validation.task.PayloadCheck` (the same parse and the same check) with a label for
each focus node, from the payload itself or else from the store. For people reading a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.results import Term
from kg.store import Store
from kg.validation.task import PayloadCheck

#: Properties whose value names a node, best first.
LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
)
#: Most focus nodes looked up in the store (the rest keep their IRI).
MAX_LOOKUPS = 100
_LABEL_QUERY = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "SELECT ?label ?node WHERE { { ?node rdfs:label ?label } UNION "
    "{ ?node skos:prefLabel ?label } } LIMIT 1"
)

if TYPE_CHECKING:
    from kg.validation.report import Verdict


@dataclass(frozen=True)
class Labelled:
    """A verdict and a label for each of its focus nodes that has one."""

    verdict: Verdict
    labels: dict[str, str]


def payload_labels(triples: list[tuple[Term, Term, Term]]) -> dict[str, str]:
    """Node -> its best label among the payload's own triples."""
    rank = {iri: i for i, iri in enumerate(LABELS)}
    best: dict[str, tuple[int, str]] = {}
    for s, p, o in triples:
        if p.value in rank and o.kind == "literal":
            found = (rank[p.value], o.value)
            best[s.value] = min(best.get(s.value, found), found)
    return {node: label for node, (_, label) in best.items()}


def store_label(store: Store, node: str) -> str | None:
    """The node's label in the store, if it has one."""
    result = store.query(_LABEL_QUERY, row_limit=1, substitutions={"node": Term("uri", node)})
    first = result.rows[0][0] if result.rows else None
    return first.value if first is not None else None


@dataclass(frozen=True)
class LabelledCheck(PayloadCheck):
    """:class:`PayloadCheck` (report left empty: the verdict keeps its results), with labels."""

    def check(self, store: Store) -> Labelled:  # type: ignore[override]
        """The verdict and the labels of its focus nodes.

        :raises KgError: the intake's refusals (size, parse, unsafe input, schema change).
        """
        from kg.validation.context import check_payload

        payload = self.limits.read(self.data, self.fmt)
        verdict = check_payload(store, self.shapes, payload).verdict()
        labels = payload_labels(payload.triples)
        missing = [r.focus for r in verdict.results if r.focus not in labels]
        for node in list(dict.fromkeys(missing))[:MAX_LOOKUPS]:
            found = store_label(store, node) if node.startswith(("http:", "https:")) else None
            if found:
                labels[node] = found
        return Labelled(verdict, labels)
