"""Per-client budgets on the routes that run queries or validations (WSGI middleware).

The client is the peer address, or, when the peer is a trusted proxy
(``KG_TRUSTED_PROXIES``), the right-most untrusted address in the header it sets
(``KG_CLIENT_HEADER``, e.g. ``X-Forwarded-For``). IPv6 clients count per /64 network (one
host usually holds a whole /64). The accounting is :class:`kg.budget.BudgetTable`; a
request over a budget gets the one JSON error (429 ``rate-limited``) with ``Retry-After``
before anything else runs.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.http import HTTP_STATUS_CODES

from kg.budget import BudgetTable, Limits, alive
from kg.config import Settings
from kg.errors import RateLimited
from kg.web.answer import kg_error_answer

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

READS = frozenset({"GET", "HEAD"})
#: Path -> methods that may run a query or a validation (a cached page too: its queries run
#: when the store changes, and counting a cheap answer costs its client next to nothing).
BUDGETED = {
    "/sparql": frozenset({"GET", "HEAD", "POST"}),
    "/validate": frozenset({"POST"}),
    "/contributions": frozenset({"POST"}),
    "/search": READS,
    "/contribute": frozenset({"POST"}),
    "/query": READS,
    "/query/terms.json": READS,
    "/": READS,
    "/charts": READS,
    "/healthz": READS,
}
#: Path prefix -> methods, for the pages under it.
PREFIXED = {
    "/id/": READS,
    "/graph/": READS,
    "/charts/": READS,
    "/contributions/": frozenset({"GET", "HEAD", "DELETE"}),
}


def budgeted(method: str, path: str) -> bool:
    """True when a request may run queries or validations and so counts against its client."""
    methods = BUDGETED.get(path)
    if methods is None:
        methods = next((m for p, m in PREFIXED.items() if path.startswith(p)), frozenset())
    return method in methods


class Clients:
    """Who a request comes from, by the settings' trusted proxies and client header."""

    def __init__(self, settings: Settings) -> None:
        self.header = "HTTP_" + settings.client_header.upper().replace("-", "_")
        self.use_header = bool(settings.client_header and settings.trusted_proxies)
        self.proxies: tuple[Network, ...] = tuple(
            ipaddress.ip_network(p, strict=False) for p in settings.trusted_proxies
        )

    def __call__(self, environ: dict[str, Any]) -> str:
        """The client key of a request (an address, an IPv6 /64 network, or a header value)."""
        peer = str(environ.get("REMOTE_ADDR") or "-")
        if self.use_header and self.trusted(peer):
            hops = [h.strip() for h in str(environ.get(self.header, "")).split(",") if h.strip()]
            for hop in reversed(hops):
                if not self.trusted(hop):
                    return grouped(hop)
            if hops:
                return grouped(hops[0])
        return grouped(peer)

    def trusted(self, address: str) -> bool:
        """True when ``address`` is one of the trusted proxies."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.proxies)


def grouped(address: str) -> str:
    """The address itself, or for IPv6 its /64 network.

    >>> grouped("2001:db8:1:2:3:4:5:6"), grouped("192.0.2.7")
    ('2001:db8:1:2::/64', '192.0.2.7')
    """
    if ":" not in address:
        return address
    try:
        ip = ipaddress.IPv6Address(address.strip("[]"))
    except ValueError:
        return address
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, 64), strict=False))


class ClientBudgets:
    """WSGI middleware: counts budgeted requests per client, refuses those over budget."""

    def __init__(self, app: WSGIApp, table: BudgetTable, clients: Clients) -> None:
        self.app = app
        self.table = table
        self.clients = clients

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not budgeted(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        client = self.clients(environ)
        try:
            self.table.admit(client)
        except RateLimited as exc:
            body, headers = kg_error_answer(exc)
            headers.append(("Content-Length", str(len(body))))
            start_response(f"429 {HTTP_STATUS_CODES[429].upper()}", headers)
            return [body]
        started = time.perf_counter()
        try:
            return self.app(environ, start_response)
        finally:
            self.table.release(client, time.perf_counter() - started)


def install(app: WSGIApp, settings: Settings) -> WSGIApp:
    """``app`` behind the settings' budgets (unchanged when both budgets are off)."""
    if not settings.budget_concurrency and not settings.budget_seconds:
        return app
    table = BudgetTable(Limits.of(settings), settings.budget_file)
    return ClientBudgets(app, table, Clients(settings))


@contextmanager
def shared_table(settings: Settings) -> Iterator[Settings]:
    """The settings with a ``budget_file`` that every worker process of a server shares: the
    configured one, or a temporary file removed when the server stops."""
    if settings.budget_file:
        yield settings
        return
    _remove_orphans()
    fd, path = tempfile.mkstemp(prefix=f"kg-budgets-{os.getpid()}-", suffix=".table")
    os.close(fd)
    try:
        yield settings.replace(budget_file=path)
    finally:
        os.unlink(path)


def _remove_orphans() -> None:
    """Remove the temporary tables of servers that died without removing theirs."""
    for path in Path(tempfile.gettempdir()).glob("kg-budgets-*-*.table"):
        pid = path.name.split("-")[2]
        if pid.isdigit() and not alive(int(pid)):
            path.unlink(missing_ok=True)
