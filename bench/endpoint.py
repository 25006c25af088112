"""Compare ``kg serve`` with ``oxigraph serve-read-only`` and rdflib-endpoint on the same data.

For each size, the harness generates seeded synthetic data (``synth.py``), starts every
server on a free loopback port over that file (``servers.py``), checks that all servers return
the same rows for every query (``queries.py``), then, query by query, runs a closed loop of
``--concurrency`` client threads against each server in interleaved rounds for ``--duration``
seconds in all (``loadgen.py``). It reports throughput and p50/p99 latency, the ratios
kg/oxigraph and kg/rdflib-endpoint, load times and peak memory, as Markdown on stdout and in
``bench/results/`` (Markdown and JSON; ``report.py``).

    .venv/bin/python bench/endpoint.py --sizes 10k --duration 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402
from clients import CLIENTS  # noqa: E402
from loadgen import (  # noqa: E402
    LoadResult,
    LoadSettings,
    Query,
    check_answers,
    merge_loads,
    run_load,
)
from report import (  # noqa: E402
    fmt_ms,
    fmt_num,
    label,
    machine_info,
    render_markdown,
    target_status,
    write_report,
)
from servers import (  # noqa: E402
    SERVERS,
    STARTERS,
    MemorySampler,
    Running,
    SkipServer,
    tree_kib,
    wait_ready,
)

from queries import build_queries  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH_DIR / "results"
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
            for one in rotation(live, r):
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


def rotation(items: list[Any], r: int) -> list[Any]:
    """``items`` rotated left by ``r``: round r's order, so each server goes first in turn."""
    if not items:
        return []
    k = r % len(items)
    return items[k:] + items[:k]


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
        default="raw",
        help="HTTP client of the load threads: raw (HTTP/1.1 on a plain socket, lightest), "
        "http (http.client) or requests (requests.Session, the heaviest); see bench/clients.py",
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
