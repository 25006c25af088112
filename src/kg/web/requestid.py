"""Request ids: one per request, in the ``X-Request-Id`` answer header, the access log line
and every log record written while the request is handled.

A client's own ``X-Request-Id`` is kept when it is a short safe token (1-64 characters of
``A-Z a-z 0-9 . _ -``), so a proxy's or client's id follows the request through; anything else
is replaced by a fresh random id.

>>> choose("abc-123")
'abc-123'
>>> len(choose("no spaces, please"))
16
"""

from __future__ import annotations

import logging
import random
import re
import sys
from contextvars import ContextVar
from typing import Any

#: The answer header (and the request header a client may send).
HEADER = "X-Request-Id"
#: Where the middleware keeps the id in the WSGI environ, for the views.
ENVIRON_KEY = "kg.request_id"
#: What a log record written outside any request shows as its request id.
NO_REQUEST = "-"

_SAFE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_current: ContextVar[str] = ContextVar("kg_request_id", default=NO_REQUEST)
_FORMAT = "%(asctime)s %(levelname)s %(name)s [request %(request_id)s] %(message)s"


def choose(presented: str | None) -> str:
    """The client's id when it is a short safe token, else a fresh random one."""
    if presented and _SAFE.fullmatch(presented):
        return presented
    # Not os.urandom: its system call releases the interpreter lock, which costs request
    # threads far more than the call itself. The random module reseeds in forked workers.
    return f"{random.getrandbits(64):016x}"


def begin(environ: dict[str, Any]) -> str:
    """Give the request in ``environ`` its id: kept in the environ and, for log records,
    in this thread's context."""
    found = choose(environ.get("HTTP_X_REQUEST_ID"))
    environ[ENVIRON_KEY] = found
    _current.set(found)
    return found


def of(environ: dict[str, Any]) -> str | None:
    """The id of the request in ``environ``, if the middleware gave it one."""
    found: str | None = environ.get(ENVIRON_KEY)
    return found


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (the current request's, or ``-``) to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate ``record``; never drops it."""
        record.request_id = _current.get()
        return True


class _Handler(logging.StreamHandler):
    """kg's own handler: the current standard error (looked up at each record, as logging's
    last-resort handler does), with the request id in every line."""

    @property
    def stream(self) -> Any:
        """Standard error as it is now."""
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def install_log_handler() -> None:
    """Once per process: records of the ``kg`` loggers go to standard error, each line with
    its request id (``[request -]`` outside requests)."""
    logger = logging.getLogger("kg")
    if any(isinstance(h, _Handler) for h in logger.handlers):
        return
    handler = _Handler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
