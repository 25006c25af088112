"""The isolated query process: opens a read-only store snapshot and answers tasks.

Runs in a child process started by :class:`kg.query.QueryPool`. A crash here (an engine
abort, the memory cap) ends only this process; the pool reports it and starts another.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from kg.errors import KgError, QueryRefused
from kg.guard import allowed
from kg.serializers import serialize
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
    generation: int = 0


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs from the settings (picklable, small)."""

    location: str
    row_limit: int
    memory_mb: int
    refresh_seconds: float
    allowlist: tuple[str, ...]


@dataclass(frozen=True)
class QueryOutcome:
    """A fully serialized result, ready to send."""

    body: bytes
    fmt: str
    form: str
    size: int
    truncated: bool


def vet_graphs(store: EmbeddedStore, iris: tuple[str, ...], allowlist: tuple[str, ...]) -> None:
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


def execute(store: EmbeddedStore, task: QueryTask, config: WorkerConfig) -> QueryOutcome:
    """Run one task against ``store`` and serialize its result."""
    vet_graphs(store, task.vet_graphs, config.allowlist)
    result = store.query(
        task.text,
        row_limit=config.row_limit,
        default_graphs=task.default_graphs,
        named_graphs=task.named_graphs,
        base_iri=task.base_iri,
    )
    body = serialize(result, task.fmt)
    return QueryOutcome(body, task.fmt, result.form, result.size, result.truncated)


def _cap_memory(megabytes: int) -> None:
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve(conn: Connection, config: WorkerConfig) -> None:
    """Worker main loop: receive tasks, send ``("ok", outcome)`` or ``("error", exc)``.

    Once its snapshot is open it first sends ``("started", None)``, so that the pool can tell
    a crash while opening (retried) from a crash while querying (reported).
    """
    _cap_memory(config.memory_mb)
    store: EmbeddedStore | None = None
    opened_at = 0.0
    generation = -1
    while True:
        try:
            task: QueryTask = conn.recv()
        except (EOFError, OSError):
            return
        reply: tuple[str, Any]
        try:
            stale = time.monotonic() - opened_at > config.refresh_seconds
            if store is None or stale or task.generation != generation:
                store = EmbeddedStore.open(config.location, read_only=True)
                opened_at, generation = time.monotonic(), task.generation
            conn.send(("started", None))
            reply = ("ok", execute(store, task, config))
        except KgError as exc:
            reply = ("error", exc)
        except MemoryError:
            reply = ("error", KgError("the query ran out of memory"))
        conn.send(reply)
