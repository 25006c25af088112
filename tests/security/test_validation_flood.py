"""Issue 10's done check: three 20,000-triple validations sent at once each answer within the
time limit (200 or 503), and point lookups sent meanwhile are answered within 200 ms.

Validations run in the web process's validation pool (isolated, lowest CPU priority, killed
at the deadline), apart from the query workers that answer the lookups.
"""

from __future__ import annotations

import statistics
import threading
import time

import pytest
import requests
from conftest import Server, ServerFactory
from flood import recommendations

TIMEOUT = 10.0
#: Seconds a validation may take beyond the time limit (reading, pickling, answering).
GRACE = 5.0
LOOKUP_LIMIT = 0.2
LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/tpkg/id/state/KAZ> ?p ?o }"


@pytest.fixture(scope="module")
def flood_server(server_factory: ServerFactory) -> Server:
    return server_factory(KG_VALIDATION_TIMEOUT=str(TIMEOUT), KG_MAX_BODY_BYTES="4194304")


def _lookups(server: Server, stop: threading.Event, seen: list[tuple[int, float]]) -> None:
    with requests.Session() as session:
        while not stop.is_set():
            started = time.perf_counter()
            response = session.get(server.endpoint, params={"query": LOOKUP}, timeout=30)
            seen.append((response.status_code, time.perf_counter() - started))
            time.sleep(0.05)


def _validate(server: Server, body: bytes, seen: list[tuple[int, float]]) -> None:
    started = time.perf_counter()
    response = requests.post(
        server.url + "/validate",
        data=body,
        headers={"Content-Type": "text/turtle", "Accept": "application/json"},
        timeout=TIMEOUT + 60,
    )
    seen.append((response.status_code, time.perf_counter() - started))


def _flood(server: Server) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Send three validations at once while lookups run every 50 ms; both answer lists."""
    lookups: list[tuple[int, float]] = []
    validations: list[tuple[int, float]] = []
    stop = threading.Event()
    looker = threading.Thread(target=_lookups, args=(server, stop, lookups))
    senders = [
        threading.Thread(target=_validate, args=(server, recommendations(20_000, t), validations))
        for t in "abc"
    ]
    looker.start()
    time.sleep(0.5)
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    stop.set()
    looker.join()
    return lookups, validations


def test_three_large_validations_leave_point_lookups_fast(flood_server: Server) -> None:
    for _ in range(5):  # warm the query workers and the plan cache
        requests.get(flood_server.endpoint, params={"query": LOOKUP}, timeout=30)
    lookups, validations = _flood(flood_server)
    times = sorted(t for _, t in lookups)
    p99 = times[int(len(times) * 0.99) - 1]
    figures = (
        f"validations {validations}; {len(times)} lookups: p50 "
        f"{statistics.median(times) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {times[-1] * 1000:.0f} ms"
    )
    print(figures)
    assert len(validations) == 3, figures
    assert all(s in (200, 503) and t < TIMEOUT + GRACE for s, t in validations), figures
    assert {s for s, _ in lookups} == {200} and times[-1] < LOOKUP_LIMIT, figures
