"""Per-client budgets: the accounting on its own, then a live ``kg serve`` with small budgets.

Distinct clients come from 127.0.0.1 as a trusted proxy naming them in X-Forwarded-For, or
from a second loopback address (127.0.0.2) as a real peer.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from conftest import Server, ServerFactory

from kg.budget import SLOTS, BudgetTable, Limits
from kg.config import Settings
from kg.errors import RateLimited
from kg.web.budget import Clients, budgeted, shared_table

LOOKUP = "ASK { ?s ?p ?o }"
#: Runs until the 3 s time limit of the test servers stops it.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    'FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), "never")) }'
)
PROXY = {"KG_TRUSTED_PROXIES": "127.0.0.1", "KG_CLIENT_HEADER": "X-Forwarded-For"}
ONE_AT_ONCE = {**PROXY, "KG_BUDGET_CONCURRENCY": "1", "KG_QUERY_WORKERS": "3"}
#: Two query-seconds per ten minutes: one slow query uses them up for minutes.
TWO_SECONDS = {**PROXY, "KG_BUDGET_SECONDS": "2", "KG_BUDGET_WINDOW": "600"}


def as_client(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def ask(server: Server, client: str | None = None, query: str = LOOKUP) -> requests.Response:
    headers = as_client(client) if client else {}
    return requests.get(server.endpoint, params={"query": query}, headers=headers, timeout=30)


def ask_from(server: Server, source: str, headers: dict[str, str] | None = None) -> int:
    """The status of a lookup sent from the loopback address ``source``."""
    url = urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, source_address=(source, 0))
    try:
        connection.request("GET", "/sparql?query=" + quote(LOOKUP), headers=headers or {})
        return connection.getresponse().status
    finally:
        connection.close()


@contextmanager
def slow_query(server: Server, client: str | None = None) -> Iterator[None]:
    """A slow query of ``client`` running on ``server`` during the block."""
    thread = threading.Thread(target=ask, args=(server, client, SLOW))
    thread.start()
    time.sleep(1.5)
    try:
        yield
    finally:
        thread.join()


def assert_rate_limited(response: requests.Response) -> None:
    assert response.status_code == 429, response.text[:200]
    assert response.json()["error"]["type"] == "rate-limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 600


# The accounting, without a server.


def test_a_client_over_its_concurrency_budget_is_refused_for_a_second() -> None:
    table = BudgetTable(Limits(concurrency=2, seconds=0, window=60))
    table.admit("a")
    table.admit("a")
    with pytest.raises(RateLimited) as refused:
        table.admit("a")
    assert refused.value.headers == (("Retry-After", "1"),)


def test_a_finished_query_frees_its_place() -> None:
    table = BudgetTable(Limits(concurrency=1, seconds=0, window=60))
    table.admit("a")
    table.release("a", 0.1)
    table.admit("a")
    with pytest.raises(RateLimited):
        table.admit("a")


def test_a_client_over_its_seconds_is_told_when_enough_has_drained() -> None:
    table = BudgetTable(Limits(concurrency=0, seconds=10, window=60))
    table.admit("a")
    table.release("a", 30.0)
    with pytest.raises(RateLimited) as refused:
        table.admit("a")
    assert refused.value.retry_after in (120, 121)  # 20 s over, draining 1/6 s per second


def test_debt_drains_with_time() -> None:
    table = BudgetTable(Limits(concurrency=0, seconds=1, window=0.5))  # drains 2 s per second
    table.admit("a")
    table.release("a", 3.0)
    with pytest.raises(RateLimited):
        table.admit("a")
    time.sleep(1.2)
    table.admit("a")


def test_one_clients_use_does_not_touch_anothers() -> None:
    table = BudgetTable(Limits(concurrency=1, seconds=1, window=60))
    table.admit("a")
    table.release("a", 5.0)
    with pytest.raises(RateLimited):
        table.admit("a")
    table.admit("b")
    assert table.usage("b") == (1, 0.0)


def test_tables_on_one_file_share_the_accounting(tmp_path: Path) -> None:
    limits = Limits(concurrency=1, seconds=0, window=60)
    first, second = (BudgetTable(limits, str(tmp_path / "t")) for _ in range(2))
    first.admit("a")
    with pytest.raises(RateLimited):
        second.admit("a")


def test_the_lane_of_a_dead_process_is_cleared_when_taken_over(tmp_path: Path) -> None:
    path = str(tmp_path / "t")
    limits = Limits(concurrency=1, seconds=0, window=60)
    mine = BudgetTable(limits, path)
    died = "from kg.budget import BudgetTable, Limits; "
    died += f"BudgetTable(Limits(1, 0, 60), {path!r}).admit('a')"
    subprocess.run([sys.executable, "-c", died], check=True)
    with pytest.raises(RateLimited):
        mine.admit("a")
    BudgetTable(limits, path)
    mine.admit("a")


def test_a_full_table_still_admits_new_clients() -> None:
    table = BudgetTable(Limits(concurrency=1, seconds=0, window=60))
    for number in range(2 * SLOTS):
        table.admit(f"client-{number}")
    table.admit("newcomer")
    with pytest.raises(RateLimited):
        table.admit("newcomer")


def dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(done.stdout)


def test_a_server_removes_the_tables_that_dead_servers_left() -> None:
    left = Path(tempfile.gettempdir()) / f"kg-budgets-{dead_pid()}-test.table"
    left.touch()
    with shared_table(Settings.build(env={})) as settings:
        assert Path(settings.budget_file).exists() and not left.exists()
    assert not Path(settings.budget_file).exists()


@pytest.mark.parametrize(
    ("peer", "header", "client"),
    [
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "203.0.113.1, 198.51.100.7, 10.0.0.5", "198.51.100.7"),
        ("127.0.0.1", "10.0.0.4, 10.0.0.5", "10.0.0.4"),
        ("192.0.2.9", "198.51.100.7", "192.0.2.9"),
        ("2001:db8:1:2::9", None, "2001:db8:1:2::/64"),
    ],
)
def test_the_client_is_the_peer_or_the_right_most_untrusted_forwarded_address(
    peer: str, header: str | None, client: str
) -> None:
    clients = Clients(Settings.build(env={}).replace(**_proxy_settings()))
    environ = {"REMOTE_ADDR": peer, **({"HTTP_X_FORWARDED_FOR": header} if header else {})}
    assert clients(environ) == client


def _proxy_settings() -> dict[str, object]:
    return {"trusted_proxies": ("127.0.0.1", "10.0.0.0/8"), "client_header": "X-Forwarded-For"}


@pytest.mark.parametrize(
    ("method", "path", "counts"),
    [
        ("GET", "/sparql", True),
        ("POST", "/sparql", True),
        ("POST", "/validate", True),
        ("POST", "/contributions", True),
        ("GET", "/id/state/FRA", True),
        ("GET", "/", True),
        ("GET", "/charts", True),
        ("GET", "/charts/themes.svg", True),
        ("GET", "/query/terms.json", True),
        ("GET", "/healthz", True),
        ("GET", "/contributions/0123456789abcdef0123", True),
        ("DELETE", "/contributions/0123456789abcdef0123", True),
        ("OPTIONS", "/sparql", False),
        ("POST", "/", False),
        ("GET", "/static/site.css", False),
        ("GET", "/ontology", False),
        ("GET", "/metrics", False),
    ],
)
def test_the_routes_that_run_queries_or_validations_count(
    method: str, path: str, counts: bool
) -> None:
    assert budgeted(method, path) is counts


# A live server.


@pytest.fixture(scope="module")
def one_at_once(server_factory: ServerFactory) -> Server:
    return server_factory(**ONE_AT_ONCE)


@pytest.fixture(scope="module")
def two_seconds(server_factory: ServerFactory) -> Server:
    return server_factory(**TWO_SECONDS)


def test_a_second_query_at_once_is_refused_while_another_client_is_served(
    one_at_once: Server,
) -> None:
    with slow_query(one_at_once, "198.51.100.1"):
        assert_rate_limited(ask(one_at_once, "198.51.100.1"))
        assert ask(one_at_once, "198.51.100.2").status_code == 200
    assert ask(one_at_once, "198.51.100.1").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/sparql"),
        ("POST", "/validate"),
        ("POST", "/contributions"),
        ("GET", "/id/x/y"),
        ("GET", "/"),
        ("GET", "/charts"),
        ("GET", "/charts/x.svg"),
        ("GET", "/query/terms.json"),
        ("GET", "/healthz"),
        ("GET", "/contributions/0123456789abcdef0123"),
    ],
)
def test_every_route_that_runs_queries_counts(one_at_once: Server, method: str, path: str) -> None:
    with slow_query(one_at_once, "198.51.100.3"):
        headers = {**as_client("198.51.100.3"), "Content-Type": "text/turtle"}
        response = requests.request(method, one_at_once.url + path, headers=headers, timeout=30)
        assert_rate_limited(response)


def test_a_real_second_address_is_served_while_the_first_is_at_its_budget(
    one_at_once: Server,
) -> None:
    with slow_query(one_at_once):
        assert ask_from(one_at_once, "127.0.0.1") == 429
        assert ask_from(one_at_once, "127.0.0.2") == 200


def test_an_untrusted_peer_cannot_name_another_client(one_at_once: Server) -> None:
    with slow_query(one_at_once):
        assert ask_from(one_at_once, "127.0.0.2", as_client("127.0.0.1")) == 200


def test_a_client_over_its_query_seconds_is_refused_while_another_is_served(
    two_seconds: Server,
) -> None:
    assert ask(two_seconds, "198.51.100.5", SLOW).status_code == 503
    assert_rate_limited(ask(two_seconds, "198.51.100.5"))
    assert ask(two_seconds, "198.51.100.6").status_code == 200


def test_an_untrusted_peer_cannot_escape_its_budget_by_a_header(two_seconds: Server) -> None:
    url = urlsplit(two_seconds.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, source_address=("127.0.0.2", 0))
    connection.request("GET", "/sparql?query=" + quote(SLOW))
    assert connection.getresponse().status == 503
    connection.close()
    assert ask_from(two_seconds, "127.0.0.2", as_client("198.51.100.50")) == 429


@pytest.mark.parametrize("http_server", ["granian", "gunicorn"])
def test_the_concurrency_budget_holds_across_two_web_worker_processes(
    server_factory: ServerFactory, http_server: str
) -> None:
    server = server_factory("--workers", "2", "--server", http_server, **ONE_AT_ONCE)
    with slow_query(server, "198.51.100.7"):
        statuses = [ask(server, "198.51.100.7").status_code for _ in range(12)]
    assert statuses == [429] * 12


def test_the_seconds_budget_holds_across_two_web_worker_processes(
    server_factory: ServerFactory,
) -> None:
    server = server_factory("--workers", "2", **TWO_SECONDS)
    assert ask(server, "198.51.100.8", SLOW).status_code == 503
    statuses = [ask(server, "198.51.100.8").status_code for _ in range(12)]
    assert statuses == [429] * 12
