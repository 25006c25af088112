"""The one way to validate, or read for validation: isolated processes with a deadline.

Each web process (and each ``kg validate`` / ``kg contribute``) has one gateway: a pool of
``validation_workers`` processes of its own, apart from the query workers, so point lookups
are answered while validations run. Each validation process has the query workers' memory
cap, blocks internet sockets with seccomp before its first task, runs at the lowest CPU
priority, and is killed and replaced when a validation overruns ``validation_timeout``.

A validation that finds every slot taken waits for one, within its own time limit, but only
``validation_queue`` may wait at once; one more is refused at once (503 ``validation-busy``):
each waiting request holds one of the web process's request threads, and the server gives
each process just enough threads for its query workers, validation workers and this queue.

With a remote store there is no snapshot to open in a child process; the gateway then runs
tasks in the calling process (the store's HTTP timeout bounds the reads, nothing bounds
pySHACL): serve contributions and validation from an embedded store.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol, TypeVar

from kg.config import Settings
from kg.errors import (
    KgError,
    QueryCrashed,
    QueryTimeout,
    TooManyRequests,
    ValidationBusy,
    ValidationCrashed,
    ValidationTimeout,
)
from kg.query import QueryPool
from kg.query.worker import Task
from kg.store import Store, StoreAccess, open_store
from kg.validation.task import WarmUp

R = TypeVar("R", covariant=True)


class Check(Task, Protocol[R]):
    """A task the gateway runs: in a worker (``run``) or, for a remote store, here."""

    def check(self, store: Store) -> R:
        """Do the work against ``store`` in the calling process."""


class ValidationGateway:
    """Runs validation tasks in this process's validation pool."""

    def __init__(
        self, settings: Settings, access: StoreAccess | None = None, *, warm: bool = True
    ) -> None:
        """:param access: the process's store access (its version tells the workers when to
            reopen their snapshot); default: a new one.
        :param warm: after a worker is stopped, warm its replacement in the background (a
            server does; a one-shot command need not).
        """
        self.settings = settings
        self.warm = warm
        self.limit = settings.validation_timeout
        self._slots = threading.BoundedSemaphore(settings.validation_workers)
        self._admitted = threading.BoundedSemaphore(
            settings.validation_workers + settings.validation_queue
        )
        self._pool: QueryPool | None = None
        if not settings.is_remote:
            own = settings.replace(
                query_workers=settings.validation_workers, query_timeout=self.limit
            )
            self._pool = QueryPool(own, access or StoreAccess(settings))

    def run(self, task: Check[R]) -> R:
        """The task's answer, computed within ``validation_timeout`` seconds.

        :raises ValidationBusy: when every validation slot is taken and the queue is full.
        :raises ValidationTimeout: when it overran (its process is replaced), or waited for a
            slot until its time was up.
        :raises ValidationCrashed: when its process died (e.g. over the memory cap).
        :raises KgError: whatever the task itself refuses (bad input, no such graph...).
        """
        if not self._admitted.acquire(blocking=False):
            raise ValidationBusy("every validation slot is busy; try again in a few seconds")
        try:
            started = time.monotonic()
            if not self._slots.acquire(timeout=self.limit):
                raise ValidationTimeout(
                    f"no validation slot freed up within the {self.limit:g} s limit; try again"
                )
            try:
                return self._run(task, self.limit - (time.monotonic() - started))
            finally:
                self._slots.release()
        finally:
            self._admitted.release()

    def _run(self, task: Check[R], remaining: float) -> R:
        if self._pool is None:
            return task.check(open_store(self.settings, read_only=True))
        try:
            result: R = self._pool.run(task, timeout=max(0.0, remaining))
        except QueryTimeout:
            self._warm()
            raise ValidationTimeout(
                f"the validation ran longer than the {self.limit:g} s limit and was stopped; "
                "send less data at a time"
            ) from None
        except TooManyRequests:
            raise ValidationBusy("every validation slot is busy; try again shortly") from None
        except QueryCrashed:
            self._warm()
            raise ValidationCrashed(
                "the validation process stopped: the validation needed more memory than one "
                "may use, or failed; send less data at a time (the server goes on)"
            ) from None
        return result

    def _warm(self) -> None:
        """Warm the worker that replaced a stopped one, in the background (a validation
        arriving meanwhile waits for it within its own time limit)."""
        pool, task = self._pool, WarmUp(self.settings.shapes)
        if pool is not None and self.warm:
            threading.Thread(target=_quietly, args=(pool, task), daemon=True).start()

    def close(self) -> None:
        """Stop the validation processes."""
        if self._pool is not None:
            self._pool.close()


def _quietly(pool: QueryPool, task: WarmUp) -> None:
    try:
        pool.run(task)
    except (KgError, OSError, ValueError):
        pass  # a warm-up that fails (or meets close()) leaves a cold worker, nothing worse
