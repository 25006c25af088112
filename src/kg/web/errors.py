"""The one error renderer: every HTTP error is ``{"error": {"status", "type", "message"}}``;
a browser asking for a page that does not exist gets the HTML 404 page instead
(:mod:`kg.web.notfound`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from kg.errors import KgError, NotFound, PayloadTooLarge
from kg.web.answer import error_answer
from kg.web.notfound import browser_page

log = logging.getLogger("kg.web")


def error_response(
    status: int, type_: str, message: str, extra: Iterable[tuple[str, str]] = ()
) -> Response:
    """Build the JSON error response (with CORS, so browser clients can read it, and the
    error's ``extra`` headers)."""
    body, headers = error_answer(status, type_, message, extra)
    return Response(body, status, headers)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-").replace("'", "")


def register(app: Flask) -> None:
    """Install the handlers that render every error in the one shape."""

    @app.errorhandler(KgError)
    def _kg(exc: KgError) -> Response:
        return browser_page(exc) or error_response(exc.status, exc.type, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status, type_ = exc.code or 500, _slug(exc.name)
        message = exc.description or exc.name
        if status == 413:
            type_ = PayloadTooLarge.type
            message = "the request body is larger than the server accepts"
        if status == 404:
            page = browser_page(NotFound("there is no page at this address"))
            if page is not None:
                return page
        return error_response(status, type_, message)

    @app.errorhandler(Exception)
    def _other(exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(500, "internal-error", "an unexpected error occurred")
