"""``/metrics``: Prometheus text, counted over every web worker process, labelled by route
(never by raw path), with timeouts, refusals, 429s, worker restarts and graph sizes."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from conftest import Server, ServerFactory
from prometheus_client.parser import text_string_to_metric_families
from test_errors import SLOW

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]
#: A time limit that a cold query worker on a busy machine stays within (the tests here
#: do not test the limit).
PATIENT = {"KG_QUERY_TIMEOUT": "30"}
KIND = {"type": "query-refused"}
REFUSED = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"


def scrape(server: Server) -> Samples:
    response = requests.get(server.url + "/metrics", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def requests_of(samples: Samples, route: str, status: str, method: str = "GET") -> float:
    return value(samples, "kg_http_requests_total", route=route, method=method, status=status)


@pytest.fixture(scope="module")
def two_workers(server_factory: ServerFactory) -> Server:
    """A granian server with two web worker processes."""
    return server_factory("--workers", "2", **PATIENT)


def fresh_get(
    url: str, params: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> requests.Response:
    """A GET on a new connection (so the requests spread over the worker processes)."""
    sent = {"Connection": "close", **(headers or {})}
    return requests.get(url, params=params, headers=sent, timeout=30)


@pytest.mark.parametrize("server_name", ["granian", "gunicorn"])
def test_counts_add_up_over_every_worker_process(
    server_factory: ServerFactory, server_name: str
) -> None:
    own = server_factory("--workers", "2", KG_SERVER=server_name, **PATIENT)
    time.sleep(0.5)  # a request is counted once its answer is sent: let the start-up probe's land
    before = scrape(own)
    for _ in range(40):
        assert fresh_get(own.endpoint, params={"query": "ASK {}"}).status_code == 200
    for _ in range(4):  # whichever process answers the scrape sees all 40
        grown = requests_of(scrape(own), "/sparql", "200") - requests_of(before, "/sparql", "200")
        assert grown == 40


def test_the_metrics_folder_is_emptied_when_the_server_starts(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    stale = tmp_path / "counter_1.db"
    stale.write_bytes(b"left by an earlier server")
    own = server_factory(KG_METRICS_DIR=str(tmp_path), **PATIENT)
    assert fresh_get(own.endpoint, params={"query": "ASK {}"}).status_code == 200
    assert not stale.exists() and list(tmp_path.glob("counter_*.db"))


def test_a_file_not_yet_sized_does_not_fail_the_scrape(
    server_factory: ServerFactory, tmp_path: Path
) -> None:
    """A web worker that is starting has created its file but not yet sized it."""
    own = server_factory(KG_METRICS_DIR=str(tmp_path), **PATIENT)
    assert fresh_get(own.endpoint, params={"query": "ASK {}"}).status_code == 200
    (tmp_path / "counter_999999.db").touch()
    assert requests_of(scrape(own), "/sparql", "200") >= 1


def test_latency_is_a_histogram_per_route(two_workers: Server) -> None:
    fresh_get(two_workers.url + "/healthz")
    samples = scrape(two_workers)
    name = "kg_http_request_duration_seconds"
    count = value(samples, name + "_count", route="/healthz")
    assert count >= 1 and value(samples, name + "_bucket", route="/healthz", le="+Inf") == count


def test_routes_are_url_rules_never_raw_paths(two_workers: Server) -> None:
    unique = uuid.uuid4().hex
    fresh_get(f"{two_workers.url}/id/state/{unique}", headers={"Accept": "text/turtle"})
    fresh_get(f"{two_workers.url}/no-such-{unique}")
    text = requests.get(two_workers.url + "/metrics", timeout=30).text
    samples = scrape(two_workers)
    assert unique not in text
    assert requests_of(samples, "/id/<path:key>", "404") >= 1
    assert requests_of(samples, "(unmatched)", "404") >= 1


def test_guard_refusals_are_counted(two_workers: Server) -> None:
    before = scrape(two_workers)
    assert fresh_get(two_workers.endpoint, params={"query": REFUSED}).status_code == 400
    refused = requests.post(two_workers.endpoint, data={"query": REFUSED}, timeout=30)
    assert refused.status_code == 400
    after = scrape(two_workers)
    for name, labels in (("kg_query_refusals_total", {}), ("kg_http_errors_total", KIND)):
        assert value(after, name, **labels) - value(before, name, **labels) == 2


def test_graph_sizes_are_read_from_the_store(two_workers: Server) -> None:
    samples = scrape(two_workers)
    graphs = {
        dict(labels)["graph"]: v
        for (name, labels), v in samples.items()
        if name == "kg_graph_triples"
    }
    assert value(samples, "kg_store_up") == 1
    assert graphs["https://w3id.org/tpkg/graph/ontology/tpkg"] > 100 and len(graphs) <= 100


@pytest.fixture(scope="module")
def saturated(server_factory: ServerFactory) -> tuple[list[int], Samples, Samples]:
    """Eight slow queries at once on one query worker (gunicorn: more request threads than
    query workers). Each that gets the worker runs over the time limit (503) and the worker
    is replaced; one still waiting when its own deadline passes first gets 503 server-busy.
    Returns the
    statuses and the metrics before and after."""
    own = server_factory(KG_SERVER="gunicorn", KG_QUERY_WORKERS="1", KG_THREADS="8")
    before, statuses = scrape(own), []

    def send() -> None:
        response = requests.post(own.endpoint, data={"query": SLOW}, timeout=60)
        statuses.append(f"{response.status_code} {response.json()['error']['type']}")

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, before, scrape(own)


@pytest.mark.parametrize(
    ("metric", "status"),
    [
        ("kg_query_timeouts_total", "503 query-timeout"),
        ("kg_server_busy_total", "503 server-busy"),
        ("kg_query_worker_restarts_total", "503 query-timeout"),
    ],
)
def test_timeouts_busy_answers_and_restarts_are_counted(
    saturated: tuple[list[str], Samples, Samples], metric: str, status: str
) -> None:
    statuses, before, after = saturated
    assert set(statuses) == {"503 server-busy", "503 query-timeout"}
    assert value(after, metric) - value(before, metric) == statuses.count(status)


def test_rate_limited_answers_are_counted(server_factory: ServerFactory) -> None:
    proxy = {"KG_TRUSTED_PROXIES": "127.0.0.1", "KG_CLIENT_HEADER": "X-Forwarded-For"}
    own = server_factory(**proxy, KG_BUDGET_SECONDS="2", KG_BUDGET_WINDOW="600")
    flood = {"X-Forwarded-For": "198.51.100.9"}
    requests.get(own.endpoint, params={"query": SLOW}, headers=flood, timeout=60)
    before = scrape(own)
    statuses = [
        requests.get(own.endpoint, params={"query": "ASK {}"}, headers=flood, timeout=30)
        for _ in range(5)
    ]
    assert [s.status_code for s in statuses] == [429] * 5
    assert value(scrape(own), "kg_rate_limited_total") - value(before, "kg_rate_limited_total") == 5
