"""The access log: one buffered line per request, on standard output.

Unit tests drive the middleware over WSGI and read what it writes to a pipe; live tests read
the output of a real ``kg serve`` (granian and gunicorn), also after a graceful stop.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import _stop, start_server, wait_for_line

from kg.web import access
from kg.web.access import AccessLog, LineBuffer

LINE = re.compile(
    r"^127\.0\.0\.1 - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "
    r'"(?P<method>\w+) (?P<path>\S+) HTTP/1\.1" (?P<status>\d{3}) (?P<bytes>\d+) [\d.]+ms '
    r"(?P<id>[A-Za-z0-9._-]+)$"
)


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    read, write = os.pipe()
    os.set_blocking(read, False)
    yield read, write
    for fd in (read, write):
        try:
            os.close(fd)
        except OSError:
            pass


def drain(fd: int) -> str:
    try:
        return os.read(fd, 1 << 20).decode()
    except BlockingIOError:
        return ""


def environ(path: str = "/sparql", query: str = "query=ASK%7B%7D") -> dict[str, Any]:
    return {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def listed(env: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("404 NOT FOUND", [("Content-Type", "application/json")])
    return [b'{"error":', b"{}}"]


class Streamed:
    """A streamed body that records whether the server closed it."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"abc"
        yield b"defgh"

    def close(self) -> None:
        self.closed = True


def test_a_listed_body_gives_one_line_without_the_query_string(pipe: tuple[int, int]) -> None:
    out = LineBuffer(pipe[1])
    body = AccessLog(listed, out)(environ(), lambda *a: None)
    assert body == [b'{"error":', b"{}}"]
    assert drain(pipe[0]) == ""  # kept until flushed
    out.flush()
    line = drain(pipe[0])
    match = LINE.match(line.rstrip("\n"))
    assert match, line
    assert match["path"] == "/sparql" and match["status"] == "404" and match["bytes"] == "12"
    assert "query=" not in line


def test_a_streamed_body_is_counted_and_logged_when_closed(pipe: tuple[int, int]) -> None:
    out = LineBuffer(pipe[1])
    streamed = Streamed()

    def app(env: dict[str, Any], start_response: Any) -> Streamed:
        start_response("200 OK", [])
        return streamed

    body = AccessLog(app, out)(environ("/dump"), lambda *a: None)
    assert b"".join(body) == b"abcdefgh"
    out.flush()
    assert drain(pipe[0]) == ""  # not yet closed: not yet logged
    body.close()
    out.flush()
    match = LINE.match(drain(pipe[0]).rstrip("\n"))
    assert streamed.closed and match and match["bytes"] == "8" and match["status"] == "200"


def test_lines_are_written_once_enough_have_gathered(
    pipe: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access, "FLUSH_CHARS", 500)
    out = LineBuffer(pipe[1], interval=3600)
    app = AccessLog(listed, out)
    for _ in range(3):
        app(environ(), lambda *a: None)
    assert drain(pipe[0]) == ""
    for _ in range(10):
        app(environ(), lambda *a: None)
    assert drain(pipe[0]).count("\n") >= 5


def test_lines_are_written_within_the_interval(pipe: tuple[int, int]) -> None:
    out = LineBuffer(pipe[1], interval=0.2)
    AccessLog(listed, out)(environ(), lambda *a: None)
    deadline = time.monotonic() + 5
    text = ""
    while "\n" not in text and time.monotonic() < deadline:
        time.sleep(0.05)
        text += drain(pipe[0])
    assert LINE.match(text.rstrip("\n"))


def test_a_closed_output_never_fails_a_request(pipe: tuple[int, int]) -> None:
    out = LineBuffer(pipe[1])
    os.close(pipe[1])
    body = AccessLog(listed, out)(environ(), lambda *a: None)
    out.flush()
    assert body == [b'{"error":', b"{}}"]


@pytest.mark.parametrize("server_name", ["granian", "gunicorn"])
def test_kg_serve_logs_each_request_and_flushes_when_stopped(
    store_dir: Path, tmp_path: Path, server_name: str
) -> None:
    log = tmp_path / "serve.log"
    server = start_server(store_dir, log, (), {"KG_SERVER": server_name})
    try:
        path = f"/no-such-page-{uuid.uuid4().hex}"
        assert requests.get(server.url + path, timeout=10).status_code == 404
        line = wait_for_line(log, path, 5)
        assert line is not None and f'"GET {path} HTTP/1.1" 404 ' in line
        last = f"/after-the-last-second-{uuid.uuid4().hex}"
        assert requests.get(server.url + last, timeout=10).status_code == 404
    finally:
        _stop(server.process)
    assert wait_for_line(log, last, 1) is not None, log.read_text(errors="replace")[-2000:]


def test_the_access_log_can_be_turned_off(store_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    server = start_server(store_dir, log, (), {"KG_ACCESS_LOG": "false"})
    try:
        path = f"/no-such-page-{uuid.uuid4().hex}"
        assert requests.get(server.url + path, timeout=10).status_code == 404
        time.sleep(1.5)
    finally:
        _stop(server.process)
    assert path not in log.read_text(errors="replace")


def test_a_forked_child_writes_only_its_own_lines(pipe: tuple[int, int]) -> None:
    out = LineBuffer(pipe[1], interval=3600)
    out.write("parent\n")
    child = os.fork()
    if child == 0:  # the child: one line of its own, written at exit
        out.write("child\n")
        out.flush()
        os._exit(0)
    os.waitpid(child, 0)
    assert drain(pipe[0]) == "child\n"
    out.flush()
    assert drain(pipe[0]) == "parent\n"
