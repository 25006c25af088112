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
from dataclasses import dataclass, replace
from typing import Any

from kg.config import Settings
from kg.errors import KgError, QueryCrashed, QueryTimeout, TooManyRequests
from kg.query.channel import Channel
from kg.query.worker import QueryOutcome, QueryTask, WorkerConfig, store_version

#: The worker process's program: :func:`kg.query.worker.main` (``-m`` would import the
#: module twice, as ``__main__`` and through its package).
_WORKER_MAIN = "from kg.query.worker import main; main()"


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Channel
    version: tuple[int, int] | None = None


class QueryPool:
    """A fixed number of query processes over one on-disk store.

    Workers start lazily on first use (so a forking web server can create the pool before
    it forks). ``generation`` is bumped after writes so workers reopen their snapshot.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.config = WorkerConfig(
            location=settings.store,
            row_limit=settings.row_limit,
            memory_mb=settings.query_memory_mb,
            allowlist=settings.service_allowlist,
        )
        self.generation = 0
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()
        self._all: list[_Worker] = []
        self.restarts = 0

    def _spawn(self) -> _Worker:
        """Start a fresh interpreter running :mod:`kg.query.worker` on one end of a socket pair."""
        ours, theirs = socket.socketpair()
        version = (store_version(self.config.location), self.generation)
        command = [sys.executable, "-c", _WORKER_MAIN, "--fd", str(theirs.fileno())]
        command += ["--config", self.config.to_json(), f"--version={version[0]},{version[1]}"]
        process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), close_fds=True)
        theirs.close()
        worker = _Worker(process, Channel(ours), version)
        self._all.append(worker)
        return worker

    def _ensure_started(self) -> None:
        with self._lock:
            if not self._started:
                for _ in range(self.settings.query_workers):
                    self._idle.put(self._spawn())
                self._started = True

    def _retire(self, worker: _Worker) -> None:
        self.restarts += 1
        worker.process.kill()
        worker.process.wait(timeout=5)
        worker.conn.close()
        with self._lock:
            self._all.remove(worker)
            self._idle.put(self._spawn())

    def run(self, task: QueryTask, timeout: float | None = None) -> QueryOutcome:
        """Run ``task`` in a free worker within ``timeout`` seconds (default: the setting).

        :raises TooManyRequests: when no worker frees up within the timeout.
        :raises QueryTimeout: when the query overruns; its worker is killed and replaced.
        :raises QueryCrashed: when the worker dies while running the query.
        """
        self._ensure_started()
        limit = self.settings.query_timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        task = replace(task, version=(store_version(self.config.location), self.generation))
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
        outcome: QueryOutcome = payload
        return outcome

    def _exchange(
        self, worker: _Worker, task: QueryTask, deadline: float, limit: float, may_retry: bool
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

    def __init__(self, settings: Settings) -> None:
        from kg.store import RemoteStore

        self.settings = settings
        self.generation = 0
        self.restarts = 0
        self.store = RemoteStore(
            settings.store, settings.remote_update or None, settings.query_timeout
        )
        self.config = WorkerConfig(
            location=settings.store,
            row_limit=settings.row_limit,
            memory_mb=0,
            allowlist=settings.service_allowlist,
        )

    def run(self, task: QueryTask, timeout: float | None = None) -> QueryOutcome:
        """Run ``task`` on the remote store and serialize its result."""
        from kg.query.worker import execute

        return execute(self.store, task, self.config)  # type: ignore[arg-type]

    def close(self) -> None:
        """Nothing to stop."""


Executor = QueryPool | RemoteExecutor


def make_executor(settings: Settings) -> Executor:
    """The executor for the configured store: a process pool, or the remote endpoint."""
    return RemoteExecutor(settings) if settings.is_remote else QueryPool(settings)
