"""Answer a parsed protocol query: the part of ``/sparql`` that needs no web framework.

Both the Flask view (:mod:`kg.web.sparql`) and the lean GET path (:mod:`kg.web.fast`) go
through :func:`plan_query` and :func:`run_plan`, so a query gets the same guard, negotiation,
limits and headers whichever way it came in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from werkzeug.wsgi import get_current_url

from kg.errors import KgError
from kg.query.plan import make_task, prepare
from kg.query.worker import QueryTask
from kg.web.negotiate import choose
from kg.web.protocol import ProtocolRequest

if TYPE_CHECKING:
    from kg.web import KgState

Headers = list[tuple[str, str]]

#: CORS headers of every protocol answer, so pages on any origin can read results and limits.
CORS: Headers = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "X-Result-Truncated, X-Result-Size"),
]

#: The answer to a CORS preflight (OPTIONS): which methods and headers a page may send.
PREFLIGHT: Headers = [
    *CORS,
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization"),
    ("Access-Control-Max-Age", "86400"),
]


@dataclass(frozen=True)
class Plan:
    """A guarded, negotiated query ready to run: the worker task and its content type."""

    task: QueryTask
    content_type: str


def plan_query(state: KgState, parsed: ProtocolRequest, accept: str | None, base_iri: str) -> Plan:
    """Guard and negotiate the query of ``parsed``: everything before it runs.

    A pure function of its arguments (the settings are fixed for the app's life), so callers
    may keep plans for repeated requests; running a plan always queries the store afresh.

    :raises KgError: for a refused, malformed or unanswerable query.
    """
    found = prepare(state.settings, parsed.text)
    fmt = choose(found.form, accept, parsed.formats)
    task = make_task(
        parsed.text,
        fmt.key,
        found,
        default_graphs=parsed.default_graphs,
        named_graphs=parsed.named_graphs,
        base_iri=base_iri,
    )
    return Plan(task, fmt.content_type)


def run_plan(state: KgState, plan: Plan) -> tuple[bytes, Headers]:
    """Run a planned query; return the body and its headers (content type, truncation and
    size, ``Vary``; CORS is the caller's).

    :raises KgError: when the query fails, overruns or stops its worker.
    """
    outcome = state.executor.run(plan.task)
    headers = [
        ("Content-Type", plan.content_type),
        ("X-Result-Truncated", "true" if outcome.truncated else "false"),
        ("X-Result-Size", str(outcome.size)),
        ("Vary", "Accept"),
    ]
    return outcome.body, headers


def answer_query(
    state: KgState, parsed: ProtocolRequest, accept: str | None, base_iri: str
) -> tuple[bytes, Headers]:
    """Guard, negotiate and run the query of ``parsed``: :func:`plan_query`, then
    :func:`run_plan`.

    :raises KgError: for a refused, malformed, unanswerable or failed query.
    """
    return run_plan(state, plan_query(state, parsed, accept, base_iri))


def endpoint_url(environ: dict[str, object]) -> str:
    """The URL of the requested endpoint without its query string (the query's base IRI)."""
    keys = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME")
    return _endpoint_url(
        *(str(environ.get(k, "")) for k in keys), str(environ.get("PATH_INFO", ""))
    )


@lru_cache(maxsize=64)
def _endpoint_url(scheme: str, host: str, server: str, port: str, script: str, path: str) -> str:
    environ = {"wsgi.url_scheme": scheme, "SERVER_NAME": server, "SERVER_PORT": port}
    environ |= {"SCRIPT_NAME": script, "PATH_INFO": path}
    if host:
        environ["HTTP_HOST"] = host
    return get_current_url(environ, strip_querystring=True)


def error_body(status: int, type_: str, message: str) -> bytes:
    """The one JSON error shape, as bytes."""
    return json.dumps({"error": {"status": status, "type": type_, "message": message}}).encode()


def error_answer(
    status: int, type_: str, message: str, extra: Iterable[tuple[str, str]] = ()
) -> tuple[bytes, Headers]:
    """The one error answer: the JSON body and its headers (content type, CORS, and the
    error's own ``extra`` headers such as ``Retry-After``, which CORS then exposes).

    >>> body, headers = error_answer(429, "rate-limited", "wait", [("Retry-After", "3")])
    >>> headers[-1]
    ('Access-Control-Expose-Headers', 'Retry-After')
    """
    headers = [("Content-Type", "application/json"), CORS[0], *extra]
    if len(headers) > 2:
        headers.append(("Access-Control-Expose-Headers", ", ".join(k for k, _ in headers[2:])))
    return error_body(status, type_, message), headers


def kg_error_answer(exc: KgError) -> tuple[bytes, Headers]:
    """:func:`error_answer` for a :class:`~kg.errors.KgError`, with its headers."""
    return error_answer(exc.status, exc.type, exc.message, exc.headers)
