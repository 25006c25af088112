"""Pickled messages over a socket pair between a web process and its query worker.

Each message is an 8-byte big-endian length and a pickle. Compared with
``multiprocessing.connection.Connection``, a reply usually arrives with one receive instead of
two, and waiting uses one poll object kept for the channel's life instead of a new selector
per wait: fewer system calls on a path that every query takes twice.
"""

from __future__ import annotations

import pickle
import select
import socket
import time
from typing import Any

_HEADER = 8
_CHUNK = 1 << 16


class Channel:
    """One end of a socket pair carrying pickled messages."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = bytearray()
        self._poller: select.poll | None = None

    def send(self, message: Any) -> None:
        """Send one message (blocks until the kernel took all of it).

        :raises OSError: when the peer is gone.
        """
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self.sock.sendall(len(data).to_bytes(_HEADER, "big") + data)

    def recv(self, timeout: float | None = None) -> Any:
        """The next message; wait at most ``timeout`` seconds (None: for ever).

        :raises TimeoutError: when no whole message arrived in time.
        :raises EOFError: when the peer closed its end (or died).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            message = self._take()
            if message is not None:
                return message[0]
            if deadline is not None:
                self._wait(deadline)
            chunk = self.sock.recv(_CHUNK)
            if not chunk:
                raise EOFError("the other end of the channel closed")
            self._buffer += chunk

    def _take(self) -> tuple[Any] | None:
        if len(self._buffer) < _HEADER:
            return None
        size = int.from_bytes(self._buffer[:_HEADER], "big")
        end = _HEADER + size
        if len(self._buffer) < end:
            return None
        data = bytes(self._buffer[_HEADER:end])
        del self._buffer[:end]
        return (pickle.loads(data),)

    def _wait(self, deadline: float) -> None:
        if self._poller is None:
            self._poller = select.poll()
            self._poller.register(self.sock.fileno(), select.POLLIN)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not self._poller.poll(remaining * 1000):
            raise TimeoutError("no reply within the time limit")

    def close(self) -> None:
        """Close this end."""
        self.sock.close()
