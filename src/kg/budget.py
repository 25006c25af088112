"""Per-client budgets: how many queries a client may run at once, and how many query-seconds
it may spend in a sliding window, shared by every web worker process of one server.

The query-seconds budget is a leaky bucket: each finished request adds its seconds to the
client's debt, which drains at ``seconds / window`` per second; a client whose debt is at or
over ``seconds`` waits until it has drained below. A client that never runs more than
``seconds / window`` queries at once on average never meets it.

The accounting lives in a memory-mapped file that the worker processes of one server share.
Each process owns one *lane* of it, a small hash table of clients that only that process
writes; a budget check adds up the client's entries in every lane. So a request takes no lock
that another process could hold (a process holding one could wait for its interpreter lock
for milliseconds while every other process waits for it); the price is that processes
admitting the same client at the same instant may let it run one request more each. Lanes
are claimed with ``flock`` when a process opens the table; a lane whose process has died is
taken over (and cleared) by the next process that opens it. Without a file the table is
this process's own.

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
import logging
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

log = logging.getLogger("kg.budget")

#: One slot: client key (16-byte digest), queries running, debt in seconds, time of the debt.
SLOT = struct.Struct("<16sidd")
#: The file's header: a magic string, lanes in use (the highest claimed + 1), slots a lane.
HEADER = struct.Struct("<8sII")
MAGIC = b"kgbudgt2"
#: Lanes (processes) a table holds, and the process id owning each.
LANES = 32
PID = struct.Struct("<q")
#: Slots in a lane; a client that finds none free takes the least used of its probe window.
SLOTS = 2048
PROBES = 16
#: A slot untouched this long forgets its running queries (their process may have died).
STALE_SECONDS = 600.0
_EMPTY = bytes(16)
_LANE_BYTES = SLOTS * SLOT.size
_SLOTS_AT = HEADER.size + LANES * PID.size
SIZE = _SLOTS_AT + LANES * _LANE_BYTES


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


def alive(pid: int) -> bool:
    """True while a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class BudgetTable:
    """Running queries and query-second debts per client, in lanes of a shared table.

    :param limits: the budgets.
    :param path: the file the processes share (created when missing); empty: this process's
        own table in anonymous memory.
    """

    def __init__(self, limits: Limits, path: str = "") -> None:
        self.limits = limits
        self.path = path
        self._open()
        os.register_at_fork(after_in_child=self._open)

    def _open(self) -> None:
        """Map the table and claim a lane (again in a forked child: a lane of its own)."""
        self._lock = threading.Lock()
        if not self.path:
            self._map = mmap.mmap(-1, SIZE)
            HEADER.pack_into(self._map, 0, MAGIC, 1, SLOTS)
            self._lane = 0
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_size != SIZE:
                os.ftruncate(fd, 0)
                os.ftruncate(fd, SIZE)  # all zeros, and sparse
            self._map = mmap.mmap(fd, SIZE)
            magic, _, slots = HEADER.unpack_from(self._map, 0)
            if (magic, slots) != (MAGIC, SLOTS):
                if magic != bytes(8):
                    self._map[:] = bytes(SIZE)
                HEADER.pack_into(self._map, 0, MAGIC, 0, SLOTS)
            lane = self._claim()
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)  # the mapping holds a copy of the descriptor
            os.close(fd)
        if lane is None:
            log.warning("every lane of %s is taken: this process keeps its own budgets", self.path)
            self.path = ""
            self._open()
        else:
            self._lane = lane

    def _in_use(self) -> int:
        return int(HEADER.unpack_from(self._map, 0)[1])

    def _claim(self) -> int | None:
        """Take a free lane, or one whose process has died, clearing it; None when every
        lane belongs to a live process."""
        for lane in range(LANES):
            (pid,) = PID.unpack_from(self._map, HEADER.size + lane * PID.size)
            if pid == 0 or not alive(pid):
                if pid:  # a lane never used is all zeros already
                    start = _SLOTS_AT + lane * _LANE_BYTES
                    self._map[start : start + _LANE_BYTES] = bytes(_LANE_BYTES)
                PID.pack_into(self._map, HEADER.size + lane * PID.size, os.getpid())
                HEADER.pack_into(self._map, 0, MAGIC, max(self._in_use(), lane + 1), SLOTS)
                return lane
        return None

    def admit(self, client: str) -> None:
        """Count one more running query of ``client``, if its budgets allow.

        :raises RateLimited: when the client already runs ``concurrency`` queries, or its
            debt has reached ``seconds``; ``Retry-After`` says when to come back.
        """
        key, now = client_key(client), time.monotonic()
        with self._lock:
            offset, active, debt = self._find(key, now)
            others_active, others_debt = self._others(key, now)
            refusal = self._refusal(active + others_active, debt + others_debt)
            if refusal is None:
                SLOT.pack_into(self._map, offset, key, active + 1, debt, now)
        if refusal is not None:
            raise refusal

    def release(self, client: str, seconds: float) -> None:
        """Count one running query of ``client`` as finished after ``seconds``."""
        key, now = client_key(client), time.monotonic()
        with self._lock:
            offset, active, debt = self._find(key, now)
            SLOT.pack_into(self._map, offset, key, max(0, active - 1), debt + seconds, now)

    def usage(self, client: str) -> tuple[int, float]:
        """The client's running queries and its current debt in query-seconds, all lanes."""
        key, now = client_key(client), time.monotonic()
        with self._lock:
            _, active, debt = self._find(key, now)
            others_active, others_debt = self._others(key, now)
        return active + others_active, debt + others_debt

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
        """The slot of ``key`` in this process's lane (claimed if new), with its running
        queries and drained debt."""
        base = _SLOTS_AT + self._lane * _LANE_BYTES
        start = int.from_bytes(key[:4], "little") % SLOTS
        spare: tuple[float, int] | None = None
        for probe in range(PROBES):
            offset = base + ((start + probe) % SLOTS) * SLOT.size
            found, active, debt, stamp = SLOT.unpack_from(self._map, offset)
            if found == key:
                return (offset, *self._current(active, debt, stamp, now))
            if found == _EMPTY:
                return offset, 0, 0.0
            # Another client's slot: how much would be lost by taking it.
            value = active * 1e9 + max(0.0, debt - (now - stamp) * self.limits.rate)
            if spare is None or value < spare[0]:
                spare = (value, offset)
        assert spare is not None
        return spare[1], 0, 0.0

    def _others(self, key: bytes, now: float) -> tuple[int, float]:
        """The running queries and drained debt of ``key`` in the other processes' lanes
        (read without a lock: a slot being written may read stale for this one request)."""
        active_sum, debt_sum = 0, 0.0
        start = int.from_bytes(key[:4], "little") % SLOTS
        for lane in range(self._in_use()):
            if lane == self._lane:
                continue
            base = _SLOTS_AT + lane * _LANE_BYTES
            for probe in range(PROBES):
                offset = base + ((start + probe) % SLOTS) * SLOT.size
                found, active, debt, stamp = SLOT.unpack_from(self._map, offset)
                if found == key:
                    active, debt = self._current(active, debt, stamp, now)
                    active_sum, debt_sum = active_sum + active, debt_sum + debt
                if found == key or found == _EMPTY:
                    break
        return active_sum, debt_sum

    def _current(self, active: int, debt: float, stamp: float, now: float) -> tuple[int, float]:
        if stamp > now:  # written before this machine's clock restarted
            return 0, 0.0
        if now - stamp > STALE_SECONDS:
            active = 0
        return active, max(0.0, debt - (now - stamp) * self.limits.rate)
