"""The benchmark's load clients against real sockets: framing, keep-alive and reconnects.

The lightest client (``raw``) frames HTTP/1.1 replies itself, so it is checked here against a
scripted server on 127.0.0.1 that answers with each framing, and against a live ``kg serve``
next to ``http.client``.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from conftest import Server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import clients  # noqa: E402

Reply = Callable[[bytes], tuple[bytes, bool]]


class Scripted:
    """A one-thread HTTP server: each request gets ``reply(request_head)`` -> (bytes, close)."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/sparql"
        self.connections = 0
        self.heads: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                self._converse(conn)

    def _converse(self, conn: socket.socket) -> None:
        pending = b""
        while True:
            while b"\r\n\r\n" not in pending:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                pending += chunk
            head, pending = pending.split(b"\r\n\r\n", 1)
            self.heads.append(head)
            data, close = self.reply(head)
            conn.sendall(data)
            if close:
                return

    def close(self) -> None:
        self.listener.close()


@contextmanager
def _serving(reply: Reply) -> Iterator[Scripted]:
    server = Scripted(reply)
    try:
        yield server
    finally:
        server.close()


def sized(body: bytes, status: str = "200 OK") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body


def test_content_length_replies_share_one_kept_alive_connection() -> None:
    with _serving(lambda head: (sized(head.split(b" ")[1]), False)) as server:
        client = clients.RawClient(server.url)
        first = client.get("query=ASK%7B%7D")
        second = client.get("query=x")
        client.close()
    assert first == (200, b"/sparql?query=ASK%7B%7D")
    assert second == (200, b"/sparql?query=x")
    assert server.connections == 1
    assert b"Accept: application/sparql-results+json" in server.heads[0]
    assert b"Host: 127.0.0.1:" in server.heads[0]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\n",
            (200, b"Wikipedia in \r\n\r\nchunks."),
        ),
        (b"HTTP/1.1 204 No Content\r\n\r\n", (204, b"")),
    ],
    ids=["chunked with extensions and a trailer", "no body and no length"],
)
def test_a_reply_is_read_to_its_end_and_the_connection_serves_the_next(
    reply: bytes, expected: tuple[int, bytes]
) -> None:
    replies = [reply, sized(b"after")]
    with _serving(lambda head: (replies.pop(0), False)) as server:
        client = clients.RawClient(server.url)
        assert client.get("q=1") == expected
        assert client.get("q=2") == (200, b"after")
        assert server.connections == 1
        client.close()


def test_close_delimited_reply_is_read_to_the_end_and_the_next_request_reconnects() -> None:
    reply = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"x" * 200_000
    with _serving(lambda head: (reply, True)) as server:
        client = clients.RawClient(server.url)
        assert client.get("q=1") == (200, b"x" * 200_000)
        assert client.get("q=2")[1] == b"x" * 200_000
        assert server.connections == 2


def test_a_kept_alive_connection_closed_by_the_server_is_reopened_once() -> None:
    # The server answers and then drops the connection without saying so (an idle timeout).
    with _serving(lambda head: (sized(b"ok"), True)) as server:
        client = clients.RawClient(server.url)
        assert client.get("q=1") == (200, b"ok")
        assert client.get("q=2") == (200, b"ok")
        assert server.connections == 2
        client.close()


def test_error_status_and_body_are_returned() -> None:
    with _serving(lambda head: (sized(b'{"error":"x"}', "400 Bad Request"), False)) as server:
        client = clients.RawClient(server.url)
        assert client.get("q=1") == (400, b'{"error":"x"}')
        client.close()


@pytest.mark.parametrize(
    "reply",
    [
        b"garbage\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["bad status line", "body cut short", "bad length", "bad chunk size"],
)
def test_broken_replies_raise_an_os_error_the_load_loop_counts(reply: bytes) -> None:
    with _serving(lambda head: (reply, True)) as server:
        client = clients.RawClient(server.url)
        with pytest.raises(OSError) as caught:
            client.get("q=1")
        client.close()
    assert caught.type is clients.HttpError


def test_raw_and_http_clients_get_the_same_answer_from_a_live_server(server: Server) -> None:
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    query = urlencode({"query": text})
    raw, http = clients.RawClient(server.endpoint), clients.HttpClient(server.endpoint)
    try:
        answers = [raw.get(query), http.get(query), raw.get(query)]
    finally:
        raw.close()
        http.close()
    assert answers[0][0] == 200
    assert b'"bindings":[{' in answers[0][1]
    assert answers[0] == answers[1] == answers[2]
