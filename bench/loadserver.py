"""The server side of the load-and-kill benchmark: a fresh store, ``kg serve`` in its own
process group, the group's resident memory, SIGKILL of the whole group, and a restart."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from servers import Running, SkipServer, free_port, run_load_step, venv_command, wait_ready

ROOT = Path(__file__).resolve().parents[1]
#: The contributor the benchmark posts as (its token is drawn per run).
CONTRIBUTOR = "loadbench"


@dataclass
class Setup:
    """A store loaded with the bundled data, a token file, and the server's settings."""

    work: Path
    store: Path
    token: str
    env: dict[str, str]

    @property
    def kg(self) -> str:
        """The ``kg`` command next to this interpreter."""
        kg = venv_command("kg")
        if kg is None:
            raise SkipServer("the `kg` command is not installed (pip install -e .)")
        return kg


def prepare(work: Path, query_timeout: float, timeout: float = 600) -> Setup:
    """``kg load`` the bundled ontology, shapes and data into ``work/store`` and write a
    contributor token file.

    :raises SkipServer: when the load fails.
    """
    work.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    tokens = work / "tokens"
    tokens.write_text(f"{CONTRIBUTOR}:{token}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env |= {"KG_TOKEN_FILE": str(tokens), "KG_QUERY_TIMEOUT": str(query_timeout)}
    setup = Setup(work, work / "store", token, env)
    with contextlib.chdir(ROOT):
        run_load_step([setup.kg, "--store", str(setup.store), "load"], work / "load.log", timeout)
    return setup


def start(setup: Setup, name: str, timeout: float = 120) -> Running:
    """Start ``kg serve`` (granian, the default) on a free loopback port, in its own process
    group, and wait until /sparql answers.

    :raises SkipServer: when it exits or does not answer in time.
    """
    port = free_port()
    log = setup.work / f"{name}.log"
    cmd = [setup.kg, "--store", str(setup.store), "serve", "--host", "127.0.0.1"]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*cmd, "--port", str(port)],
            cwd=ROOT,
            env=setup.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Running(name, f"http://127.0.0.1:{port}/sparql", proc, log)
    try:
        wait_ready(server, timeout)
    except SkipServer:
        server.stop()
        raise
    return server


def base_url(server: Running) -> str:
    """The server's base URL (without /sparql)."""
    return server.url.removesuffix("/sparql")


def group_rss_kib(pgid: int) -> dict[str, int]:
    """Resident memory (VmRSS, KiB) of process group ``pgid``: ``group`` sums every process,
    ``server`` the long-lived ones (the group leader and its children: the HTTP server and its
    web workers), ``queries`` the rest (the query processes the web workers start and replace).
    """
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                parents[int(entry.name)] = int(fields[1])
                rss[int(entry.name)] = _vmrss_kib(entry / "status")
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
    server = sum(kib for pid, kib in rss.items() if pid == pgid or parents[pid] == pgid)
    return {"group": sum(rss.values()), "server": server, "queries": sum(rss.values()) - server}


def _vmrss_kib(status: Path) -> int:
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # a zombie has no resident memory


def kill_group(server: Running) -> None:
    """SIGKILL the server's whole process group (web workers, query workers) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.proc.pid, signal.SIGKILL)
    server.proc.wait(timeout=30)
