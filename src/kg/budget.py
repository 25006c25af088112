"""Per-client budgets: how many queries a client may run at once, and how many query-seconds
it may spend in a sliding window, shared by every web worker process of one server.

The query-seconds budget is a leaky bucket: each finished request adds its seconds to the
client's debt, which drains at ``seconds / window`` per second; a client whose debt is at or
over ``seconds`` waits until it has drained below. A client that never runs more than
``seconds / window`` queries at once on average never meets it.

The accounting lives in a small table of fixed slots in a memory-mapped file, so that the
worker processes of one server share it; a ``flock`` on the file (and a thread lock within a
process) makes each update atomic. Without a file the table is this process's own.

>>> table = BudgetTable(Limits(concurrency=1, seconds=10, window=60))
>>> table.admit("192.0.2.1")
>>> try:
...     table.admit("192.0.2.1")
... except RateLimited as exc:
...     print(exc.status, exc.headers)
429 (('Retry-After', '1'),)
>>> table.admit("192.0.2.2")
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from kg.config import Settings
from kg.errors import RateLimited

#: One slot: client key (16-byte digest), queries running, debt in seconds, time of the debt.
SLOT = struct.Struct("<16sidd")
#: The file's header: a magic string and the number of slots.
HEADER = struct.Struct("<8sI")
MAGIC = b"kgbudget"
#: Slots in a table; a client that finds none free takes the least used of its probe window.
SLOTS = 4096
PROBES = 16
#: A slot untouched this long forgets its running queries (their process may have died).
STALE_SECONDS = 600.0
_EMPTY = bytes(16)


@dataclass(frozen=True)
class Limits:
    """The budgets of one client: ``concurrency`` queries at once (0: no limit) and
    ``seconds`` query-seconds per ``window`` seconds (0: no limit)."""

    concurrency: int
    seconds: float
    window: float

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """The limits the settings declare."""
        return cls(settings.budget_concurrency, settings.budget_seconds, settings.budget_window)

    @property
    def rate(self) -> float:
        """How fast a client's debt drains, in query-seconds per second."""
        return self.seconds / self.window


@lru_cache(maxsize=4096)
def client_key(client: str) -> bytes:
    """The 16-byte key a client is kept under (a digest: the same in every process)."""
    return hashlib.blake2b(client.encode("utf-8", "replace"), digest_size=16).digest()


class BudgetTable:
    """The shared table of running queries and query-second debts, one slot per client.

    :param limits: the budgets.
    :param path: the file the processes share (created when missing); empty: this process's
        own table in anonymous memory.
    """

    def __init__(self, limits: Limits, path: str = "") -> None:
        self.limits = limits
        self.path = path
        self._lock = threading.Lock()
        self._open()
        os.register_at_fork(after_in_child=self._open)

    def _open(self) -> None:
        """Map the table (again in a forked child: its own descriptor, so its own lock)."""
        size = HEADER.size + SLOTS * SLOT.size
        self._lock = threading.Lock()
        if not self.path:
            self._fd = -1
            self._map = mmap.mmap(-1, size)
            HEADER.pack_into(self._map, 0, MAGIC, SLOTS)
            return
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            if os.fstat(self._fd).st_size != size:
                os.ftruncate(self._fd, 0)
                os.ftruncate(self._fd, size)
            self._map = mmap.mmap(self._fd, size)
            if HEADER.unpack_from(self._map, 0) != (MAGIC, SLOTS):
                self._map[:] = bytes(size)
                HEADER.pack_into(self._map, 0, MAGIC, SLOTS)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def admit(self, client: str) -> None:
        """Count one more running query of ``client``, if its budgets allow.

        :raises RateLimited: when the client already runs ``concurrency`` queries, or its
            debt has reached ``seconds``; ``Retry-After`` says when to come back.
        """
        key, now = client_key(client), time.monotonic()
        self._acquire()
        try:
            offset, active, debt = self._find(key, now)
            refusal = self._refusal(active, debt)
            if refusal is None:
                SLOT.pack_into(self._map, offset, key, active + 1, debt, now)
        finally:
            self._release()
        if refusal is not None:
            raise refusal

    def release(self, client: str, seconds: float) -> None:
        """Count one running query of ``client`` as finished after ``seconds``."""
        key, now = client_key(client), time.monotonic()
        self._acquire()
        try:
            offset, active, debt = self._find(key, now)
            SLOT.pack_into(self._map, offset, key, max(0, active - 1), debt + seconds, now)
        finally:
            self._release()

    def usage(self, client: str) -> tuple[int, float]:
        """The client's running queries and its current debt in query-seconds."""
        key, now = client_key(client), time.monotonic()
        self._acquire()
        try:
            _, active, debt = self._find(key, now)
        finally:
            self._release()
        return active, debt

    def _refusal(self, active: int, debt: float) -> RateLimited | None:
        limits = self.limits
        if limits.concurrency and active >= limits.concurrency:
            return RateLimited(
                f"this client has {active} requests running, the most it may have at "
                "once; wait for one to finish",
                retry_after=1,
            )
        if limits.seconds and debt >= limits.seconds:
            wait = (debt - limits.seconds) / limits.rate
            return RateLimited(
                f"this client used its {limits.seconds:g} query-seconds per "
                f"{limits.window:g} s; try again later",
                retry_after=math.floor(wait) + 1,
            )
        return None

    def _find(self, key: bytes, now: float) -> tuple[int, int, float]:
        """The slot of ``key`` (claimed if new) with its running queries and drained debt."""
        start = int.from_bytes(key[:4], "little") % SLOTS
        spare: tuple[float, int] | None = None
        for probe in range(PROBES):
            offset = HEADER.size + ((start + probe) % SLOTS) * SLOT.size
            found, active, debt, stamp = SLOT.unpack_from(self._map, offset)
            if found != key and found != _EMPTY:
                # Another client's slot: how much would be lost by taking it.
                value = active * 1e9 + max(0.0, debt - (now - stamp) * self.limits.rate)
                if spare is None or value < spare[0]:
                    spare = (value, offset)
                continue
            if found == _EMPTY:
                return offset, 0, 0.0
            return (offset, *self._current(active, debt, stamp, now))
        assert spare is not None
        return spare[1], 0, 0.0

    def _current(self, active: int, debt: float, stamp: float, now: float) -> tuple[int, float]:
        if stamp > now:  # written before this machine's clock restarted
            return 0, 0.0
        if now - stamp > STALE_SECONDS:
            active = 0
        return active, max(0.0, debt - (now - stamp) * self.limits.rate)

    def _acquire(self) -> None:
        """Take the thread lock and, for a shared file, an exclusive ``flock`` on it."""
        self._lock.acquire()
        if self._fd >= 0:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def _release(self) -> None:
        if self._fd >= 0:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._lock.release()
