"""The shape results a resource page shows, checked in a validation process and cached.

A check validates the resource's stored description in the context of the store
(:class:`kg.validation.node.NodeCheck`) through the process's validation gateway, so it
runs isolated, at low priority and within the validation time limit. A page waits for it at
most ``page_check_seconds``; a check still running then goes on in the background, one at
a time per web process and a few waiting at most, and its result serves the later views
until the store changes (the cache is kept per store version).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from kg.store import Version
from kg.validation.gateway import ValidationGateway
from kg.validation.node import NodeCheck
from kg.validation.report import Result

#: Results kept per web process (one entry per resource checked since the store changed).
CACHED = 4096
#: Checks that may wait for the background thread; a page finding more shows none.
PENDING = 4


@dataclass(frozen=True)
class Checks:
    """What a page shows of the checks: ``status`` is ``done`` (with ``results``),
    ``pending`` (still running), ``busy`` (not run: too many waiting), ``failed`` or
    ``off``."""

    status: str
    results: tuple[Result, ...] = ()


class PageChecks:
    """The checks of one web process: the cache, and the threads that run them (one at a
    time)."""

    def __init__(self, gateway: ValidationGateway, shapes: str, limit: int) -> None:
        self.gateway, self.shapes, self.limit = gateway, shapes, limit
        self._cache: OrderedDict[tuple[Version, str], tuple[Result, ...]] = OrderedDict()
        self._pending: dict[tuple[Version, str], Future[tuple[Result, ...]]] = {}
        self._lock = threading.Lock()
        self._one = threading.Lock()  # one check at a time per web process

    def get(self, iri: str, version: Version, wait: float) -> Checks:
        """The checks of ``iri`` at ``version``, waiting at most ``wait`` seconds."""
        if wait <= 0:
            return Checks("off")
        key = (version, iri)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return Checks("done", self._cache[key])
            future = self._pending.get(key)
            if future is None:
                if len(self._pending) >= PENDING:
                    return Checks("busy")
                future = Future()
                self._pending[key] = future
                # A daemon thread: a check left running never holds up the process's exit.
                threading.Thread(target=self._run, args=(key, future), daemon=True).start()
        try:
            return Checks("done", future.result(timeout=wait))
        except FutureTimeout:
            return Checks("pending")
        except Exception:  # noqa: BLE001 - whatever stopped the check, the page still shows
            return Checks("failed")

    def _run(self, key: tuple[Version, str], future: Future[tuple[Result, ...]]) -> None:
        try:
            with self._one:
                found = tuple(self.gateway.run(NodeCheck(key[1], self.limit, self.shapes)))
        except BaseException as exc:  # the page that waits shows the check as failed
            with self._lock:
                self._pending.pop(key, None)
            future.set_exception(exc)
            return
        with self._lock:
            if self._cache and next(iter(self._cache))[0] != key[0]:
                self._cache.clear()  # the store changed: older results no longer hold
            self._cache[key] = found
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)
            self._pending.pop(key, None)
        future.set_result(found)
