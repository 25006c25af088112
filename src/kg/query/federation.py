"""Federation, opt in: queries whose every SERVICE is on the allowlist run where the network
is open; everything else runs in sandboxed workers.

With ``KG_SERVICE_ALLOWLIST`` set, a second :class:`~kg.query.pool.QueryPool` starts whose
workers may open internet sockets. A query goes there only when the tokenizer guard found
SERVICE calls, all listed, and a full SPARQL parse (rdflib's parser and algebra, 4-8 ms: paid
only by such queries) finds the same calls. A query the full parse cannot read, or reads
differently, runs sandboxed, where the kernel refuses its SERVICE calls. pyoxigraph has no
time limit per SERVICE call: the federated query's whole deadline is ``KG_SERVICE_TIMEOUT``.

>>> service_iris("PREFIX e: <http://ok/> SELECT * { SERVICE e:sparql { ?s ?p ?o } }")
('http://ok/sparql',)
>>> service_iris("SELECT * { SERVICE ?where { ?s ?p ?o } }") is None
True
"""

from __future__ import annotations

from typing import Any

from kg.config import Settings
from kg.errors import QueryRefused
from kg.query.guard import Inspection, allowed
from kg.query.pool import QueryPool
from kg.query.worker import QueryOutcome, QueryTask
from kg.store import StoreAccess


def service_iris(text: str, base_iri: str | None = None) -> tuple[str, ...] | None:
    """The SERVICE IRIs of ``text`` by a full parse, in order; None when the text does not
    parse fully or names an endpoint by a variable."""
    from rdflib import URIRef
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(text), base=base_iri).algebra
    except Exception:  # any failure of the parser (even RecursionError): not confirmed
        return None
    found: list[Any] = []
    _collect(algebra, found)
    if not all(isinstance(term, URIRef) for term in found):
        return None
    return tuple(str(term) for term in found)


def _collect(node: Any, found: list[Any]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found.append(node.get("term"))
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _collect(value, found)


def confirmed(text: str, found: Inspection, allowlist: tuple[str, ...]) -> bool:
    """True when ``text`` may run in the federation pool: the guard found SERVICE calls, all
    on ``allowlist``, and a full parse finds the same ones.

    :raises QueryRefused: when the full parse finds a SERVICE that is not on the list.
    """
    if not allowlist or not found.services or found.dynamic_service:
        return False
    if not all(allowed(iri, allowlist) for iri in found.services):
        return False
    parsed = service_iris(text)
    if parsed is None:
        return False
    for iri in parsed:
        if not allowed(iri, allowlist):
            raise QueryRefused(f"SERVICE <{iri}> is not allowed: it is not on the allowlist")
    return set(parsed) == set(found.services)


class FederatedExecutor:
    """Two pools over one store: sandboxed workers for every query, and networked workers
    for confirmed federated queries (:attr:`QueryTask.federated`)."""

    def __init__(self, settings: Settings, access: StoreAccess | None = None) -> None:
        self.settings = settings
        self.local = QueryPool(settings, access)
        self.federation = QueryPool(
            settings, self.local.access, size=settings.federation_workers, network=True
        )

    def run(self, task: QueryTask, timeout: float | None = None) -> QueryOutcome:
        """Run ``task`` in the pool its plan chose; a federated one within the service timeout.

        :raises KgError: as :meth:`QueryPool.run`.
        """
        if not task.federated:
            outcome: QueryOutcome = self.local.run(task, timeout)
            return outcome
        limit = min(self.settings.service_timeout, self.settings.query_timeout)
        federated: QueryOutcome = self.federation.run(task, min(limit, timeout or limit))
        return federated

    @property
    def restarts(self) -> int:
        """Workers of either pool replaced so far."""
        return self.local.restarts + self.federation.restarts

    def close(self) -> None:
        """Stop both pools."""
        self.local.close()
        self.federation.close()
