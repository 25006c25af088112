"""The audit log: one JSON line per contribution and withdrawal, from the web and the CLI;
never a token; whole lines under concurrent writers; a failed write keeps the contribution
and is logged loudly, with the request id."""

from __future__ import annotations

import json
import logging
import multiprocessing
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ROOT, Server, ServerFactory, run_kg

from kg import audit

DATA = ROOT / "tests" / "data" / "contributions"
SHAPES = str(DATA / "shapes")
TOKEN, MAINTAINER_TOKEN = "alice-audit-secret", "maintainer-audit-secret"
FIELDS = {"time", "event", "id", "graph", "contributor", "actor", "source", "sha256", "triples"}
FIELDS |= {"client", "request_id", "created"}


def event(n: int = 0) -> audit.Event:
    return audit.Event(
        "contribute", f"{n:020x}", f"https://w3id.org/tpkg/graph/c/{n}", "alice", "alice",
        None, "ab" * 32, n, "127.0.0.1", f"req-{n}",
    )  # fmt: skip


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_event_is_one_json_line_with_every_field(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    assert audit.append(path, event(1)) and audit.append(path, event(2))
    found = lines(path)
    assert [e["triples"] for e in found] == [1, 2] and set(found[0]) == FIELDS


def _append_fifty(path: Path, start: int) -> None:
    for i in range(50):
        audit.append(path, event(start + i))


def _write_many(path: str, start: int) -> None:
    """Four threads of one process, 50 lines each."""
    threads = [
        threading.Thread(target=_append_fifty, args=(Path(path), start + k))
        for k in range(0, 200, 50)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_concurrent_writers_never_interleave_lines(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_many, args=(str(path), k * 1000)) for k in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    found = lines(path)  # every line parses
    assert len(found) == 800 and len({e["id"] for e in found}) == 800


def test_a_failed_write_is_logged_with_the_event(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="kg.audit"):
        assert audit.append(Path("/dev/full"), event(7)) is False
    assert "AUDIT LOG NOT WRITTEN" in caplog.text and "req-7" in caplog.text


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("audit-tokens")
    (folder / "tokens").write_text(f"alice:{TOKEN}\n", encoding="utf-8")
    (folder / "maintainer").write_text(f"mia:{MAINTAINER_TOKEN}\n", encoding="utf-8")
    return {
        "KG_TOKEN_FILE": str(folder / "tokens"),
        "KG_MAINTAINER_TOKEN_FILE": str(folder / "maintainer"),
        "KG_SHAPES": SHAPES,
    }


def contribute(server: Server, tag: str) -> requests.Response:
    data = (DATA / "valid.ttl").read_text().replace("test-valid-1", f"audit-{tag}")
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
    headers["X-Request-Id"] = f"audit-{tag}"
    return requests.post(server.url + "/contributions", data=data, headers=headers, timeout=60)


def test_http_contribution_and_withdrawal_are_audited(
    server_factory: ServerFactory, tokens: dict[str, str]
) -> None:
    own = server_factory(own_store=True, **tokens)
    tag = uuid.uuid4().hex
    made = contribute(own, tag)
    assert made.status_code == 201, made.text
    auth = {"Authorization": f"Bearer {MAINTAINER_TOKEN}"}
    url = own.url + made.headers["Location"]
    assert requests.delete(url, headers=auth, timeout=60).status_code == 200
    found = [e for e in lines(own.store.parent / "audit.log") if e["id"] == made.json()["id"]]
    assert [(e["event"], e["actor"]) for e in found] == [
        ("contribute", "alice"),
        ("withdraw", "mia"),
    ]
    assert found[0]["request_id"] == f"audit-{tag}" and found[1]["request_id"]
    assert found[0]["client"] == "127.0.0.1" and found[0]["sha256"] == made.json()["sha256"]
    assert TOKEN not in (own.store.parent / "audit.log").read_text()


def test_an_unwritable_audit_log_keeps_the_contribution_and_logs_loudly(
    server_factory: ServerFactory, tokens: dict[str, str]
) -> None:
    own = server_factory(own_store=True, KG_AUDIT_LOG="/dev/full", **tokens)
    tag = uuid.uuid4().hex
    made = contribute(own, tag)
    assert made.status_code == 201, made.text
    assert requests.get(own.url + made.headers["Location"], timeout=30).status_code == 200
    log = own.log.read_text(errors="replace")
    assert f"[request audit-{tag}]" in log and "AUDIT LOG NOT WRITTEN" in log


def test_cli_contribution_is_audited(store_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(store_dir, store)
    done = run_kg(
        "--store", str(store), "contribute", str(DATA / "valid.ttl"), "--contributor", "carol",
        env={"KG_SHAPES": SHAPES},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (found,) = lines(tmp_path / "audit.log")
    assert (found["event"], found["contributor"], found["client"]) == ("contribute", "carol", None)
    assert found["id"] == json.loads(done.stdout)["id"]
