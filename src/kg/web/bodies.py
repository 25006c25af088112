"""Chunked request bodies get the same size cap as bodies with a ``Content-Length``.

Werkzeug stops reading a body without ``Content-Length`` (``Transfer-Encoding: chunked``) at
``MAX_CONTENT_LENGTH`` and hands on what it read, so a body over the cap would reach a view
silently cut short (a query or a contribution cut at the cap). This middleware reads such a
body up to one byte over ``KG_MAX_BODY_BYTES`` before the app sees it: over the cap, 413
``payload-too-large``; within it, the app gets the body with its length, as if sent so.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import IO, Any

from werkzeug.http import HTTP_STATUS_CODES

from kg.errors import PayloadTooLarge
from kg.web.answer import kg_error_answer

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def read_at_most(stream: IO[bytes], limit: int) -> bytes:
    """Read ``stream`` to its end or until more than ``limit`` bytes have come."""
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        part = stream.read(min(65536, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


class SizedBodies:
    """WSGI middleware: a chunked body is read within ``limit`` bytes, or refused with 413."""

    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
        if environ.get("CONTENT_LENGTH") or not chunked:
            return self.app(environ, start_response)
        body = read_at_most(environ["wsgi.input"], self.limit)
        if len(body) > self.limit:
            exc = PayloadTooLarge(f"the body is larger than {self.limit} bytes")
            data, headers = kg_error_answer(exc)
            headers += [("Content-Length", str(len(data))), ("Connection", "close")]
            start_response(f"413 {HTTP_STATUS_CODES[413].upper()}", headers)
            return [data]
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        del environ["HTTP_TRANSFER_ENCODING"]  # werkzeug ignores the length of a chunked body
        return self.app(environ, start_response)
