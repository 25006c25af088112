"""Check that servers agree on answers, and drive closed-loop HTTP load against one of them."""

from __future__ import annotations

import hashlib
import http.client
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from clients import ACCEPT, CLIENTS, Client

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class Query:
    """A benchmark query: a name, what it exercises, and the concrete texts the load cycles
    through (several IRIs, so that no server can answer from a one-entry result cache)."""

    name: str
    description: str
    variants: list[str]
    ordered: bool = False


def normalise_term(value: dict) -> tuple[str, str, str]:
    """A SPARQL JSON term as (type, value, datatype-or-language), with xsd:string implied."""
    kind = "literal" if value.get("type") == "typed-literal" else value.get("type", "")
    extra = value.get("xml:lang") or value.get("datatype", "")
    return kind, value.get("value", ""), "" if extra == XSD_STRING else extra


def answer_digest(body: dict, ordered: bool) -> tuple[int, str]:
    """Row count and a digest of the rows (sorted unless the query's order matters)."""
    variables = body.get("head", {}).get("vars", [])
    rows = [
        tuple(normalise_term(b[v]) if v in b else ("", "", "") for v in variables)
        for b in body.get("results", {}).get("bindings", [])
    ]
    canonical = rows if ordered else sorted(rows)
    return len(rows), hashlib.sha256(repr(canonical).encode()).hexdigest()[:12]


def check_answers(url: str, query: Query) -> list[tuple[int, str] | str]:
    """Run every variant once; return (rows, digest) per variant, or an error string."""
    answers: list[tuple[int, str] | str] = []
    with requests.Session() as session:
        for text in query.variants:
            try:
                resp = session.get(
                    url, params={"query": text}, headers={"Accept": ACCEPT}, timeout=300
                )
                resp.raise_for_status()
                answers.append(answer_digest(resp.json(), query.ordered))
            except (requests.RequestException, ValueError) as exc:
                answers.append(f"error: {exc}"[:200])
    return answers


@dataclass
class LoadResult:
    """Closed-loop load figures for one query on one server."""

    requests: int
    errors: int
    elapsed_s: float
    throughput: float
    p50_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    mean_ms: float | None
    client_cpu: float
    first_error: str | None = None
    latencies_ms: list[float] = field(default_factory=list)
    rounds: list[float] = field(default_factory=list)


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of sorted values (q in 0..100)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))
    return sorted_values[int(rank) - 1]


class Budget:
    """Shared permission to send the next request, for all client threads of one measurement.

    Sending stops after ``max_requests``; at ``deadline`` once at least ``min_requests`` have
    been sent (so that slow queries still get a few samples); and at ``hard_deadline`` in any
    case."""

    def __init__(
        self, deadline: float, hard_deadline: float, min_requests: int, max_requests: int
    ) -> None:
        self.deadline, self.hard_deadline = deadline, hard_deadline
        self.min_requests, self.max_requests = min_requests, max_requests
        self.sent = 0
        self.lock = threading.Lock()

    def take(self) -> bool:
        """True if the caller may send one more request."""
        with self.lock:
            now = time.perf_counter()
            if self.sent >= self.max_requests or now >= self.hard_deadline:
                return False
            if now >= self.deadline and self.sent >= self.min_requests:
                return False
            self.sent += 1
            return True


def client_loop(
    client: Client,
    query_strings: list[str],
    offset: int,
    budget: Budget,
    out: list[float],
    errors: list[str],
) -> None:
    """One client thread: send queries back to back while the budget allows."""
    i = offset
    try:
        while budget.take():
            start = time.perf_counter()
            try:
                status, body = client.get(query_strings[i % len(query_strings)])
                if status == 200:
                    out.append((time.perf_counter() - start) * 1000)
                else:
                    errors.append(f"HTTP {status}: {body[:120]!r}")
            except (OSError, http.client.HTTPException, requests.RequestException) as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:160])
            i += 1
    finally:
        client.close()


@dataclass
class LoadSettings:
    """How long and how hard to load one query."""

    duration: float
    concurrency: int
    client: str = "raw"
    min_requests: int = 0
    max_requests: int = 200_000

    @property
    def hard_limit(self) -> float:
        """Seconds after which no new request starts, whatever ``min_requests`` says."""
        return max(20 * self.duration, 120.0)


def run_load(url: str, query: Query, settings: LoadSettings) -> LoadResult:
    """Closed-loop load: ``concurrency`` threads, each sending its next request as soon as the
    last one is answered, cycling through the query's variants; every latency is recorded."""
    latencies: list[list[float]] = [[] for _ in range(settings.concurrency)]
    errors: list[str] = []
    query_strings = [urlencode({"query": text}) for text in query.variants]
    clients = [CLIENTS[settings.client](url) for _ in range(settings.concurrency)]
    cpu0, start = time.process_time(), time.perf_counter()
    budget = Budget(
        start + settings.duration,
        start + settings.hard_limit,
        settings.min_requests,
        settings.max_requests,
    )
    threads = [
        threading.Thread(
            target=client_loop,
            args=(clients[n], query_strings, n, budget, latencies[n], errors),
            daemon=True,
        )
        for n in range(settings.concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    cpu = (time.process_time() - cpu0) / elapsed if elapsed else 0.0
    merged = sorted(x for per_thread in latencies for x in per_thread)
    return summarize(
        merged,
        elapsed,
        requests=len(merged) + len(errors),
        errors=len(errors),
        client_cpu=cpu,
        first_error=errors[0] if errors else None,
    )


def summarize(
    merged: list[float],
    elapsed: float,
    *,
    requests: int,
    errors: int,
    client_cpu: float,
    first_error: str | None,
    rounds: list[float] | None = None,
) -> LoadResult:
    """Figures from sorted latencies (ms) of the successful requests over ``elapsed`` s."""
    return LoadResult(
        requests=requests,
        errors=errors,
        elapsed_s=round(elapsed, 3),
        throughput=len(merged) / elapsed if elapsed else 0.0,
        p50_ms=percentile(merged, 50),
        p90_ms=percentile(merged, 90),
        p99_ms=percentile(merged, 99),
        max_ms=merged[-1] if merged else None,
        mean_ms=sum(merged) / len(merged) if merged else None,
        client_cpu=round(client_cpu, 2),
        first_error=first_error,
        latencies_ms=merged,
        rounds=rounds or [],
    )


def merge_loads(parts: list[LoadResult]) -> LoadResult:
    """One result from a server's rounds: totals, percentiles over every latency, and each
    round's throughput in ``rounds``."""
    merged = sorted(x for part in parts for x in part.latencies_ms)
    elapsed = sum(part.elapsed_s for part in parts)
    errors = [part.first_error for part in parts if part.first_error]
    return summarize(
        merged,
        elapsed,
        requests=sum(part.requests for part in parts),
        errors=sum(part.errors for part in parts),
        client_cpu=sum(p.client_cpu * p.elapsed_s for p in parts) / elapsed if elapsed else 0.0,
        first_error=errors[0] if errors else None,
        rounds=[round(part.throughput, 2) for part in parts],
    )
