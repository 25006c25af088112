"""Load and kill: does a public ``kg serve`` hold under mixed load and a SIGKILL?

Starts ``kg serve`` (granian, the default) on 127.0.0.1 over a fresh store loaded with the
bundled data, runs closed-loop clients for ``--seconds`` with a mix of point lookups,
aggregates, a join, a cross join that runs into the time limit (``KG_QUERY_TIMEOUT``), and
contributions (``POST /contributions``, each unique). Then, with the clients still sending,
it SIGKILLs the server's whole process group, restarts it on the same store, and checks that
every acknowledged (201) contribution is there and whole and that the store answers. It writes
``bench/results/load-<UTC>.md`` and ``.json``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import loadcheck
import loadreport
import loadserver
import requests
from loadmix import WEIGHTS, Client, Mix, parse_weights, resource_iris
from servers import SkipServer

OUT = Path(__file__).resolve().parent / "results"


def _weights(text: str) -> dict[str, int]:
    try:
        return parse_weights(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="load before the kill")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="seconds of load before the start memory sample"
    )
    parser.add_argument("--query-timeout", type=float, default=5.0, help="KG_QUERY_TIMEOUT")
    parser.add_argument(
        "--mix",
        type=_weights,
        default=dict(WEIGHTS),
        help="request kinds and weights, e.g. lookup=55,contribution=12 (default: "
        + ",".join(f"{k}={v}" for k, v in WEIGHTS.items())
        + ")",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the report")
    parser.add_argument("--work", type=Path, default=None, help="keep the store and logs here")
    args = parser.parse_args(argv)
    if args.seconds <= args.warmup or args.clients < 1:
        parser.error("--seconds must exceed --warmup, and --clients must be at least 1")
    return args


def run_load(mix: Mix, server: Any, args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    """Run the clients, sample memory each second, and SIGKILL the server while they send.

    :returns: the kill time (``perf_counter``) and the memory samples (KiB): ``idle`` before
        the load, ``start`` after the warm-up, ``end`` just before the kill, ``peak``.
    """
    pgid = server.proc.pid
    memory: dict[str, Any] = {"idle": loadserver.group_rss_kib(pgid)}
    stop = threading.Event()
    clients = [Client(i, mix, stop) for i in range(args.clients)]
    began = time.perf_counter()
    for client in clients:
        client.start()
    samples = []
    while (elapsed := time.perf_counter() - began) < args.seconds:
        time.sleep(min(1.0, args.seconds - elapsed))
        samples.append(loadserver.group_rss_kib(pgid))
        if "start" not in memory and time.perf_counter() - began >= args.warmup:
            memory["start"] = samples[-1]
    memory["end"] = loadserver.group_rss_kib(pgid)
    samples.append(memory["end"])
    memory["peak"] = {key: max(s[key] for s in samples) for key in memory["end"]}
    memory["series"] = samples
    kill_at = time.perf_counter()
    loadserver.kill_group(server)
    stop.set()
    for client in clients:
        client.join(timeout=90)
    return kill_at, memory


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when it ran (the verdicts are in the report), 2 when it could not."""
    args = parse_args(argv)
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-load-"))
    servers: list[Any] = []
    try:
        setup = loadserver.prepare(work, args.query_timeout)
        servers.append(loadserver.start(setup, "serve-1"))
        url = loadserver.base_url(servers[0])
        mix = Mix(url, resource_iris(url), setup.token, stamp, args.seed, weights=args.mix)
        kill_at, memory = run_load(mix, servers[0], args)
        restart_began = time.perf_counter()
        servers.append(loadserver.start(setup, "serve-2"))
        restart_s = round(time.perf_counter() - restart_began, 2)
        check = loadcheck.check(loadserver.base_url(servers[1]), mix.recorder.contributions)
    except (SkipServer, OSError, RuntimeError, requests.RequestException) as exc:
        print(f"load: error: {exc}", file=sys.stderr)
        return 2
    finally:
        for server in servers:
            server.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    config = {
        "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": args.seconds,
        "clients": args.clients,
        "warmup_s": args.warmup,
        "query_timeout_s": args.query_timeout,
        "mix": ",".join(f"{k}={v}" for k, v in args.mix.items()),
        "server": "kg serve (granian; default workers, threads, query workers)",
        "restart_s": restart_s,
        "lookup_iris": len(mix.iris),
        "contributions_sent": len(mix.recorder.contributions),
    }
    summary = loadreport.summarize(mix.recorder.samples, kill_at, memory, check, mix.recorder.shed)
    path = loadreport.write(args.out, stamp, config, summary)
    print(path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
