"""``/healthz``: 200 with every check ``ok`` on a working server; 503 in the error shape,
naming the failed check, when the store cannot be read or no query worker answers in time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import Server, ServerFactory
from test_errors import SLOW


def healthz(server: Server) -> requests.Response:
    return requests.get(server.url + "/healthz", timeout=30)


def eventually_healthy(server: Server, seconds: float = 30) -> bool:
    """True once /healthz answers 200 (query workers start slowly on a busy machine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if healthz(server).status_code == 200:
            return True
        time.sleep(0.2)
    return False


def assert_unhealthy(response: requests.Response, check: str, verdict: str) -> None:
    body = response.json()
    assert response.status_code == 503 and set(body) == {"error", "checks"}
    assert set(body["error"]) == {"status", "type", "message"}
    assert body["error"]["status"] == 503 and body["error"]["type"] == "unhealthy"
    assert body["checks"][check].startswith(verdict) and check in body["error"]["message"]


def test_a_working_server_is_healthy(server: Server) -> None:
    assert eventually_healthy(server)
    response = healthz(server)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"process": "ok", "store": "ok", "query_workers": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def movable(server_factory: ServerFactory) -> Iterator[tuple[Server, Path]]:
    """A server on its own store, and where that store can be moved away to."""
    # A setting no other test uses: this server is the test's own (its store moves away).
    own = server_factory(own_store=True, KG_ROW_LIMIT="501")
    away = own.store.with_name("moved-away")
    yield own, away
    if away.exists():
        away.rename(own.store)


def test_an_unreadable_store_is_reported_and_recovery_seen(movable: tuple[Server, Path]) -> None:
    own, away = movable
    assert eventually_healthy(own)
    own.store.rename(away)
    assert_unhealthy(healthz(own), "store", "failed")
    away.rename(own.store)
    assert eventually_healthy(own)


def test_busy_query_workers_are_reported(server_factory: ServerFactory) -> None:
    # gunicorn runs more request threads than query workers, so requests can queue on the pool.
    own = server_factory(KG_SERVER="gunicorn", KG_QUERY_WORKERS="1", KG_THREADS="4")
    slow = threading.Thread(
        target=requests.post, args=(own.endpoint,), kwargs={"data": {"query": SLOW}, "timeout": 30}
    )
    slow.start()
    try:
        time.sleep(0.3)  # the slow query holds the only worker
        assert_unhealthy(healthz(own), "query_workers", "busy")
    finally:
        slow.join()
    assert eventually_healthy(own)
