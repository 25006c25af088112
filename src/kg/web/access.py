"""The per-request middleware: request id, access log line, metrics.

Every request gets its id first (:mod:`kg.web.requestid`), sent back in ``X-Request-Id``
on every answer, the lean path's and the errors' too. When the answer has been sent, the
middleware writes the access log line and counts the request in the metrics
(:mod:`kg.web.metrics`): both go through this one pass, so every request is seen once.

The access log is one line per request on standard output, written from a buffer. The HTTP
servers' own access logs format and write each line under the interpreter lock, one write per
request; on light queries that cost 12-20% of the requests per second (measured against the
same server without it). This middleware formats a short line and keeps it in memory; lines
are written at least once a second, when 64 KiB have gathered, and when the process exits
(also a web worker that its server stops). A process killed with SIGKILL loses at most its
last second of lines.

A line: client address, local time, request line without the query string (queries can be
long and personal), status, body bytes, milliseconds until the body was sent, request id::

    127.0.0.1 - [29/Nov/2026:13:40:02 +0000] "GET /sparql HTTP/1.1" 200 1234 0.8ms 3f9a0c2d1b4e5f60
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing import util as mp_util
from typing import Any, Protocol

from kg.web import requestid

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Write when this many characters have gathered, without waiting for the next second.
FLUSH_CHARS = 1 << 16


class LineBuffer:
    """Lines kept in memory and written to a file descriptor at least every ``interval``
    seconds, when ``FLUSH_CHARS`` have gathered, and at exit (one flusher thread per process,
    started by the first line; a forked child starts its own)."""

    _lines: list[str]
    _chars: int
    _lock: threading.Lock
    _write_lock: threading.Lock
    _started: bool

    def __init__(self, fd: int = 1, interval: float = 1.0) -> None:
        self.fd = fd
        self.interval = interval
        self._forget()
        os.register_at_fork(after_in_child=self._forget)

    def write(self, line: str) -> None:
        """Keep one line (with its newline)."""
        if not self._started:
            self._start()
        with self._lock:
            self._lines.append(line)
            self._chars += len(line)
            full = self._chars >= FLUSH_CHARS
        if full:
            self.flush()

    def flush(self) -> None:
        """Write every kept line now. A closed or broken output drops them: the access log
        never fails a request."""
        with self._write_lock:
            with self._lock:
                data = "".join(self._lines).encode("utf-8", "replace")
                self._lines.clear()
                self._chars = 0
            view = memoryview(data)
            while view:
                try:
                    view = view[os.write(self.fd, view) :]
                except InterruptedError:
                    continue
                except OSError:
                    return

    def _forget(self) -> None:
        """A fresh state; in a forked child, the parent's lines, locks and flusher thread
        stay the parent's."""
        self._lines = []
        self._chars = 0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._started = False

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="kg-access-log", daemon=True).start()
        atexit.register(self.flush)
        # A multiprocessing worker (granian forks its workers) ends with os._exit, after
        # running these finalizers but not atexit.
        mp_util.Finalize(None, self.flush, exitpriority=10)

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            self.flush()


class Observer(Protocol):
    """What counts each answered request (:class:`kg.web.metrics.Metrics`)."""

    def observe(
        self, environ: dict[str, Any], status: int, seconds: float, error: str | None
    ) -> None:
        """Count one answered request; ``error`` is the error type of an error answer."""


class AccessLog:
    """WSGI middleware around the whole app: gives each request its id, then writes one
    :mod:`access log <kg.web.access>` line per request (when ``out`` is set) and counts it
    (when ``metrics`` is set)."""

    def __init__(self, app: WSGIApp, out: LineBuffer | None, metrics: Observer | None = None):
        self.app = app
        self.out = out
        self.metrics = metrics
        self._second = -1
        self._stamp = ""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started = time.perf_counter()
        request_id = requestid.begin(environ)
        status: list[str] = []

        def record(status_line: str, headers: list[Any], exc_info: Any = None) -> Any:
            status[:] = [status_line]
            return start_response(status_line, [*headers, (requestid.HEADER, request_id)], exc_info)

        body = self.app(environ, record)
        error = None
        if self.metrics is not None and status and status[0][:1] in ("4", "5"):
            body, error = _error_type(body)
        if isinstance(body, list):
            self._done(environ, status, sum(len(part) for part in body), started, error)
            return body
        return _Counted(body, lambda sent: self._done(environ, status, sent, started, error))

    def _done(
        self,
        environ: dict[str, Any],
        status: list[str],
        sent: int,
        started: float,
        error: str | None,
    ) -> None:
        seconds = time.perf_counter() - started
        code = status[0].split(" ", 1)[0] if status else "-"
        if self.metrics is not None:
            self.metrics.observe(environ, int(code) if code.isdigit() else 0, seconds, error)
        if self.out is not None:
            self._log(environ, code, sent, seconds)

    def _log(self, environ: dict[str, Any], code: str, sent: int, seconds: float) -> None:
        assert self.out is not None
        now = time.time()
        if int(now) != self._second:
            self._second = int(now)
            self._stamp = time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(now))
        self.out.write(
            f"{environ.get('REMOTE_ADDR', '-')} - [{self._stamp}] "
            f'"{environ.get("REQUEST_METHOD", "-")} {environ.get("PATH_INFO", "")} '
            f'{environ.get("SERVER_PROTOCOL", "-")}" {code} {sent} {seconds * 1000:.1f}ms '
            f"{requestid.of(environ) or requestid.NO_REQUEST}\n"
        )


def _error_type(body: Iterable[bytes]) -> tuple[list[bytes], str | None]:
    """Read an error answer's (small) body; return it as a list and its error type, if it
    is the JSON error shape."""
    try:
        data = b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    try:
        found = json.loads(data)["error"]["type"]
    except (ValueError, KeyError, TypeError):
        found = None
    return [data], found if isinstance(found, str) else None


class _Counted:
    """A response body passed through unchanged, counting bytes; logs when closed."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self.body = body
        self.done = done
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for part in self.body:
            self.sent += len(part)
            yield part

    def close(self) -> None:
        """Close the wrapped body (WSGI requires it) and write the line."""
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self.sent)
