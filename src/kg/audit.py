"""The audit log: one JSON line per contribution and withdrawal, appended to a file.

Each event is written after the store write succeeded, by whoever made it (the web view or
``kg contribute``): the file is opened with ``O_APPEND``, the line written with a single
``os.write`` and synced to disk before the file is closed, so lines from concurrent writers
(threads, web workers, the CLI) never interleave. The line names the contributor, never a
token. A line that cannot be written does not undo the write it records: the failure is
logged as an error, with the whole event, so an operator can restore the line.

>>> event = Event("contribute", "0123456789abcdef0123", "https://w3id.org/tpkg/graph/x",
...               "alice", "alice", None, "ab" * 32, 3, "127.0.0.1", "req-1")
>>> sorted(event.as_json())[:4]
['actor', 'client', 'contributor', 'created']
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.config import Settings

if TYPE_CHECKING:
    from kg.contributions import Receipt

log = logging.getLogger("kg.audit")

#: The events the log records.
EVENTS = ("contribute", "withdraw")


@dataclass(frozen=True)
class Event:
    """One audited event: what happened to which contribution, by whom, from where;
    ``created`` (contributions only) is False when the same bytes were stored before."""

    event: str
    id: str
    graph: str
    contributor: str
    actor: str
    source: str | None
    sha256: str
    triples: int
    client: str | None
    request_id: str | None
    created: bool | None = None

    def as_json(self) -> dict[str, Any]:
        """The event with its time (UTC, ISO 8601), ready for one JSON line."""
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return {"time": stamp, **asdict(self)}


def audit_path(settings: Settings) -> Path:
    """The audit file: the setting, or ``audit.log`` next to the store."""
    if settings.audit_log:
        return Path(settings.audit_log)
    base = Path("var") if settings.is_remote else Path(settings.store).parent
    return base / "audit.log"


def event_of(
    kind: str, receipt: Receipt, actor: str, client: str | None, request_id: str | None
) -> Event:
    """The event for a contribution's ``receipt``; ``actor`` is who asked (the contributor,
    or the maintainer who withdrew it)."""
    record = receipt.record
    return Event(
        event=kind,
        id=receipt.id,
        graph=receipt.graph,
        contributor=record.contributor,
        actor=actor,
        source=record.source,
        sha256=record.sha256,
        triples=record.triples,
        client=client,
        request_id=request_id,
        created=receipt.created if kind == "contribute" else None,
    )


def append(path: Path, event: Event) -> bool:
    """Append ``event`` to the audit file at ``path`` as one synced JSON line.

    Never raises for a file that cannot be written: logs an error with the event instead.

    :returns: True when the line is on disk.
    """
    line = (json.dumps(event.as_json(), ensure_ascii=False) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(f"only {written} of {len(line)} bytes were written")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        log.error("AUDIT LOG NOT WRITTEN (%s: %s); the event: %s", path, exc, line.decode())
        return False
    return True


def record(
    settings: Settings,
    kind: str,
    receipt: Receipt,
    actor: str,
    client: str | None = None,
    request_id: str | None = None,
) -> bool:
    """Append the event for ``receipt`` to the configured audit file (see :func:`append`).

    :param kind: ``contribute`` or ``withdraw``.
    :returns: True when the line is on disk.
    """
    return append(audit_path(settings), event_of(kind, receipt, actor, client, request_id))
