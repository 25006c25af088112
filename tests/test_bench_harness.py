"""The benchmark harness's own logic: merging interleaved rounds and judging the targets.

The harness lives in ``bench/`` (a script directory, not part of the package); these tests
import its modules directly. Measuring is never done here: the figures are constructed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import endpoint  # noqa: E402
import loadgen  # noqa: E402
import report  # noqa: E402


def part(latencies: list[float], elapsed: float, errors: int = 0) -> loadgen.LoadResult:
    """One round's figures for a server."""
    ordered = sorted(latencies)
    return loadgen.LoadResult(
        requests=len(latencies) + errors,
        errors=errors,
        elapsed_s=elapsed,
        throughput=len(latencies) / elapsed,
        p50_ms=loadgen.percentile(ordered, 50),
        p90_ms=loadgen.percentile(ordered, 90),
        p99_ms=loadgen.percentile(ordered, 99),
        max_ms=ordered[-1],
        mean_ms=sum(ordered) / len(ordered),
        client_cpu=0.5,
        first_error="HTTP 500: b'x'" if errors else None,
        latencies_ms=ordered,
    )


def test_rounds_merge_into_totals_and_keep_each_rounds_throughput() -> None:
    merged = loadgen.merge_loads([part([1.0, 2.0, 3.0], 1.0), part([10.0], 2.0, errors=1)])
    assert merged.requests == 5 and merged.errors == 1
    assert merged.elapsed_s == 3.0
    assert merged.throughput == pytest.approx(4 / 3)
    assert merged.rounds == [3.0, 0.5]
    assert merged.p50_ms == 2.0 and merged.max_ms == 10.0
    assert merged.first_error == "HTTP 500: b'x'"


@pytest.mark.parametrize(("r", "expected"), [(0, "abc"), (1, "bca"), (2, "cab"), (3, "abc")])
def test_each_round_starts_with_the_next_server(r: int, expected: str) -> None:
    assert "".join(endpoint.rotation(list("abc"), r)) == expected


def size_result(kg_rounds: list[float], base_rounds: list[float]) -> dict:
    """A 100k result where kg and rdflib-endpoint ran the point lookup in rounds."""

    def server(rounds: list[float]) -> dict:
        load = {"throughput": sum(rounds) / len(rounds), "rounds": rounds}
        return {"skipped": None, "load": {"point-lookup": load}}

    return {
        "size": 100_000,
        "mismatches": [],
        "servers": {"kg": server(kg_rounds), "rdflib-endpoint": server(base_rounds)},
    }


def point_lookup_target(res: dict) -> dict:
    statuses = report.target_status([res])
    return next(t for t in statuses if t["server"] == "kg" and t["query"] == "point-lookup")


def test_a_target_is_judged_on_the_whole_run_and_shows_the_round_range() -> None:
    target = point_lookup_target(size_result([310.0, 290.0], [100.0, 100.0]))
    assert target["ratio"] == 3.0 and target["status"] == "met"
    assert target["round_ratios"] == [3.1, 2.9]
    below = point_lookup_target(size_result([250.0, 280.0], [100.0, 100.0]))
    assert below["status"] == "NOT met" and below["round_ratios"] == [2.5, 2.8]


def test_the_report_prints_the_round_range_beside_the_ratio() -> None:
    res = size_result([310.0, 290.0], [100.0, 100.0])
    text = report.render_markdown(
        {
            "started": "2026-11-29T12:00:00",
            "settings": {
                "sizes": ["100k"],
                "duration": 8.0,
                "rounds": 2,
                "warmup": 1.6,
                "concurrency": 4,
                "client": "http",
                "seed": 42,
                "servers": ["kg", "rdflib-endpoint"],
            },
            "machine": {
                "cpu_model": "cpu",
                "cores": 2,
                "usable_cores": 2,
                "memory_gib": 1,
                "platform": "linux",
                "python": "3.11",
                "packages": {},
            },
            "targets": report.target_status([res]),
            "results": [],
        }
    )
    row = next(line for line in text.splitlines() if "point-lookup vs rdflib-endpoint" in line)
    assert "| 3.00 | 2.90–3.10 | ≥ 3.0 | met |" in row
    assert "in 2 interleaved rounds" in text
