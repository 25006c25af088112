"""The store: the only package that touches pyoxigraph.

Two backends implement one protocol, :class:`~kg.store.base.Store`:
:class:`~kg.store.embedded.EmbeddedStore` (pyoxigraph on disk, the default) and
:class:`~kg.store.remote.RemoteStore` (any SPARQL 1.1 endpoint). Callers are typed against the
protocol; :func:`_conforms` makes mypy check that both backends satisfy it.
"""

from __future__ import annotations

from kg.config import Settings
from kg.errors import StoreError
from kg.store.access import StoreAccess, Version, open_store
from kg.store.base import Quad, Store
from kg.store.embedded import EmbeddedStore
from kg.store.remote import RemoteStore


def _conforms(embedded: EmbeddedStore, remote: RemoteStore) -> tuple[Store, Store]:
    """Never called: mypy checks here that both backends implement :class:`Store`."""
    return embedded, remote


def _create(location: str) -> None:
    EmbeddedStore.open(location).close()


def ensure_created(settings: Settings) -> None:
    """Create the on-disk store if missing, in a separate process.

    RocksDB starts background threads on open; a process that forks after opening a store
    (as a pre-forking web server does) leaves its children with none, and their writes
    hang. Creating the store in a spawned process keeps the serving parent clean.

    :raises StoreError: when the store cannot be created.
    """
    import multiprocessing

    if settings.is_remote:
        return
    process = multiprocessing.get_context("spawn").Process(target=_create, args=(settings.store,))
    process.start()
    process.join()
    if process.exitcode != 0:
        raise StoreError(f"cannot open or create the store at {settings.store}")


__all__ = [
    "ensure_created",
    "EmbeddedStore",
    "Quad",
    "RemoteStore",
    "Store",
    "StoreAccess",
    "Version",
    "open_store",
]
