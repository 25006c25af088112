"""Compare ``kg serve`` with ``oxigraph serve-read-only`` and rdflib-endpoint on the same data.

For each size, the harness generates seeded synthetic data (``bench/synth.py``), starts each
server in turn on a free loopback port over that file, checks that all servers return the same
rows for every query, then runs a closed loop of ``--concurrency`` client threads per query for
``--duration`` seconds. It reports throughput and p50/p99 latency, the ratios kg/oxigraph and
kg/rdflib-endpoint, load times and peak memory, as Markdown on stdout and in ``bench/results/``
(Markdown and JSON).

    .venv/bin/python bench/endpoint.py --sizes 10k --duration 2
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH_DIR / "results"
ACCEPT = "application/sparql-results+json"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SERVERS = ("kg", "kg-gunicorn", "oxigraph", "rdflib-endpoint")
RATIO_PAIRS = (
    ("kg", "oxigraph"),
    ("kg", "rdflib-endpoint"),
    ("kg-gunicorn", "oxigraph"),
    ("kg-gunicorn", "rdflib-endpoint"),
)

#: The issue's targets: (query, size, baseline server, minimum throughput ratio kg/baseline).
TARGETS = (
    ("group-by", 100_000, "oxigraph", 0.85),
    ("point-lookup", 100_000, "rdflib-endpoint", 3.0),
)

PREFIXES = """PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
"""


# --------------------------------------------------------------------------------------------
# Queries


@dataclass
class Query:
    """A benchmark query: a name, what it exercises, and the concrete texts the load cycles
    through (several IRIs, so that no server can answer from a one-entry result cache)."""

    name: str
    description: str
    variants: list[str]
    ordered: bool = False


def point_lookup(rec_iri: str) -> str:
    """All properties of one recommendation, by IRI."""
    return f"SELECT ?p ?o WHERE {{ <{rec_iri}> ?p ?o }}"


def join(state_code: str) -> str:
    """Recommendations addressed to one State, with theme labels, recommender and date."""
    return (
        PREFIXES
        + f"""SELECT ?rec ?themeLabel ?actor ?date WHERE {{
  ?state skos:notation "{state_code}" .
  ?rec tp:addressee ?state ; tp:theme ?theme ; tp:recommendedBy ?actor ; dct:source ?doc .
  ?theme skos:prefLabel ?themeLabel .
  ?doc dct:date ?date .
}}"""
    )


GROUP_BY = (
    PREFIXES
    + """SELECT ?state ?theme (COUNT(?rec) AS ?n) WHERE {
  ?rec a tp:Recommendation ; tp:addressee ?state ; tp:theme ?theme .
} GROUP BY ?state ?theme"""
)

ORDER_BY_LIMIT = (
    PREFIXES
    + """SELECT ?doc ?id ?date WHERE {
  ?doc a tp:Document ; dct:identifier ?id ; dct:date ?date .
} ORDER BY DESC(?date) ?id LIMIT 10"""
)


def build_queries(manifest: dict) -> list[Query]:
    """The benchmark queries, with variants drawn from the data's manifest."""
    recs = manifest["sample_recommendations"][:32]
    states = (
        list(manifest["focus_states"])
        + [s for s in manifest["states"] if s not in manifest["focus_states"]][:5]
    )
    return [
        Query(
            "point-lookup",
            "all properties of one recommendation by IRI",
            [point_lookup(r) for r in recs],
        ),
        Query(
            "point-lookup-1k",
            "the same lookup over 1,024 IRIs: more texts than a 128-entry query cache holds",
            [point_lookup(r) for r in manifest["many_recommendations"]],
        ),
        Query(
            "join",
            "recommendations to one State with theme labels (5 patterns)",
            [join(s) for s in states],
        ),
        Query("group-by", "count of recommendations per State and theme", [GROUP_BY]),
        Query("order-by-limit", "latest 10 documents by date", [ORDER_BY_LIMIT], ordered=True),
    ]


# --------------------------------------------------------------------------------------------
# Servers


@dataclass
class Running:
    """A server process started by the harness."""

    name: str
    url: str
    proc: subprocess.Popen
    log: Path
    load_s: float | None = None

    def stop(self, grace: float = 10.0) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=grace)


class SkipServer(Exception):
    """The server cannot run here (missing command, failed load or start)."""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_command(name: str) -> str | None:
    """The path of a console script next to this interpreter, else on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_load_step(cmd: list[str], log: Path, timeout: float) -> float:
    """Run an offline load command; return its wall time or raise SkipServer."""
    start = time.perf_counter()
    with log.open("ab") as out:
        try:
            done = subprocess.run(
                cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise SkipServer(f"load timed out after {timeout:.0f} s: {' '.join(cmd)}") from exc
    if done.returncode != 0:
        raise SkipServer(f"load failed ({done.returncode}): {' '.join(cmd)}\n{tail(log)}")
    return time.perf_counter() - start


def start_process(name: str, cmd: list[str], url: str, log: Path) -> Running:
    """Start a server in its own process group, output to ``log``."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Running(name=name, url=url, proc=proc, log=log)


def wait_ready(server: Running, timeout: float) -> float:
    """Poll the endpoint with an ASK query until it answers 200; return seconds waited."""
    start = time.perf_counter()
    query_url = f"{server.url}?query={quote('ASK { ?s ?p ?o }')}"
    while time.perf_counter() - start < timeout:
        if server.proc.poll() is not None:
            raise SkipServer(
                f"{server.name} exited with {server.proc.returncode}\n{tail(server.log)}"
            )
        with contextlib.suppress(requests.RequestException):
            resp = requests.get(query_url, headers={"Accept": ACCEPT}, timeout=5)
            if resp.status_code == 200:
                return time.perf_counter() - start
        time.sleep(0.2)
    raise SkipServer(f"{server.name} not ready after {timeout:.0f} s\n{tail(server.log)}")


def start_kg(
    data: Path, work: Path, timeout: float, workers: int, http_server: str = "granian"
) -> Running:
    """``kg --store DIR load FILE``, then ``kg --store DIR serve`` (endpoint /sparql) with the
    given production HTTP server (granian, the default, or gunicorn)."""
    kg = venv_command("kg")
    if kg is None:
        raise SkipServer("the `kg` command is not installed (pip install -e . in the venv)")
    name = "kg" if http_server == "granian" else f"kg-{http_server}"
    store, log, port = work / f"{name}-store", work / f"{name}.log", free_port()
    load_s = run_load_step([kg, "--store", str(store), "load", str(data)], log, timeout)
    cmd = [kg, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers), "--server", http_server]
    server = start_process(name, cmd, f"http://127.0.0.1:{port}/sparql", log)
    server.load_s = load_s
    return server


def start_kg_gunicorn(data: Path, work: Path, timeout: float, workers: int) -> Running:
    """``kg serve --server gunicorn`` on its own copy of the data."""
    return start_kg(data, work, timeout, workers, "gunicorn")


def start_oxigraph(data: Path, work: Path, timeout: float, workers: int) -> Running:
    """``oxigraph load`` into an on-disk store, then ``oxigraph serve-read-only`` (/query)."""
    ox = venv_command("oxigraph")
    if ox is None:
        raise SkipServer("the `oxigraph` server binary is not installed (pip install oxigraph)")
    store, log, port = work / "oxstore", work / "oxigraph.log", free_port()
    load_s = run_load_step(
        [ox, "load", "--location", str(store), "--file", str(data)], log, timeout
    )
    cmd = [ox, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    server = start_process("oxigraph", cmd, f"http://127.0.0.1:{port}/query", log)
    server.load_s = load_s
    return server


def start_rdflib(data: Path, work: Path, timeout: float, workers: int) -> Running:
    """``rdflib-endpoint serve FILE``: it parses the file into memory at start (endpoint /)."""
    log, port = work / "rdflib-endpoint.log", free_port()
    cmd = [sys.executable, "-m", "rdflib_endpoint", "serve", str(data)]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    return start_process("rdflib-endpoint", cmd, f"http://127.0.0.1:{port}/", log)


STARTERS: dict[str, Callable[[Path, Path, float, int], Running]] = {
    "kg": start_kg,
    "kg-gunicorn": start_kg_gunicorn,
    "oxigraph": start_oxigraph,
    "rdflib-endpoint": start_rdflib,
}


def process_tree(root: int) -> list[int]:
    """The pid ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def proc_kib(pid: int, name: str, key: str) -> int | None:
    """A ``Key:  N kB`` figure from ``/proc/<pid>/<name>``, or None."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def tree_kib(root: int, name: str, key: str) -> int | None:
    """Sum of a /proc memory figure over a process tree (None if no process had it)."""
    values = [proc_kib(pid, name, key) for pid in process_tree(root)]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


class MemorySampler(threading.Thread):
    """Samples the proportional set size (PSS) of a server's process tree, keeping the peak.

    PSS splits pages shared between processes (a pre-fork server's workers share the master's
    pages) among them, so the sum over the tree does not count shared memory twice, unlike a
    sum of per-process RSS."""

    def __init__(self, root: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_kib: int | None = None
        self.halt = threading.Event()

    def sample(self) -> None:
        """Take one sample (falls back to RSS where smaps_rollup is not readable)."""
        value = tree_kib(self.root, "smaps_rollup", "Pss")
        if value is None:
            value = tree_kib(self.root, "status", "VmRSS")
        if value is not None:
            self.peak_kib = max(self.peak_kib or 0, value)

    def run(self) -> None:
        """Sample until stopped."""
        while not self.halt.wait(self.interval):
            self.sample()

    def stop(self) -> float | None:
        """Stop sampling; return the peak in MiB."""
        self.sample()
        self.halt.set()
        self.join(timeout=5)
        return None if self.peak_kib is None else round(self.peak_kib / 1024, 1)


# --------------------------------------------------------------------------------------------
# Checking answers and running load


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


class HttpClient:
    """One keep-alive HTTP/1.1 connection through ``http.client``: about a tenth of the client
    CPU per request that ``requests`` needs, so fast servers are not capped by the harness."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.path = parts.path or "/"
        self.conn = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=60
        )

    def get(self, query_string: str) -> tuple[int, bytes]:
        """GET ``path?query_string``; reconnect once if the server closed the connection."""
        for attempt in range(2):
            try:
                self.conn.request("GET", f"{self.path}?{query_string}", headers={"Accept": ACCEPT})
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


class RequestsClient:
    """A ``requests.Session`` (keep-alive through urllib3)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["Accept"] = ACCEPT

    def get(self, query_string: str) -> tuple[int, bytes]:
        """GET ``url?query_string``."""
        resp = self.session.get(f"{self.url}?{query_string}", timeout=60)
        return resp.status_code, resp.content

    def close(self) -> None:
        """Close the session."""
        self.session.close()


CLIENTS: dict[str, type[HttpClient] | type[RequestsClient]] = {
    "http": HttpClient,
    "requests": RequestsClient,
}


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
    client: HttpClient | RequestsClient,
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
    client: str = "http"
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
    return LoadResult(
        requests=len(merged) + len(errors),
        errors=len(errors),
        elapsed_s=round(elapsed, 3),
        throughput=len(merged) / elapsed if elapsed else 0.0,
        p50_ms=percentile(merged, 50),
        p90_ms=percentile(merged, 90),
        p99_ms=percentile(merged, 99),
        max_ms=merged[-1] if merged else None,
        mean_ms=sum(merged) / len(merged) if merged else None,
        client_cpu=round(cpu, 2),
        first_error=errors[0] if errors else None,
        latencies_ms=merged,
    )


def merge_loads(parts: list[LoadResult]) -> LoadResult:
    """One result from a server's rounds: totals, percentiles over every latency, and each
    round's throughput in ``rounds``."""
    merged = sorted(x for part in parts for x in part.latencies_ms)
    elapsed = sum(part.elapsed_s for part in parts)
    errors = [part.first_error for part in parts if part.first_error]
    return LoadResult(
        requests=sum(part.requests for part in parts),
        errors=sum(part.errors for part in parts),
        elapsed_s=round(elapsed, 3),
        throughput=len(merged) / elapsed if elapsed else 0.0,
        p50_ms=percentile(merged, 50),
        p90_ms=percentile(merged, 90),
        p99_ms=percentile(merged, 99),
        max_ms=merged[-1] if merged else None,
        mean_ms=sum(merged) / len(merged) if merged else None,
        client_cpu=round(sum(p.client_cpu * p.elapsed_s for p in parts) / elapsed, 2)
        if elapsed
        else 0.0,
        first_error=errors[0] if errors else None,
        latencies_ms=merged,
        rounds=[round(part.throughput, 2) for part in parts],
    )


# --------------------------------------------------------------------------------------------
# One size, all servers


@dataclass
class ServerRun:
    """What one server did on one data size."""

    name: str
    skipped: str | None = None
    load_s: float | None = None
    ready_s: float | None = None
    to_first_answer_s: float | None = None
    peak_pss_mib: float | None = None
    peak_rss_sum_mib: float | None = None
    answers: dict[str, list[Any]] = field(default_factory=dict)
    load: dict[str, LoadResult] = field(default_factory=dict)


@dataclass
class Live:
    """A started server and its memory sampler, during one size's measurements."""

    run: ServerRun
    server: Running
    sampler: MemorySampler


def start_server(
    name: str, data: Path, work: Path, queries: list[Query], args: argparse.Namespace
) -> ServerRun | Live:
    """Load and start one server and check its answers: a :class:`Live` server, or the
    :class:`ServerRun` saying why it was skipped (the server is then stopped)."""
    run = ServerRun(name)
    server: Running | None = None
    try:
        log(f"  {name}: loading and starting")
        server = STARTERS[name](data, work, args.ready_timeout, args.kg_workers)
        sampler = MemorySampler(server.proc.pid)
        sampler.start()
        run.load_s = None if server.load_s is None else round(server.load_s, 3)
        try:
            run.ready_s = round(wait_ready(server, args.ready_timeout), 3)
            run.to_first_answer_s = round((run.load_s or 0.0) + run.ready_s, 3)
            log(f"  {name}: load {fmt_num(run.load_s)} s, ready after {run.ready_s:.1f} s")
            for query in queries:
                run.answers[query.name] = check_answers(server.url, query)
        except BaseException:
            sampler.stop()
            raise
        return Live(run, server, sampler)
    except SkipServer as exc:
        run.skipped = str(exc)
        log(f"  {name}: skipped: {exc}")
    except Exception as exc:  # one broken server must not lose the others' results
        run.skipped = f"harness error: {exc!r}"
        log(f"  {name}: failed: {exc!r}")
    if server is not None:
        server.stop()
    return run


def measure(live: list[Live], queries: list[Query], args: argparse.Namespace) -> None:
    """Load-test every live server on every query, in interleaved rounds.

    Each query's measured time is split into ``--rounds`` rounds; in each round every server
    gets its share, in an order that rotates from round to round. A change in the machine's
    load during the run (other tenants, thermal limits) then falls on all servers alike
    instead of on whichever happened to run at that moment."""
    warmup = LoadSettings(args.warmup, args.concurrency, args.client)
    share = LoadSettings(
        args.duration / args.rounds,
        args.concurrency,
        args.client,
        -(-args.min_requests // args.rounds),
        max(1, args.max_requests // args.rounds),
    )
    for query in queries:
        if args.warmup > 0:
            for one in live:
                run_load(one.server.url, query, warmup)
        parts: dict[str, list[LoadResult]] = {one.run.name: [] for one in live}
        for r in range(args.rounds):
            for one in live[r % len(live) :] + live[: r % len(live)]:
                parts[one.run.name].append(run_load(one.server.url, query, share))
        for one in live:
            result = merge_loads(parts[one.run.name])
            if not args.raw_latencies:
                result.latencies_ms = []
            one.run.load[query.name] = result
            log(
                f"  {one.run.name}: {query.name}: {result.throughput:.1f} req/s, "
                f"p50 {fmt_ms(result.p50_ms)} ms, p99 {fmt_ms(result.p99_ms)} ms, "
                f"errors {result.errors}"
            )


def finish_server(one: Live) -> None:
    """Record a live server's peak memory and stop it."""
    hwm = tree_kib(one.server.proc.pid, "status", "VmHWM")
    one.run.peak_rss_sum_mib = None if hwm is None else round(hwm / 1024, 1)
    one.run.peak_pss_mib = one.sampler.stop()
    one.server.stop()


def mismatches(runs: dict[str, ServerRun], queries: list[Query]) -> list[str]:
    """Where servers disagree on a variant's row count (or, with equal counts, on the rows)."""
    problems = []
    live = {n: r for n, r in runs.items() if not r.skipped}
    for query in queries:
        for i in range(len(query.variants)):
            answers = {n: r.answers.get(query.name, [None] * (i + 1))[i] for n, r in live.items()}
            errors = {n: a for n, a in answers.items() if not isinstance(a, tuple)}
            for n, a in errors.items():
                problems.append(f"{query.name}[{i}]: {n} failed: {a}")
            good = {n: a for n, a in answers.items() if isinstance(a, tuple)}
            counts = {n: a[0] for n, a in good.items()}
            if len(set(counts.values())) > 1:
                problems.append(f"{query.name}[{i}]: row counts differ: {counts}")
            elif len({a[1] for a in good.values()}) > 1:
                problems.append(f"{query.name}[{i}]: same row count, different rows")
    return problems


def bench_size(
    size: int,
    queries_for: Callable[[dict], list[Query]],
    args: argparse.Namespace,
    results: list[dict],
) -> None:
    """Generate data for one size, benchmark every selected server on it, and append the
    size's results to ``results`` (as far as they got, if interrupted)."""
    t0 = time.perf_counter()
    data = synth.generate(size, args.seed)
    manifest = synth.read_manifest(data)
    log(
        f"size {label(size)}: {manifest['triples']} triples in {data} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    queries = queries_for(manifest)
    runs: dict[str, ServerRun] = {}
    result: dict[str, Any] = {
        "size": size,
        "label": label(size),
        "triples": manifest["triples"],
        "data_file": str(data),
        "queries": {
            q.name: {"description": q.description, "variants": q.variants} for q in queries
        },
    }
    results.append(result)
    work = Path(tempfile.mkdtemp(prefix="tpkg-bench-"))
    live: list[Live] = []
    try:
        for name in args.servers:
            if name == "rdflib-endpoint" and size > args.max_rdflib:
                runs[name] = ServerRun(
                    name, skipped=f"size above --max-rdflib {label(args.max_rdflib)}"
                )
                log(f"  {name}: skipped at {label(size)} (--max-rdflib {label(args.max_rdflib)})")
                continue
            started = start_server(name, data, work, queries, args)
            if isinstance(started, Live):
                live.append(started)
                runs[name] = started.run
            else:
                runs[name] = started
        measure(live, queries, args)
    finally:
        for one in live:
            finish_server(one)
        shutil.rmtree(work, ignore_errors=True)
        result["servers"] = {n: _run_report(r) for n, r in runs.items()}
        result["mismatches"] = mismatches(runs, queries)


def _run_report(run: ServerRun) -> dict[str, Any]:
    """A server's figures for the JSON report; the per-variant answers are left out (their
    comparison is the size's ``mismatches``), so many variants do not swell the file."""
    report = asdict(run)
    del report["answers"]
    return report


# --------------------------------------------------------------------------------------------
# Report


def label(size: int) -> str:
    """10000 -> 10k, 1000000 -> 1M."""
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def fmt_ms(value: float | None) -> str:
    """A latency in ms, or a dash."""
    return "–" if value is None else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def fmt_num(value: float | None, digits: int = 1) -> str:
    """A number, or a dash."""
    return "–" if value is None else f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing or b is zero."""
    if a is None or b is None or b == 0:
        return None
    return a / b


def load_figure(size_result: dict, server: str, query: str, key: str) -> float | None:
    """One number from a size's results, or None if the server did not run."""
    run = size_result["servers"].get(server)
    if not run or run["skipped"] or query not in run["load"]:
        return None
    return run["load"][query][key]


def round_figures(size_result: dict, server: str, query: str) -> list[float]:
    """A server's throughput in each interleaved round, or [] if it did not run."""
    run = size_result["servers"].get(server)
    if not run or run["skipped"] or query not in run["load"]:
        return []
    return list(run["load"][query].get("rounds", []))


def answers_differ(res: dict, query: str) -> bool:
    """True if the servers disagreed on any variant of ``query`` at this size."""
    return any(m.startswith(f"{query}[") for m in res.get("mismatches", []))


def target_status(results: list[dict]) -> list[dict]:
    """Evaluate the issue's targets on the measured sizes, for each kg server variant."""
    statuses = []
    for server in ("kg", "kg-gunicorn"):
        for query, size, baseline, threshold in TARGETS:
            entry: dict[str, Any] = {
                "server": server,
                "query": query,
                "size": label(size),
                "baseline": baseline,
                "threshold": threshold,
                "ratio": None,
                "round_ratios": [],
                "status": "not measured",
            }
            for res in results:
                if res["size"] == size:
                    _judge(entry, res, server, baseline, threshold)
            statuses.append(entry)
    return statuses


def _judge(entry: dict[str, Any], res: dict, server: str, baseline: str, threshold: float) -> None:
    query = entry["query"]
    ours = load_figure(res, server, query, "throughput")
    base = load_figure(res, baseline, query, "throughput")
    value = ratio(ours, base)
    if value is None:
        missing = [n for n, v in ((server, ours), (baseline, base)) if v is None]
        entry["status"] = f"not measured ({', '.join(missing)} did not run)"
        return
    entry["ratio"] = round(value, 3)
    pairs = zip(
        round_figures(res, server, query), round_figures(res, baseline, query), strict=False
    )
    entry["round_ratios"] = [round(a / b, 3) for a, b in pairs if b]
    status = "met" if value >= threshold else "NOT met"
    if answers_differ(res, query):
        status += " (answers differ: ratio not valid)"
    entry["status"] = status


def markdown_size(res: dict) -> list[str]:
    """The Markdown section for one size."""
    servers = [n for n in SERVERS if n in res["servers"]]
    lines = [f"## {res['label']} triples ({res['triples']} generated)", ""]
    lines += [
        "| server | load s | start s | load+start s | peak PSS MiB | peak RSS sum MiB | status |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in servers:
        run = res["servers"][name]
        status = "ok" if not run["skipped"] else "skipped: " + run["skipped"].splitlines()[0]
        lines.append(
            f"| {name} | {fmt_num(run['load_s'])} | {fmt_num(run['ready_s'])} "
            f"| {fmt_num(run['to_first_answer_s'])} | {fmt_num(run['peak_pss_mib'])} "
            f"| {fmt_num(run['peak_rss_sum_mib'])} "
            f"| {status} |"
        )
    lines += [
        "",
        "| query | server | req/s | p50 ms | p99 ms | requests | errors | client CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for query in res["queries"]:
        for name in servers:
            run = res["servers"][name]
            if run["skipped"] or query not in run["load"]:
                continue
            r = run["load"][query]
            lines.append(
                f"| {query} | {name} | {r['throughput']:.1f} | {fmt_ms(r['p50_ms'])} "
                f"| {fmt_ms(r['p99_ms'])} | {r['requests']} | {r['errors']} "
                f"| {r['client_cpu']:.2f} |"
            )
    lines += ["", ratio_table(res, servers), ""]
    if res["mismatches"]:
        lines += ["Answer checks: **mismatches**", ""]
        lines += [f"- {m}" for m in res["mismatches"]] + [""]
    else:
        lines += [
            "Answer checks: all servers that ran returned the same rows for every variant.",
            "",
        ]
    return lines


def ratio_table(res: dict, servers: list[str]) -> str:
    """Ratios kg/baseline: throughput (higher is better for kg), p50 and p99 latency (lower
    is better for kg), then load time and peak RSS (lower is better for kg)."""
    head = (
        "| query | "
        + " | ".join(f"{a}/{b} req/s | {a}/{b} p50 | {a}/{b} p99" for a, b in RATIO_PAIRS)
        + " |"
    )
    lines = [head, "|---|" + "---:|" * (3 * len(RATIO_PAIRS))]
    for query in res["queries"]:
        cells = []
        for a, b in RATIO_PAIRS:
            for key in ("throughput", "p50_ms", "p99_ms"):
                value = ratio(load_figure(res, a, query, key), load_figure(res, b, query, key))
                cells.append(fmt_num(value, 2) + ("x" if value is not None else ""))
        name = f"{query} (answers differ)" if answers_differ(res, query) else query
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for key, title in (("to_first_answer_s", "load+start"), ("peak_pss_mib", "peak PSS")):
        cells = []
        for a, b in RATIO_PAIRS:
            ra, rb = res["servers"].get(a, {}), res["servers"].get(b, {})
            value = ratio(ra.get(key), rb.get(key))
            cells += [fmt_num(value, 2) + ("x" if value is not None else ""), "", ""]
        lines.append(f"| *{title}* | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_markdown(report: dict) -> str:
    """The whole report as Markdown."""
    s = report["settings"]
    m = report["machine"]
    lines = [
        f"# Endpoint benchmark {report['started']}",
        "",
        f"Settings: sizes {', '.join(s['sizes'])}; {s['duration']} s per query and server "
        f"in {s.get('rounds', 1)} interleaved rounds after {s['warmup']} s warm-up; "
        f"{s['concurrency']} client threads (closed loop, "
        f"GET, {ACCEPT}, client {s['client']}); seed {s['seed']}; "
        f"servers {', '.join(s['servers'])}.",
        "",
        f"Machine: {m['cpu_model']}, {m['cores']} cores ({m['usable_cores']} usable), "
        f"{m['memory_gib']} GiB; {m['platform']}; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        + ".",
        "",
        "## Targets",
        "",
        "| server | target | size | ours/baseline req/s | per round (min–max) | threshold "
        "| status |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for t in report["targets"]:
        spread = t.get("round_ratios") or []
        per_round = f"{min(spread):.2f}–{max(spread):.2f}" if spread else "–"
        lines.append(
            f"| {t['server']} | {t['query']} vs {t['baseline']} | {t['size']} "
            f"| {fmt_num(t['ratio'], 2)} | {per_round} | ≥ {t['threshold']} | {t['status']} |"
        )
    lines.append("")
    if report.get("interrupted"):
        lines += ["**Interrupted: results are partial.**", ""]
    for res in report["results"]:
        lines += markdown_size(res)
    lines += [
        "Ratios are kg divided by the other server, in the same run on the same data, "
        "measured in interleaved rounds (every server runs during the whole run, and each "
        "round gives each server its share of a query's time in a rotating order); the "
        "targets also show the lowest and highest ratio of single rounds. "
        "for req/s above 1 means kg is faster; for p50/p99, load time and RSS below 1 means "
        "kg is faster or smaller. rdflib-endpoint has no offline load step: it parses the file "
        "at start-up, so compare load+start (file to first answer). Peak PSS is sampled every "
        "0.5 s over the server's process tree (shared pages split between processes); peak "
        "RSS sum adds each process's VmHWM, counting pages shared by forked workers more than "
        "once. Neither counts a separate load command. client CPU is "
        "the harness's own CPU use per wall second (near 1.0 means the Python client, "
        "not the server, may be the limit).",
        "",
    ]
    return "\n".join(lines)


def package_versions() -> dict[str, str]:
    """Versions of the packages under test and of the client."""
    versions = {}
    for name in (
        "tpkg",
        "pyoxigraph",
        "oxigraph",
        "rdflib",
        "rdflib-endpoint",
        "fastapi",
        "uvicorn",
        "requests",
    ):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return versions


def machine_info() -> dict:
    """Cores, CPU model, memory, OS and versions."""
    cpu_model = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    mem_gib = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024**2, 1)
    return {
        "cpu_model": cpu_model,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": mem_gib,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": package_versions(),
    }


def write_report(report: dict, out_dir: Path) -> tuple[Path, Path]:
    """Write the Markdown and JSON files; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"endpoint-{report['started'].replace(':', '').replace('-', '')}"
    md_path, json_path = out_dir / f"{stem}.md", out_dir / f"{stem}.json"
    md_path.write_text(render_markdown(report), encoding="utf-8")
    json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return md_path, json_path


# --------------------------------------------------------------------------------------------
# Command line


def log(message: str) -> None:
    """Progress on stderr, so that stdout carries only the report."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated triple counts")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per query/server")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="interleaved rounds per query: each server gets duration/rounds seconds per round, "
        "in an order that rotates each round",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=None,
        help="warm-up seconds per query/server (default: duration/5, max 2)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument(
        "--client",
        choices=sorted(CLIENTS),
        default="http",
        help="HTTP client of the load threads: http (http.client keep-alive, light) or "
        "requests (requests.Session, about 10x the client CPU per request)",
    )
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated subset")
    parser.add_argument(
        "--max-rdflib",
        type=synth.parse_size,
        default=100_000,
        help="largest size given to rdflib-endpoint (it parses in memory)",
    )
    parser.add_argument(
        "--min-requests",
        type=int,
        default=8,
        help="keep loading past --duration until this many requests were sent "
        "(at most 20x duration or 120 s)",
    )
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="cap on requests per query/server"
    )
    parser.add_argument(
        "--ready-timeout",
        type=float,
        default=900.0,
        help="seconds allowed for a load or a server start",
    )
    parser.add_argument("--kg-workers", type=int, default=2, help="`kg serve --workers`")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results directory")
    parser.add_argument(
        "--raw-latencies", action="store_true", help="keep every request's latency in the JSON file"
    )
    args = parser.parse_args(argv)
    args.sizes = [synth.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    unknown = set(args.servers) - set(SERVERS)
    if unknown:
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.warmup is None:
        args.warmup = min(2.0, args.duration / 5)
    return args


def raise_interrupt(signum: int, frame: object) -> None:
    """Turn SIGTERM into KeyboardInterrupt so that servers are stopped on the way out."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, raise_interrupt)
    report: dict[str, Any] = {
        "started": dt.datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
        "settings": {
            "sizes": [label(s) for s in args.sizes],
            "duration": args.duration,
            "rounds": args.rounds,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "seed": args.seed,
            "servers": args.servers,
            "max_rdflib": label(args.max_rdflib),
            "min_requests": args.min_requests,
            "max_requests": args.max_requests,
            "client": args.client,
            "kg_workers": args.kg_workers,
        },
        "machine": machine_info(),
        "results": [],
    }
    code = 0
    try:
        for size in args.sizes:
            bench_size(size, build_queries, args, report["results"])
    except KeyboardInterrupt:
        report["interrupted"] = True
        log("interrupted: servers stopped, writing partial results")
        code = 130
    report["targets"] = target_status(report["results"])
    md_path, json_path = write_report(report, args.out)
    print(render_markdown(report))
    log(f"wrote {md_path} and {json_path}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
