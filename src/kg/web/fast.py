"""A lean WSGI path for the commonest request: a SPARQL query by GET on ``/sparql``.

Flask's request and response machinery costs more than the rest of a small query's handling
in the web process. This middleware answers ``GET /sparql?query=...`` itself, through the
same parsing, guard, negotiation and executor as the Flask view (:func:`plan_query` and
:func:`run_plan` of :mod:`kg.web.answer`), and passes every other request (other paths
and methods, the service description, updates) to the Flask app unchanged. Parameters that
are not percent-encoded UTF-8 get the same 400 as from the Flask view.

It keeps the plans (guarded, negotiated tasks) of the last :data:`PLAN_CACHE` distinct
requests, keyed by query string, Accept header and endpoint URL, as endpoints keep parsed
queries: clients repeat the same texts (resource pages, dashboards, paging). A plan holds no
result; every request still runs its query against the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import MultiDict
from werkzeug.http import HTTP_STATUS_CODES

from kg.errors import KgError
from kg.web.answer import (
    CORS,
    Plan,
    endpoint_url,
    error_answer,
    kg_error_answer,
    plan_query,
    run_plan,
)
from kg.web.protocol import decode_params, parse_request

if TYPE_CHECKING:
    from kg.web import KgState

log = logging.getLogger("kg.web")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: How many distinct requests' plans are kept.
PLAN_CACHE = 256
#: Longer query strings are planned afresh each time (they would crowd the cache).
PLAN_CACHE_MAX_CHARS = 8192


class FastQueries:
    """WSGI middleware: answers ``GET /sparql`` queries, hands the rest to ``app``."""

    def __init__(self, app: WSGIApp, state: KgState) -> None:
        self.app = app
        self.state = state
        self._cached_plan = lru_cache(maxsize=PLAN_CACHE)(self._plan)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql":
            return self.app(environ, start_response)
        query_string = environ.get("QUERY_STRING", "")
        plan_for = self._cached_plan if len(query_string) <= PLAN_CACHE_MAX_CHARS else self._plan
        try:
            plan = plan_for(query_string, environ.get("HTTP_ACCEPT"), endpoint_url(environ))
            if plan is None:
                return self.app(environ, start_response)
            body, headers = run_plan(self.state, plan)
            status = 200
            headers += CORS
        except KgError as exc:
            status, (body, headers) = exc.status, kg_error_answer(exc)
        except Exception:
            log.exception("unexpected error")
            status = 500
            body, headers = error_answer(500, "internal-error", "an unexpected error occurred")
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Error').upper()}", headers)
        return [body]

    def _plan(self, query_string: str, accept: str | None, base_iri: str) -> Plan | None:
        """The plan of a query sent by GET, or None when the Flask app should answer (no
        ``query``: the service description). Errors are raised, not kept.

        :raises KgError: for a refused, malformed or unanswerable query.
        """
        params = decode_params(query_string.encode("latin-1"))
        if "query" not in params:
            return None
        parsed = parse_request("GET", params, MultiDict(), None, b"")
        return plan_query(self.state, parsed, accept, base_iri)
