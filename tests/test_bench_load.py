"""The load-and-kill benchmark, short: 10 s of mixed load from 4 clients on a real ``kg serve``
(granian), then SIGKILL of its whole process group while the clients still send, a restart on
the same store, and the checks of ``bench/load.py``.

It fails when a request gets a 5xx other than the time limit's 503 (e.g. a validation that
breaks under concurrent requests), when a contribution answered 201 is missing or altered
after the restart (an answer sent before the write was durable), when a contribution in flight
at the kill landed in part (a write that is not one transaction), or when the store does not
open and answer after the kill.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHORT = ("--seconds", "10", "--warmup", "2", "--clients", "4")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON report of one short run."""
    out = tmp_path_factory.mktemp("load")
    command = [sys.executable, "bench/load.py", *SHORT, "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(next(out.glob("load-*.json")).read_text()))


def test_every_kind_of_request_was_sent(report: dict[str, Any]) -> None:
    assert all(row["requests"] > 0 for row in report["kinds"].values()), report["kinds"]


def test_no_5xx_but_the_time_limit_under_mixed_load(report: dict[str, Any]) -> None:
    assert report["unexpected_5xx_messages"] == {}
    assert report["unanswered_before_kill"] == {}


def test_the_cross_join_is_stopped_at_the_time_limit(report: dict[str, Any]) -> None:
    answered = report["kinds"]["cross-join"]["statuses"]
    assert {k for k in answered if not k.startswith("no answer")} <= {"503 query-timeout"}


def test_every_acknowledged_contribution_is_whole_after_sigkill_and_restart(
    report: dict[str, Any],
) -> None:
    found = report["contributions"]
    assert found["acknowledged"] > 0 and found["verified"] == found["acknowledged"]
    assert (found["missing"], found["altered"], found["partial"]) == ([], [], [])


def test_the_store_answers_after_the_restart(report: dict[str, Any]) -> None:
    assert report["contributions"]["store_answers"]
    assert report["contributions"]["triples_after"] > 0
