"""A flood from one client meets its budgets (429 with Retry-After) while another client's
lookups are answered as usual, on a server with two web worker processes."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
from conftest import Server, ServerFactory

#: Runs until the 3 s time limit of the test servers stops it.
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l "
    'FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), STR(?l), "never")) }'
)
LOOKUP = "ASK { ?s ?p ?o }"
FLOODERS = 16
SECONDS = 8.0
BUDGETS = {
    "KG_TRUSTED_PROXIES": "127.0.0.1",
    "KG_CLIENT_HEADER": "X-Forwarded-For",
    "KG_BUDGET_CONCURRENCY": "2",
    "KG_BUDGET_SECONDS": "6",
    # Two web workers that each admit the flooder at the same instant may let it run one
    # request more each (the shared table's known slack): three slots per worker keep one
    # free for the other client, so what is tested is the budget, not slot exhaustion.
    "KG_QUERY_WORKERS": "3",
}


def flood(server: Server, until: float) -> list[tuple[int, str | None]]:
    """Slow queries of client 203.0.113.66 until ``until``: (status, Retry-After) each."""
    answers = []
    with requests.Session() as session:
        session.headers["X-Forwarded-For"] = "203.0.113.66"
        while time.monotonic() < until:
            response = session.get(server.endpoint, params={"query": SLOW}, timeout=60)
            answers.append((response.status_code, response.headers.get("Retry-After")))
    return answers


def lookups(server: Server, until: float) -> list[tuple[int, float]]:
    """Point lookups of another client until ``until``: (status, seconds) each."""
    answers = []
    with requests.Session() as session:
        session.headers["X-Forwarded-For"] = "198.51.100.99"
        while time.monotonic() < until:
            started = time.monotonic()
            response = session.get(server.endpoint, params={"query": LOOKUP}, timeout=60)
            answers.append((response.status_code, time.monotonic() - started))
            time.sleep(0.2)
    return answers


def test_a_flood_meets_its_budgets_while_another_client_is_served(
    server_factory: ServerFactory,
) -> None:
    server = server_factory("--workers", "2", **BUDGETS)
    until = time.monotonic() + SECONDS
    with ThreadPoolExecutor(FLOODERS) as pool:
        floods = [pool.submit(flood, server, until) for _ in range(FLOODERS)]
        answers = lookups(server, until)
    flooded = Counter(status for done in floods for status, _ in done.result())
    waits = [int(wait or 0) for done in floods for status, wait in done.result() if status == 429]
    # Without budgets the flood gets no 429 at all and only 503s (timeouts, busy slots).
    assert flooded[429] > 3 * flooded[503] and min(waits) >= 1
    assert {status for status, _ in answers} == {200}
    assert max(seconds for _, seconds in answers) < 5.0
