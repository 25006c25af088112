"""The sandbox: a process that installs it cannot open internet sockets; where seccomp is
unavailable, ``kg serve`` and ``kg query`` refuse to run unless guard-only mode is accepted.

"Unavailable" is real here: a ``pyseccomp`` package that cannot be imported comes first on
``PYTHONPATH`` of the server or CLI process (and so of its query workers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from conftest import Canary, clean_env, free_port, run_kg, start_server

from kg.sandbox import available

PROBE = """
import socket
from kg.sandbox import block_network
block_network()
a, b = socket.socketpair()
a.sendall(b"x")
assert b.recv(1) == b"x"
for family in (socket.AF_INET, socket.AF_INET6):
    try:
        socket.socket(family, socket.SOCK_STREAM)
    except PermissionError:
        continue
    raise SystemExit(f"family {family} was not blocked")
"""


@pytest.fixture(scope="module")
def no_seccomp(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment in which ``import pyseccomp`` fails."""
    folder = tmp_path_factory.mktemp("no-seccomp")
    (folder / "pyseccomp").mkdir()
    (folder / "pyseccomp" / "__init__.py").write_text('raise ImportError("hidden by a test")\n')
    return {"PYTHONPATH": str(folder)}


def test_a_sandboxed_process_keeps_unix_sockets_and_loses_internet_ones() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_sandbox_is_available_here_and_not_without_pyseccomp(
    no_seccomp: dict[str, str],
) -> None:
    code = "from kg.sandbox import available; raise SystemExit(0 if available() else 3)"
    hidden = subprocess.run([sys.executable, "-c", code], env=clean_env(no_seccomp))
    assert available() and hidden.returncode == 3


def test_serve_refuses_to_start_without_the_sandbox(
    no_seccomp: dict[str, str], store_dir: Path
) -> None:
    port = str(free_port())
    done = run_kg("--store", str(store_dir), "serve", "--port", port, env=no_seccomp, timeout=60)
    assert done.returncode != 0
    assert done.stderr.startswith("kg: error: seccomp is unavailable")
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_in_guard_only_mode_starts_warns_and_the_guard_holds(
    no_seccomp: dict[str, str], store_dir: Path, tmp_path: Path, canary: Canary
) -> None:
    env = {**no_seccomp, "KG_ALLOW_GUARD_ONLY": "true", "KG_QUERY_WORKERS": "1"}
    server = start_server(store_dir, tmp_path / "serve.log", (), env)
    try:
        text = f"PREFIX : <{canary.url}/> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}"
        refused = requests.post(server.endpoint, data={"query": text}, timeout=30)
        answered = requests.post(server.endpoint, data={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    finally:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=30)
    assert (refused.status_code, answered.json()["boolean"], canary.hits) == (400, True, [])
    assert "the query guard is the only defence" in server.log.read_text()


@pytest.mark.parametrize(("extra", "code"), [({}, 1), ({"KG_ALLOW_GUARD_ONLY": "true"}, 0)])
def test_kg_query_follows_the_same_policy(
    no_seccomp: dict[str, str], store_dir: Path, extra: dict[str, str], code: int
) -> None:
    done = run_kg("--store", str(store_dir), "query", "ASK {}", env={**no_seccomp, **extra})
    assert done.returncode == code, done.stderr
    assert done.stderr.startswith("kg: error: seccomp" if code else "kg: WARNING: seccomp")
