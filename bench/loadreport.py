"""Figures, targets and the Markdown / JSON report of the load-and-kill benchmark."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

from loadcheck import Check
from loadmix import WEIGHTS, Sample

#: The one 5xx the server may give under this load: a query stopped at the time limit.
EXPECTED_5XX = "503 query-timeout"
MAX_GROWTH_PCT = 20.0
#: Memory figures: the whole process group, its long-lived part, its query processes.
PARTS = ("group", "server", "queries")


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank ``q`` quantile (0 < q <= 1) of ``values``, or None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def label(sample: Sample) -> str:
    """``"200"``, ``"503 query-timeout"``, ``"no answer (ReadTimeout)"``..."""
    if sample.status == 0:
        return f"no answer ({sample.error})"
    return f"{sample.status} {sample.error}" if sample.error else str(sample.status)


def by_kind(samples: list[Sample]) -> dict[str, dict[str, Any]]:
    """Per request kind: count, statuses and p50 / p99 latency of the answered requests."""
    out: dict[str, dict[str, Any]] = {}
    for kind in WEIGHTS:
        mine = [s for s in samples if s.kind == kind]
        answered = [s.ms for s in mine if s.status]
        p50, p99 = percentile(answered, 0.5), percentile(answered, 0.99)
        out[kind] = {
            "requests": len(mine),
            "statuses": dict(Counter(label(s) for s in mine).most_common()),
            "p50_ms": None if p50 is None else round(p50, 1),
            "p99_ms": None if p99 is None else round(p99, 1),
        }
    return out


def growth(start_kib: int, end_kib: int) -> float:
    """Growth in percent from ``start_kib`` to ``end_kib``."""
    return round(100.0 * (end_kib - start_kib) / start_kib, 1) if start_kib else math.inf


def summarize(
    samples: list[Sample],
    kill_at: float,
    memory: dict[str, Any],
    check: Check,
    shed: Counter[str] | None = None,
) -> dict[str, Any]:
    """The figures and the verdict on each target. ``shed``: the answers (429 or 503 with
    ``Retry-After``) after which a contribution was sent again; the answer recorded for the
    contribution is the last one."""
    before = [s for s in samples if s.end < kill_at]
    bad = [s for s in samples if s.status >= 500 and label(s) != EXPECTED_5XX]
    series = memory.pop("series", [])
    summary = {
        "requests": len(samples),
        "answered_before_kill": sum(1 for s in before if s.status),
        "unanswered_at_kill": sum(1 for s in samples if s.end >= kill_at and s.status == 0),
        "statuses": dict(Counter(label(s) for s in samples).most_common()),
        "unexpected_5xx": dict(Counter(label(s) for s in bad)),
        "unexpected_5xx_messages": dict(Counter(f"{label(s)}: {s.message}" for s in bad)),
        "shed_and_sent_again": dict(shed or {}),
        "unanswered_before_kill": dict(Counter(label(s) for s in before if s.status == 0)),
        "kinds": by_kind(samples),
        "memory_mib": {
            part: {k: round(v[part] / 1024, 1) for k, v in memory.items()} for part in PARTS
        },
        "memory_growth_pct": {
            part: growth(memory["start"][part], memory["end"][part]) for part in PARTS
        },
        "memory_growth_from_idle_pct": {
            part: growth(memory["idle"][part], memory["end"][part]) for part in PARTS
        },
        "memory_growth_second_half_pct": {
            part: growth(series[len(series) // 2][part], memory["end"][part]) if series else None
            for part in PARTS
        },
        "memory_series_mib": {part: [round(m[part] / 1024, 1) for m in series] for part in PARTS},
        "contributions": check.as_json(),
    }
    summary["targets"] = targets(summary, check)
    return summary


def targets(summary: dict[str, Any], check: Check) -> list[dict[str, Any]]:
    """The verdict on each target."""
    unexpected = sum(summary["unexpected_5xx"].values())
    dropped = sum(summary["unanswered_before_kill"].values())
    pct = summary["memory_growth_pct"]["server"]
    some = check.acknowledged > 0 or check.sent == 0
    whole = check.verified == check.acknowledged and not check.partial and some
    return [
        _target(
            "zero 5xx other than 503 query-timeout, and no request unanswered before the kill",
            f"{unexpected} unexpected 5xx, {dropped} unanswered",
            not unexpected and not dropped,
        ),
        _target(
            "every acknowledged contribution present and whole after SIGKILL and restart",
            f"{check.verified} of {check.acknowledged} verified; {len(check.partial)} partial",
            whole,
        ),
        _target(
            "the store answers after the restart",
            f"{check.triples_after} triples",
            check.store_answers,
        ),
        _target(
            f"resident memory growth under {MAX_GROWTH_PCT:.0f}% (HTTP server and web workers)",
            f"{pct}%",
            pct < MAX_GROWTH_PCT,
        ),
    ]


def _target(name: str, value: str, met: bool) -> dict[str, Any]:
    return {"target": name, "value": value, "met": met}


def markdown(config: dict[str, Any], summary: dict[str, Any]) -> str:
    """The report as Markdown tables."""
    lines = [f"# Load and kill: {config['started']}", ""]
    lines += [", ".join(f"{k}: {v}" for k, v in config.items() if k != "started"), ""]
    lines += ["| kind | requests | p50 ms | p99 ms | statuses |"]
    lines += ["| --- | ---: | ---: | ---: | --- |"]
    for kind, row in summary["kinds"].items():
        statuses = ", ".join(f"{k}: {v}" for k, v in row["statuses"].items())
        lines.append(
            f"| {kind} | {row['requests']} | {row['p50_ms']} | {row['p99_ms']} | {statuses} |"
        )
    lines += ["", f"Requests: {summary['requests']}, answered before the kill: "]
    lines[-1] += f"{summary['answered_before_kill']}, unanswered at the kill (in flight or after): "
    lines[-1] += f"{summary['unanswered_at_kill']}."
    lines += ["", "| status | count |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in summary["statuses"].items()]
    if summary.get("shed_and_sent_again"):
        lines += ["", "Contributions the server shed (Retry-After) and the client sent again:", ""]
        lines += [f"- {k} ({v}x)" for k, v in summary["shed_and_sent_again"].items()]
    if summary["unexpected_5xx_messages"]:
        lines += ["", "Unexpected 5xx:", ""]
        lines += [f"- {k} ({v}x)" for k, v in summary["unexpected_5xx_messages"].items()]
    mem, pct = summary["memory_mib"], summary["memory_growth_pct"]
    lines += ["", "| RSS, MiB | " + " | ".join(PARTS) + " |", "| --- |" + " ---: |" * len(PARTS)]
    for moment in mem["group"]:
        lines.append(f"| {moment} | " + " | ".join(str(mem[p][moment]) for p in PARTS) + " |")
    lines.append("| growth start -> end | " + " | ".join(f"{pct[p]}%" for p in PARTS) + " |")
    idle = summary["memory_growth_from_idle_pct"]
    lines.append("| growth idle -> end | " + " | ".join(f"{idle[p]}%" for p in PARTS) + " |")
    half = summary["memory_growth_second_half_pct"]
    lines.append("| growth, second half | " + " | ".join(f"{half[p]}%" for p in PARTS) + " |")
    c = summary["contributions"]
    lines += ["", "| contributions | count |", "| --- | ---: |"]
    for key in ("acknowledged", "verified", "unacknowledged", "landed_whole", "absent"):
        lines.append(f"| {key.replace('_', ' ')} | {c[key]} |")
    lines += [f"| missing / altered / partial | {len(c['missing'])} / {len(c['altered'])} / "]
    lines[-1] += f"{len(c['partial'])} |"
    lines += ["", "| target | value | met |", "| --- | --- | --- |"]
    for t in summary["targets"]:
        lines.append(f"| {t['target']} | {t['value']} | {'yes' if t['met'] else 'NO'} |")
    return "\n".join(lines) + "\n"


def write(out: Path, stamp: str, config: dict[str, Any], summary: dict[str, Any]) -> Path:
    """Write ``load-STAMP.md`` and ``.json`` under ``out``; return the Markdown path."""
    out.mkdir(parents=True, exist_ok=True)
    md = out / f"load-{stamp}.md"
    md.write_text(markdown(config, summary))
    data = {"config": config, **summary}
    (out / f"load-{stamp}.json").write_text(json.dumps(data, indent=2) + "\n")
    return md
