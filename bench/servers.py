"""Start, watch and stop the servers under test: kg (granian and gunicorn), Oxigraph server
and rdflib-endpoint, each loaded from the same file, and sample their memory."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests
from loadgen import ACCEPT

SERVERS = ("kg", "kg-gunicorn", "oxigraph", "rdflib-endpoint")


@dataclass
class Running:
    """A server process started by the harness."""

    name: str
    url: str
    proc: subprocess.Popen
    log: Path
    load_s: float | None = None

    def stop(self, grace: float = 10.0) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=grace)


class SkipServer(Exception):
    """The server cannot run here (missing command, failed load or start)."""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_command(name: str) -> str | None:
    """The path of a console script next to this interpreter, else on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    return shutil.which(name)


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log file."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def run_load_step(cmd: list[str], log: Path, timeout: float) -> float:
    """Run an offline load command; return its wall time or raise SkipServer."""
    start = time.perf_counter()
    with log.open("ab") as out:
        try:
            done = subprocess.run(
                cmd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise SkipServer(f"load timed out after {timeout:.0f} s: {' '.join(cmd)}") from exc
    if done.returncode != 0:
        raise SkipServer(f"load failed ({done.returncode}): {' '.join(cmd)}\n{tail(log)}")
    return time.perf_counter() - start


def start_process(name: str, cmd: list[str], url: str, log: Path) -> Running:
    """Start a server in its own process group, output to ``log``."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Running(name=name, url=url, proc=proc, log=log)


def wait_ready(server: Running, timeout: float) -> float:
    """Poll the endpoint with an ASK query until it answers 200; return seconds waited."""
    start = time.perf_counter()
    query_url = f"{server.url}?query={quote('ASK { ?s ?p ?o }')}"
    while time.perf_counter() - start < timeout:
        if server.proc.poll() is not None:
            raise SkipServer(
                f"{server.name} exited with {server.proc.returncode}\n{tail(server.log)}"
            )
        with contextlib.suppress(requests.RequestException):
            resp = requests.get(query_url, headers={"Accept": ACCEPT}, timeout=5)
            if resp.status_code == 200:
                return time.perf_counter() - start
        time.sleep(0.2)
    raise SkipServer(f"{server.name} not ready after {timeout:.0f} s\n{tail(server.log)}")


def start_kg(
    data: Path, work: Path, timeout: float, workers: int, http_server: str = "granian"
) -> Running:
    """``kg --store DIR load FILE``, then ``kg --store DIR serve`` (endpoint /sparql) with the
    given production HTTP server (granian, the default, or gunicorn)."""
    kg = venv_command("kg")
    if kg is None:
        raise SkipServer("the `kg` command is not installed (pip install -e . in the venv)")
    name = "kg" if http_server == "granian" else f"kg-{http_server}"
    store, log, port = work / f"{name}-store", work / f"{name}.log", free_port()
    load_s = run_load_step([kg, "--store", str(store), "load", str(data)], log, timeout)
    cmd = [kg, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers), "--server", http_server]
    server = start_process(name, cmd, f"http://127.0.0.1:{port}/sparql", log)
    server.load_s = load_s
    return server


def start_kg_gunicorn(data: Path, work: Path, timeout: float, workers: int) -> Running:
    """``kg serve --server gunicorn`` on its own copy of the data."""
    return start_kg(data, work, timeout, workers, "gunicorn")


def start_oxigraph(data: Path, work: Path, timeout: float, workers: int) -> Running:
    """``oxigraph load`` into an on-disk store, then ``oxigraph serve-read-only`` (/query)."""
    ox = venv_command("oxigraph")
    if ox is None:
        raise SkipServer("the `oxigraph` server binary is not installed (pip install oxigraph)")
    store, log, port = work / "oxstore", work / "oxigraph.log", free_port()
    load_s = run_load_step(
        [ox, "load", "--location", str(store), "--file", str(data)], log, timeout
    )
    cmd = [ox, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
    server = start_process("oxigraph", cmd, f"http://127.0.0.1:{port}/query", log)
    server.load_s = load_s
    return server


def start_rdflib(data: Path, work: Path, timeout: float, workers: int) -> Running:
    """``rdflib-endpoint serve FILE``: it parses the file into memory at start (endpoint /)."""
    log, port = work / "rdflib-endpoint.log", free_port()
    cmd = [sys.executable, "-m", "rdflib_endpoint", "serve", str(data)]
    cmd += ["--host", "127.0.0.1", "--port", str(port)]
    return start_process("rdflib-endpoint", cmd, f"http://127.0.0.1:{port}/", log)


STARTERS: dict[str, Callable[[Path, Path, float, int], Running]] = {
    "kg": start_kg,
    "kg-gunicorn": start_kg_gunicorn,
    "oxigraph": start_oxigraph,
    "rdflib-endpoint": start_rdflib,
}


def process_tree(root: int) -> list[int]:
    """The pid ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def proc_kib(pid: int, name: str, key: str) -> int | None:
    """A ``Key:  N kB`` figure from ``/proc/<pid>/<name>``, or None."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def tree_kib(root: int, name: str, key: str) -> int | None:
    """Sum of a /proc memory figure over a process tree (None if no process had it)."""
    values = [proc_kib(pid, name, key) for pid in process_tree(root)]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


class MemorySampler(threading.Thread):
    """Samples the proportional set size (PSS) of a server's process tree, keeping the peak.

    PSS splits pages shared between processes (a pre-fork server's workers share the master's
    pages) among them, so the sum over the tree does not count shared memory twice, unlike a
    sum of per-process RSS."""

    def __init__(self, root: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_kib: int | None = None
        self.halt = threading.Event()

    def sample(self) -> None:
        """Take one sample (falls back to RSS where smaps_rollup is not readable)."""
        value = tree_kib(self.root, "smaps_rollup", "Pss")
        if value is None:
            value = tree_kib(self.root, "status", "VmRSS")
        if value is not None:
            self.peak_kib = max(self.peak_kib or 0, value)

    def run(self) -> None:
        """Sample until stopped."""
        while not self.halt.wait(self.interval):
            self.sample()

    def stop(self) -> float | None:
        """Stop sampling; return the peak in MiB."""
        self.sample()
        self.halt.set()
        self.join(timeout=5)
        return None if self.peak_kib is None else round(self.peak_kib / 1024, 1)
