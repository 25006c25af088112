"""Judge the targets and write the benchmark report (Markdown and JSON)."""

from __future__ import annotations

import contextlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from clients import ACCEPT
from servers import SERVERS

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


def _load_entry(size_result: dict, server: str, query: str) -> dict | None:
    """A server's load figures for one query, or None if the server did not run it."""
    run = size_result["servers"].get(server)
    if not run or run["skipped"] or query not in run["load"]:
        return None
    entry: dict = run["load"][query]
    return entry


def load_figure(size_result: dict, server: str, query: str, key: str) -> float | None:
    """One number from a size's results, or None if the server did not run."""
    entry = _load_entry(size_result, server, query)
    return None if entry is None else entry[key]


def round_figures(size_result: dict, server: str, query: str) -> list[float]:
    """A server's throughput in each interleaved round, or [] if it did not run."""
    entry = _load_entry(size_result, server, query)
    return [] if entry is None else list(entry.get("rounds", []))


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
        "targets also show the lowest and highest ratio of single rounds. For req/s, "
        "above 1 means kg is faster; for p50/p99, load time and RSS below 1 means "
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
