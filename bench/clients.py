"""HTTP clients for the load threads: each keeps one keep-alive connection and sends GETs.

The harness shares the machine with the servers it measures, so every microsecond of client
CPU is taken from the server under test. That shrinks the gaps between fast and slow servers:
with a client costing as much CPU per request as a fast server, the fast server can at most look
twice as fast as a server that costs nothing extra. The default client is therefore the
lightest one that is still a real HTTP/1.1 client (``raw``); the others are kept to compare.
"""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

import requests

ACCEPT = "application/sparql-results+json"
_MAX_HEAD = 1 << 16
_NO_BODY = (204, 304)


class HttpError(OSError):
    """The server's reply broke HTTP/1.1 framing, or the connection ended mid-reply."""


def _number(text: str, base: int) -> int:
    try:
        value = int(text.strip(), base)
    except ValueError:
        raise HttpError(f"bad length {text[:40]!r} in the reply") from None
    if value < 0:
        raise HttpError(f"negative length {value} in the reply")
    return value


class RawClient:
    """HTTP/1.1 over a plain socket: the request bytes are built once per query string and
    the reply is framed by ``Content-Length``, chunked encoding or connection close.

    About a quarter of the client CPU per request that ``http.client`` needs (it parses every
    header through the ``email`` package)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.path = parts.path or "/"
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.requests: dict[str, bytes] = {}

    def _request(self, query_string: str) -> bytes:
        data = self.requests.get(query_string)
        if data is None:
            host = f"{self.address[0]}:{self.address[1]}"
            line = f"GET {self.path}?{query_string} HTTP/1.1\r\n"
            data = (line + f"Host: {host}\r\nAccept: {ACCEPT}\r\n\r\n").encode()
            self.requests[query_string] = data
        return data

    def get(self, query_string: str) -> tuple[int, bytes]:
        """GET ``path?query_string``; reconnect once if the kept-alive connection had closed."""
        for attempt in range(2):
            fresh = self.sock is None
            if self.sock is None:
                self.sock = socket.create_connection(self.address, timeout=60)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.sock.sendall(self._request(query_string))
                return self._response()
            except (ConnectionError, HttpError):
                partial = bool(self.buffer)
                self.close()
                if fresh or attempt or partial:
                    raise
        raise AssertionError("unreachable")

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise HttpError("the server closed the connection mid-reply")
        self.buffer += chunk

    def _take_until(self, marker: bytes) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            if len(self.buffer) > _MAX_HEAD:
                raise HttpError("reply header too long")
            self._fill()
        data = bytes(self.buffer[:end])
        del self.buffer[: end + len(marker)]
        return data

    def _take(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _response(self) -> tuple[int, bytes]:
        head = self._take_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        try:
            status = int(head[0].split(" ", 2)[1])
        except (IndexError, ValueError):
            raise HttpError(f"bad status line {head[0][:80]!r}") from None
        fields = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if status in _NO_BODY or status < 200:
            body = b""
        elif "chunked" in fields.get("transfer-encoding", "").lower():
            body = self._chunked()
        elif "content-length" in fields:
            body = self._take(_number(fields["content-length"], 10))
        else:
            body = self._until_close()
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def _chunked(self) -> bytes:
        parts = []
        while size := _number(self._take_until(b"\r\n").split(b";")[0].decode("latin-1"), 16):
            parts.append(self._take(size))
            self._take(2)
        while self._take_until(b"\r\n"):  # trailer fields, then the empty line
            pass
        return b"".join(parts)

    def _until_close(self) -> bytes:
        assert self.sock is not None
        while chunk := self.sock.recv(1 << 16):
            self.buffer += chunk
        body = bytes(self.buffer)
        self.close()
        return body

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.buffer = bytearray()


class HttpClient:
    """One keep-alive HTTP/1.1 connection through ``http.client``: about a tenth of the client
    CPU per request that ``requests`` needs."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.path = parts.path or "/"
        self.conn = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=60
        )

    def get(self, query_string: str) -> tuple[int, bytes]:
        """GET ``path?query_string``; reconnect once if the server closed the connection."""
        for attempt in range(2):
            try:
                self.conn.request("GET", f"{self.path}?{query_string}", headers={"Accept": ACCEPT})
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


class RequestsClient:
    """A ``requests.Session`` (keep-alive through urllib3)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["Accept"] = ACCEPT

    def get(self, query_string: str) -> tuple[int, bytes]:
        """GET ``url?query_string``."""
        resp = self.session.get(f"{self.url}?{query_string}", timeout=60)
        return resp.status_code, resp.content

    def close(self) -> None:
        """Close the session."""
        self.session.close()


Client = RawClient | HttpClient | RequestsClient

CLIENTS: dict[str, type[Client]] = {
    "raw": RawClient,
    "http": HttpClient,
    "requests": RequestsClient,
}
