"""The UPR Info import at scale: rows per second, validation included, and where the time goes.

Synthesizes an export of ``--rows`` rows (default 100,000) from the real one by repeating its
652 rows, each copy's text perturbed (a copy number appended, so every row has its own key),
written as a real export is (Mac Roman, CR line ends) to ``bench/.cache/``. Then times the
import's phases the way `kg import upr -o FILE` runs them: read (decode, CSV, row checks),
build the triples (N-Triples lines, ``kg.importers.triples``), validate them against
``shapes/`` (``kg.importers.checks.check``: chunks of subjects, each with its neighbours as
context, in threads), then each way of writing it: into a fresh store
in a temporary folder that keeps the union copy as a loaded store does (what `kg import upr`
does by default) and as Turtle (``-o FILE``).
Writes a Markdown table to ``bench/results/import-<timestamp>.md``.

    .venv/bin/python bench/import.py                 # 100,000 rows
    .venv/bin/python bench/import.py --rows 10000    # quicker
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(__file__).resolve().parent / ".cache"
RESULTS = Path(__file__).resolve().parent / "results"
EXPORT = ROOT.parent / "shared" / "research" / "data"
EXPORT = EXPORT / "upr-info_recommendations_KZ_KG_TJ_sessions7-20.csv"
TARGET = 2000.0
READ = "read (decode, CSV, row checks)"
BUILD = "build the triples"
SERIALIZE = "serialize (Turtle, `-o FILE`)"
STORE = "write into the store (default)"
T = TypeVar("T")

sys.path.insert(0, str(ROOT / "src"))

from kg.config import Settings  # noqa: E402
from kg.importers.checks import CHUNK, WORKERS, check, context_graph  # noqa: E402
from kg.importers.store_write import turtle_text, write_import  # noqa: E402
from kg.importers.upr import import_export  # noqa: E402
from kg.importers.upr_rows import COLUMNS, numbered_rows  # noqa: E402
from kg.loader import keep_union  # noqa: E402
from kg.store import StoreAccess  # noqa: E402

VALIDATE = f"validate (shapes/, fast engine, chunks of {CHUNK:,} subjects)"


def synthesize(rows: int) -> Path:
    """An export of ``rows`` rows made from the real one (cached by size)."""
    target = CACHE / f"upr-synth-{rows}.csv"
    if target.is_file():
        return target
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        real = list(csv.DictReader(handle))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\r")
    writer.writeheader()
    for i in range(rows):
        row = dict(real[i % len(real)])
        copy = i // len(real)
        if copy:
            row["Text"] = f"{row['Text']} (synthetic copy {copy})"
        writer.writerow(row)
    CACHE.mkdir(exist_ok=True)
    target.write_bytes(out.getvalue().encode("mac_roman"))
    return target


def _timed(phase: str, times: dict[str, tuple[float, float]], run: Callable[[], T]) -> T:
    """Run ``run``, recording its wall-clock and CPU seconds under ``phase``."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = run()
    times[phase] = (time.perf_counter() - wall, time.process_time() - cpu)
    return value


def measure(path: Path) -> tuple[dict[str, tuple[float, float]], int, int]:
    """(wall, CPU) seconds per phase of one import of ``path``, rows imported, triples."""
    times: dict[str, tuple[float, float]] = {}
    _timed(READ, times, lambda: numbered_rows(path))
    result = _timed(BUILD, times, lambda: import_export(path))
    wall, cpu = times[BUILD]
    times[BUILD] = (wall - times[READ][0], cpu - times[READ][1])
    context = context_graph(ROOT)
    _timed(VALIDATE, times, lambda: check(result.graph, ROOT / "shapes", context))
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.build(overrides={"store": str(Path(folder) / "store")})
        with StoreAccess(settings).writing() as empty:
            keep_union(empty)  # as a loaded store: the default graph is the kept union
        store = lambda: write_import(settings, result.graph, importer="upr", sources=[path])  # noqa: E731
        _timed(STORE, times, store)
    _timed(SERIALIZE, times, lambda: turtle_text(result.graph))
    return times, result.imported, len(result.graph)


def report(times: dict[str, tuple[float, float]], rows: int, triples: int) -> str:
    """The Markdown report of one run."""
    lines = [
        f"# UPR Info import, {rows:,} rows ({triples:,} triples)",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {sys.platform}, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end. Synthetic export from the 652 real rows (Mac "
        "Roman, CR). Rows per second from CPU seconds (the machine is shared; wall-clock "
        "seconds are given too).",
        "",
        "| phase | wall s | CPU s | rows/s (CPU) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, (w, c) in times.items():
        lines.append(f"| {name} | {w:.1f} | {c:.1f} | {rows / c:,.0f} |")
    lines.append("")
    for label, write in (("into the store (default)", STORE), ("as Turtle (`-o FILE`)", SERIALIZE)):
        phases = [READ, BUILD, VALIDATE, write]
        cpu = sum(times[p][1] for p in phases)
        wall = sum(times[p][0] for p in phases)
        rate = rows / cpu
        shares = ", ".join(f"{p.split(' (')[0]} {100 * times[p][1] / cpu:.0f}%" for p in phases)
        lines += [
            f"- **Import {label}: {rate:,.0f} rows/s** of CPU with validation ({cpu:.1f} CPU s; "
            f"target over {TARGET:,.0f}: "
            + ("met" if rate > TARGET else "not met")
            + f"), {rows / wall:,.0f} rows/s of wall-clock time ({wall:.1f} s; validation runs "
            f"in {WORKERS} threads), {rows / (cpu - times[VALIDATE][1]):,.0f} rows/s of CPU "
            f"without validation. CPU: {shares}.",
        ]
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write its report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows to synthesize")
    args = parser.parse_args(argv)
    path = synthesize(args.rows)
    times, rows, triples = measure(path)
    text = report(times, rows, triples)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"import-{datetime.now(UTC):%Y%m%dT%H%M%S}.md"
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
