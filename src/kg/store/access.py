"""The one object that decides when readers see a write, and owns the single writer.

Writes are single-writer across processes: :meth:`StoreAccess.writing` takes an exclusive file
lock next to the store, opens the read-write store only for the write and closes it again (or,
in maintainer mode, reuses the process's long-lived writer). After each write it bumps a stamp
in the lock file and this process's write generation.

Readers see a write through :meth:`StoreAccess.version`: the store folder's change time (a
flush adds or removes files), the stamp any process's writer leaves, and this process's
generation. Query workers reopen their snapshot when the version they are given differs from
the one they opened; an in-process reader (:meth:`StoreAccess.reader`) also reopens when its
snapshot is older than :data:`READER_MAX_AGE`.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.config import Settings
from kg.errors import StoreError
from kg.store.base import Store
from kg.store.embedded import EmbeddedStore
from kg.store.remote import RemoteStore

#: A snapshot's identity: (folder change time, write stamp, this process's generation).
Version = tuple[int, int, int]
#: Seconds after which an in-process reader snapshot is reopened even without a stamped write.
READER_MAX_AGE = 2.0


def folder_version(location: str) -> int:
    """Changes whenever a writer flushes (RocksDB adds or removes files in the folder)."""
    try:
        return os.stat(location).st_mtime_ns
    except OSError:
        return -1


class StoreAccess:
    """How one process reads the store, writes to it as the single writer, and tells readers
    (in-process and query workers) that a write happened."""

    def __init__(self, settings: Settings, keep_writer: bool = False) -> None:
        """:param keep_writer: keep one read-write store open for the process's life and
        read through it (maintainer mode: the process is the store's only user)."""
        self.settings = settings
        self.generation = 0
        self.keep_writer = keep_writer
        self._writer: Store | None = None
        self._local = threading.Lock()
        self._reader: Store | None = None
        self._reader_key: tuple[bytes, float] = (b"", 0.0)
        store = Path(settings.store)
        self.lock_path = store.parent / f"{store.name}.write.lock"

    def stamp(self) -> bytes:
        """The write stamp: changes after every write by any process."""
        try:
            return self.lock_path.read_bytes()
        except OSError:
            return b""

    def version(self) -> Version:
        """The version a reader must have seen to see every write made so far."""
        return (folder_version(self.settings.store), zlib.crc32(self.stamp()), self.generation)

    def writer(self) -> Store:
        """The long-lived read-write store of maintainer mode, opened on first use.

        :raises StoreError: when it cannot be opened, or the process keeps no writer.
        """
        if not self.keep_writer:
            raise StoreError("this process writes only through StoreAccess.writing()")
        with self._local:
            if self._writer is None:
                self._writer = open_store(self.settings)
            return self._writer

    def after_write(self) -> None:
        """A write happened in this process: readers reopen before their next task."""
        self.generation += 1

    @contextmanager
    def writing(self) -> Iterator[EmbeddedStore]:
        """The read-write store, held by this process alone until the block ends.

        :raises StoreError: for a remote store, or when the store cannot be opened.
        """
        if self.settings.is_remote:
            raise StoreError("contributions need the embedded store (KG_STORE is a URL)")
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self._local, open(self.lock_path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            store = self._writer_unlocked() if self.keep_writer else self._open_writer()
            if not isinstance(store, EmbeddedStore):
                raise StoreError("contributions need the embedded store")
            try:
                yield store
                store.flush()
            finally:
                if not self.keep_writer:
                    store.close()
                os.truncate(handle.fileno(), 0)
                os.pwrite(handle.fileno(), f"{time.time_ns():020d}\n".encode(), 0)
                self.generation += 1

    def reader(self) -> Store:
        """A read-only snapshot, reopened when another write happened or it grew old."""
        if self.keep_writer:
            return self.writer()
        if self.settings.is_remote:
            return open_store(self.settings, read_only=True)
        key = self.stamp()
        with self._local:
            fresh = time.monotonic() - self._reader_key[1] < READER_MAX_AGE
            if self._reader is None or key != self._reader_key[0] or not fresh:
                self._reader = open_store(self.settings, read_only=True)
                self._reader_key = (key, time.monotonic())
            return self._reader

    def _open_writer(self) -> Store:
        return EmbeddedStore.open(self.settings.store)

    def _writer_unlocked(self) -> Store:
        if self._writer is None:
            self._writer = open_store(self.settings)
        return self._writer


def open_store(settings: Settings, read_only: bool = False, attempts: int = 5) -> Store:
    """Open the store the settings name: a folder, or a remote endpoint URL.

    A read-only open that races the writer's compaction (a file listed in the manifest is
    deleted before it is opened) fails once and succeeds a moment later: it is tried up to
    ``attempts`` times.

    :raises StoreError: when it cannot be opened.
    """
    if settings.is_remote:
        return RemoteStore(settings.store, settings.remote_update or None, settings.query_timeout)
    for attempt in range(1, attempts + 1):
        try:
            return EmbeddedStore.open(settings.store, read_only=read_only)
        except StoreError:
            if not read_only or attempt == attempts:
                raise
            time.sleep(0.02 * attempt)
    raise AssertionError("unreachable")
