"""Run queries safely: guard first, then an isolated process with a deadline and row cap.

pyoxigraph cannot cancel a query, can exhaust memory and aborts the process on some inputs,
so every query runs in a worker process of a :class:`QueryPool`. A worker that overruns the
deadline is killed and replaced; one that dies is reported as :class:`QueryCrashed`.
"""

from __future__ import annotations

import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, Union

from kg.config import Settings
from kg.errors import KgError, QueryCrashed, QueryTimeout, TooManyRequests
from kg.query.channel import Channel
from kg.query.worker import QueryOutcome, QueryTask, Task, WorkerConfig
from kg.store import StoreAccess, Version

#: The worker process's program: :func:`kg.query.worker.main` (``-m`` would import the
#: module twice, as ``__main__`` and through its package).
T = TypeVar("T", bound=Task)
_WORKER_MAIN = "from kg.query.worker import main; main()"


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Channel
    version: Version | None = None


class QueryPool:
    """A fixed number of query processes over one on-disk store.

    Workers start lazily on first use (so a forking web server can create the pool before
    it forks). Each task carries the store access's version; a worker reopens its snapshot
    when the version differs from the one it opened.
    """

    def __init__(
        self,
        settings: Settings,
        access: StoreAccess | None = None,
        *,
        size: int | None = None,
        network: bool = False,
    ) -> None:
        """:param access: whose :meth:`~kg.store.StoreAccess.version` tells workers when to
            reopen their snapshot (default: a new one for ``settings``).
        :param size: worker processes (default: ``settings.query_workers``).
        :param network: let the workers open internet sockets (only a federation pool
            does); otherwise each worker blocks them with seccomp before its first task.
        """
        self.settings = settings
        self.access = access or StoreAccess(settings)
        self.size = settings.query_workers if size is None else size
        self.config = WorkerConfig(
            location=settings.store,
            row_limit=settings.row_limit,
            memory_mb=settings.query_memory_mb,
            allowlist=settings.service_allowlist,
            network=network,
            guard_only=settings.allow_guard_only,
        )
        self.restarts = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()
        self._all: list[_Worker] = []

    def _spawn(self) -> _Worker:
        """Start a fresh interpreter running :mod:`kg.query.worker` on one end of a socket pair."""
        ours, theirs = socket.socketpair()
        version = self.access.version()
        command = [sys.executable, "-c", _WORKER_MAIN, "--fd", str(theirs.fileno())]
        command += ["--config", self.config.to_json(), "--version=" + ",".join(map(str, version))]
        process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), close_fds=True)
        theirs.close()
        worker = _Worker(process, Channel(ours), version)
        self._all.append(worker)
        return worker

    def _ensure_started(self) -> None:
        with self._lock:
            if not self._started:
                for _ in range(self.size):
                    self._idle.put(self._spawn())
                self._started = True

    def _retire(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.wait(timeout=5)
        worker.conn.close()
        with self._lock:
            self._all.remove(worker)
            self._idle.put(self._spawn())
            self.restarts += 1

    def run(self, task: T, timeout: float | None = None) -> Any:
        """Run ``task`` in a free worker within ``timeout`` seconds (default: the setting).

        :raises TooManyRequests: when no worker frees up within the timeout.
        :raises QueryTimeout: when the query overruns; its worker is killed and replaced.
        :raises QueryCrashed: when the worker dies while running the query.
        """
        self._ensure_started()
        limit = self.settings.query_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        task = task.at(self.access.version())
        for attempt in (1, 2):
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise TooManyRequests("every query slot stayed busy; try again shortly") from None
            status, payload = self._exchange(worker, task, deadline, limit, attempt == 1)
            if status != "retry":
                break
        if status == "error":
            raise payload if isinstance(payload, KgError) else KgError(str(payload))
        return payload

    def _exchange(
        self, worker: _Worker, task: Task, deadline: float, limit: float, may_retry: bool
    ) -> tuple[str, Any]:
        """Send ``task`` and wait for its reply; ``("retry", None)`` when the worker died
        and had to reopen its snapshot first (a crash while opening is retried once)."""
        reopening = worker.version != task.version
        worker.version = task.version
        try:
            worker.conn.send(task)
            status, payload = worker.conn.recv(max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            self._retire(worker)
            raise QueryTimeout(f"the query ran longer than the {limit:g} s limit") from None
        except (EOFError, OSError):
            self._retire(worker)
            if reopening and may_retry:
                return "retry", None
            raise QueryCrashed(
                "the query stopped the engine: it needed more memory than a query may use, or "
                "was too complex; the server goes on"
            ) from None
        self._idle.put(worker)
        return status, payload

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            for worker in self._all:
                worker.process.kill()
                worker.process.wait(timeout=5)
                worker.conn.close()
            self._all.clear()
            self._idle = queue.Queue()
            self._started = False


class RemoteExecutor:
    """Runs tasks against a remote SPARQL store in the calling thread (HTTP has a timeout)."""

    #: No worker processes, so none is ever replaced.
    restarts = 0

    def __init__(self, settings: Settings) -> None:
        from kg.store import RemoteStore

        self.settings = settings
        self.store = RemoteStore(
            settings.store, settings.remote_update or None, settings.query_timeout
        )
        self.config = WorkerConfig(
            location=settings.store,
            row_limit=settings.row_limit,
            memory_mb=0,
            allowlist=settings.service_allowlist,
            network=True,
        )

    def run(self, task: QueryTask, timeout: float | None = None) -> QueryOutcome:
        """Run ``task`` on the remote store and serialize its result."""
        return task.run(self.store, self.config)

    def close(self) -> None:
        """Nothing to stop."""


if TYPE_CHECKING:
    from kg.query.federation import FederatedExecutor

Executor = Union[QueryPool, RemoteExecutor, "FederatedExecutor"]


def make_executor(settings: Settings, access: StoreAccess | None = None) -> Executor:
    """The executor for the configured store: a process pool (two with an allowlist: see
    :mod:`kg.query.federation`), or the remote endpoint."""
    if settings.is_remote:
        return RemoteExecutor(settings)
    if settings.service_allowlist:
        from kg.query.federation import FederatedExecutor

        return FederatedExecutor(settings, access)
    return QueryPool(settings, access)
