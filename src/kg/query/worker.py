"""The isolated query process: opens a read-only store snapshot and answers tasks.

Runs in a child process started by :class:`kg.query.pool.QueryPool`. A crash here (an engine
abort, the memory cap) ends only this process; the pool reports it and starts another.
"""

from __future__ import annotations

import argparse
import json
import resource
import socket
import sys
import time
from dataclasses import asdict, dataclass, replace
from typing import Any, Protocol, Self

from kg.errors import KgError, QueryRefused, StoreError
from kg.query.channel import Channel
from kg.query.guard import allowed
from kg.results import Term
from kg.sandbox import SandboxUnavailable, block_network
from kg.serializers import serialize
from kg.store import Version
from kg.store.base import Store
from kg.store.embedded import EmbeddedStore

_REMOTE_SCHEMES = ("http://", "https://", "ftp://", "file:")


@dataclass(frozen=True)
class QueryTask:
    """One query to run: text, output format, dataset and the graph names to vet."""

    text: str
    fmt: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    vet_graphs: tuple[str, ...] = ()
    version: Version = (0, 0, 0)
    union: bool = True
    substitutions: dict[str, Term] | None = None
    federated: bool = False

    def run(self, store: Store, config: WorkerConfig) -> QueryOutcome:
        """Answer this query from ``store`` (see :func:`execute`)."""
        return execute(store, self, config)

    def at(self, version: Version) -> QueryTask:
        """This task, to be run on a snapshot of ``version`` or later."""
        return replace(self, version=version)


class Task(Protocol):
    """Work a worker process can do: a picklable value that names the store version it needs
    and answers itself from a read-only snapshot."""

    @property
    def version(self) -> Version:
        """The store version the snapshot must have."""

    def at(self, version: Version) -> Self:
        """The same work, to be run on a snapshot of ``version``."""

    def run(self, store: Store, config: WorkerConfig) -> Any:
        """Do the work against ``store``; raise :class:`~kg.errors.KgError` to refuse."""


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs from the settings (picklable, small)."""

    location: str
    row_limit: int
    memory_mb: int
    allowlist: tuple[str, ...]
    network: bool = False
    guard_only: bool = False

    def to_json(self) -> str:
        """The config as one JSON argument for the worker command line."""
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> WorkerConfig:
        """Read the config back from :meth:`to_json` output."""
        data = json.loads(text)
        data["allowlist"] = tuple(data["allowlist"])
        return cls(**data)


@dataclass(frozen=True)
class QueryOutcome:
    """A fully serialized result, ready to send."""

    body: bytes
    fmt: str
    form: str
    size: int
    truncated: bool


def vet_graphs(store: Store, iris: tuple[str, ...], allowlist: tuple[str, ...]) -> None:
    """Refuse dataset IRIs that would mean fetching: remote or file IRIs not stored here.

    :raises QueryRefused: naming the first such IRI.
    """
    for iri in iris:
        if iri.startswith(_REMOTE_SCHEMES) and not allowed(iri, allowlist):
            if not store.has_graph(iri):
                raise QueryRefused(
                    f"<{iri}> names no graph in this store, and remote or file graphs are "
                    "never fetched"
                )


def execute(store: Store, task: QueryTask, config: WorkerConfig) -> QueryOutcome:
    """Run one task against ``store`` and serialize its result."""
    vet_graphs(store, task.vet_graphs, config.allowlist)
    result = store.query(
        task.text,
        row_limit=config.row_limit,
        default_graphs=task.default_graphs,
        named_graphs=task.named_graphs,
        base_iri=task.base_iri,
        union=task.union,
        substitutions=task.substitutions,
        write=task.fmt,
    )
    body = serialize(result, task.fmt)
    return QueryOutcome(body, task.fmt, result.form, result.size, result.truncated)


def _cap_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def open_snapshot(location: str, attempts: int = 5) -> EmbeddedStore:
    """Open a read-only snapshot, retrying briefly: an open that races a writer's file
    changes can fail once and succeed a moment later.

    :raises StoreError: when every attempt fails.
    """
    for attempt in range(attempts):
        try:
            return EmbeddedStore.open(location, read_only=True)
        except StoreError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
    raise AssertionError("unreachable")


def serve(conn: Channel, config: WorkerConfig, version: Version | None = None) -> None:
    """Worker main loop: receive tasks, send ``("ok", outcome)`` or ``("error", exc)``.

    The snapshot is reopened only when the task's version (:meth:`kg.store.StoreAccess.version`,
    read by the pool) differs from the last one, so
    the engine's caches stay warm and the pool knows when a reopen happens. With ``version``
    the snapshot is opened at start, before any task arrives. Unless the config allows the
    network, internet sockets are blocked (seccomp) before anything else happens.

    A task that fails is answered with an error and the worker goes on: a
    :class:`~kg.errors.KgError` as it is, anything else as an internal error (its type and
    message go to standard error). Only a real crash (an engine abort) ends the process.

    :raises SandboxUnavailable: when the network cannot be blocked and the config does not
        accept guard-only mode (the worker exits).
    """
    if not config.network:
        _sandbox(config.guard_only)
    _cap_memory(config.memory_mb)
    store: EmbeddedStore | None = None
    seen: Version | None = None
    if version is not None:
        try:
            store, seen = open_snapshot(config.location), version
        except KgError:
            store = None
    while True:
        try:
            task: Task = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[str, Any]
        try:
            if store is None or task.version != seen:
                store = open_snapshot(config.location)
                seen = task.version
            reply = ("ok", task.run(store, config))
        except KgError as exc:
            reply = ("error", exc)
        except MemoryError:
            reply = ("error", KgError("the query ran out of memory"))
        except Exception as exc:  # a fault in a task: answer it, keep the process
            print(f"kg query worker: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            reply = ("error", KgError(f"the query failed unexpectedly ({type(exc).__name__})"))
        conn.send(reply)


def _sandbox(guard_only: bool) -> None:
    """Block internet sockets; where seccomp is missing, go on only in guard-only mode."""
    try:
        block_network()
    except SandboxUnavailable:
        if not guard_only:
            raise


def main(argv: list[str] | None = None) -> None:
    """``main --fd N --config JSON``: serve tasks on an inherited socket (the pool starts
    it as ``python -c``)."""
    parser = argparse.ArgumentParser(prog="kg-query-worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--version", default=None, help="store version to open at start")
    args = parser.parse_args(argv)
    version = tuple(int(x) for x in args.version.split(",")) if args.version else None
    sock = socket.socket(fileno=args.fd)
    serve(Channel(sock), WorkerConfig.from_json(args.config), version)  # type: ignore[arg-type]
