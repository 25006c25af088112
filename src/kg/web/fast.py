"""A lean WSGI path for the commonest request: a SPARQL query by GET on ``/sparql``.

Flask's request and response machinery costs more than the rest of a small query's handling
in the web process. This middleware answers ``GET /sparql?query=...`` itself, through the
same parsing, guard, negotiation and executor as the Flask view (:func:`answer_query`), and
passes every other request (other paths and methods, the service description, updates,
anything it cannot decode) to the Flask app unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict
from werkzeug.http import HTTP_STATUS_CODES

from kg.errors import KgError
from kg.web.answer import CORS, answer_query, endpoint_url, error_body
from kg.web.protocol import parse_request

if TYPE_CHECKING:
    from kg.web import KgState

log = logging.getLogger("kg.web")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class FastQueries:
    """WSGI middleware: answers ``GET /sparql`` queries, hands the rest to ``app``."""

    def __init__(self, app: WSGIApp, state: KgState) -> None:
        self.app = app
        self.state = state

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql":
            return self.app(environ, start_response)
        params = _params(environ.get("QUERY_STRING", ""))
        if params is None or "query" not in params:
            return self.app(environ, start_response)
        try:
            parsed = parse_request("GET", params, MultiDict(), None, b"")
            body, headers = answer_query(
                self.state, parsed, environ.get("HTTP_ACCEPT"), endpoint_url(environ)
            )
            status = 200
        except KgError as exc:
            status, body = exc.status, error_body(exc.status, exc.type, exc.message)
            headers = [("Content-Type", "application/json")]
        except Exception:
            log.exception("unexpected error")
            status, body = 500, error_body(500, "internal-error", "an unexpected error occurred")
            headers = [("Content-Type", "application/json")]
        extra = CORS if status == 200 else CORS[:1]
        headers += [*extra, ("Content-Length", str(len(body)))]
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Error').upper()}", headers)
        return [body]


def _params(query_string: str) -> MultiDict[str, str] | None:
    """The URL parameters, or None when they are not plain percent-encoded UTF-8 (the Flask
    path then decodes them its own way)."""
    try:
        pairs = parse_qsl(
            query_string.encode("latin-1").decode("ascii"),
            keep_blank_values=True,
            errors="strict",
        )
    except (UnicodeError, ValueError):
        return None
    return MultiDict(pairs)
