"""Plan a query: guard its text, then build the task a worker runs."""

from __future__ import annotations

from dataclasses import replace

from kg.config import Settings
from kg.errors import Forbidden
from kg.query.federation import confirmed
from kg.query.guard import Inspection, check_size, inspect, refuse
from kg.query.worker import QueryTask
from kg.results import UPDATE


def prepare(settings: Settings, text: str) -> Inspection:
    """Guard a query before it runs; updates are refused here, whatever they contain.

    :raises PayloadTooLarge: for a text over the size cap.
    :raises Forbidden: for an update.
    :raises QueryRefused: for what the guard refuses (see :func:`kg.query.guard.check`;
        with ``KG_GUARD=false`` only the nesting limit), or a SERVICE the full parse finds
        that is not on the allowlist.

    The inspection says whether dataset IRIs are vetted (``guarded``) and whether the query
    runs in the federation pool (``federated``, :func:`kg.query.federation.confirmed`).
    """
    check_size(text, settings.max_query_bytes)
    found = inspect(text)
    if found.form == UPDATE:
        raise Forbidden(
            "updates are not accepted on the query endpoint; contribute data through "
            "/contributions (or /update in maintainer mode)"
        )
    allowlist = settings.service_allowlist
    refuse(found, max_depth=settings.max_nesting, allowlist=allowlist, reach=settings.guard)
    federated = confirmed(text, found, allowlist) if allowlist and found.services else False
    return replace(found, guarded=settings.guard, federated=federated)


def make_task(
    text: str,
    fmt: str,
    found: Inspection,
    *,
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
    base_iri: str | None = None,
) -> QueryTask:
    """Build the task for a guarded query; FROM IRIs are vetted in the worker.

    Protocol dataset parameters only select stored graphs (an unknown one is an empty graph).
    """
    named = found.from_graphs + found.from_named
    vet = named if found.guarded else ()
    return QueryTask(
        text,
        fmt,
        default_graphs,
        named_graphs,
        base_iri,
        vet,
        union=not named,
        federated=found.federated,
    )
