"""Shared fixtures: one loaded store and one live ``kg serve`` per session, a canary server.

Everything is real: the CLI runs as a subprocess from the repository root, the server is
``kg serve`` (gunicorn) on 127.0.0.1 in its own process group, and the canary is a tiny HTTP
server that counts the requests it receives (a guard test passes only if it got none).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
KG = str(Path(sys.executable).parent / "kg")
#: The bundled sources `kg load` loads by default, those present in this checkout.
SOURCES = tuple(p for p in ("ontology", "shapes", "data/turtle") if (ROOT / p).exists())
#: Settings of the shared server: a 3 s time limit and a small row cap.
SERVER_ENV = {
    "KG_QUERY_TIMEOUT": "3",
    "KG_ROW_LIMIT": "500",
    "KG_QUERY_WORKERS": "2",
    "KG_THREADS": "4",
    "KG_MAX_BODY_BYTES": "200000",
}
STARTUP_SECONDS = 60.0
#: The maintainer token of the ``maintainer`` server.
MAINTAINER_TOKEN = "test-maintainer-token"


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The current environment without any ``KG_*`` variable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(extra or {})
    return env


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started in its own session, with everything it started."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_kg(
    *args: str,
    input: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the ``kg`` CLI as a subprocess; whatever it starts is stopped on a timeout."""
    process = subprocess.Popen(
        [KG, *args],
        cwd=cwd,
        env=clean_env(env),
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        out, err = process.communicate()
        pytest.fail(f"kg {' '.join(args)} ran over {timeout} s:\n{out}\n{err}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture(scope="session")
def kg() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``kg ARGS...`` (keywords: ``input``, ``env``, ``cwd``, ``timeout``)."""
    return run_kg


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store loaded once with the bundled ontology, shapes and data."""
    assert SOURCES, "no bundled sources found"
    store = tmp_path_factory.mktemp("kg") / "store"
    done = run_kg("--store", str(store), "load", *SOURCES)
    assert done.returncode == 0, done.stderr
    return store


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(endpoint: str) -> bool:
    request = urllib.request.Request(endpoint, headers={"Accept": "text/turtle"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Server:
    """A running ``kg serve``: ``url`` is its base, ``endpoint`` the query endpoint."""

    url: str
    store: Path
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    @property
    def endpoint(self) -> str:
        return self.url + "/sparql"

    @property
    def update_endpoint(self) -> str:
        return self.url + "/update"

    def alive(self) -> bool:
        """True while the server process runs and answers."""
        return self.process.poll() is None and _answers(self.endpoint)


def start_server(store: Path, log: Path, args: tuple[str, ...], env: dict[str, str]) -> Server:
    """Start ``kg --store STORE serve`` on a free port and wait until ``/sparql`` answers."""
    port = free_port()
    command = [KG, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [*command, "--workers", "1", *args],
            cwd=ROOT,
            env=clean_env(env),
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", store, log, process)
    deadline = time.monotonic() + STARTUP_SECONDS
    while not _answers(server.endpoint):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            pytest.fail(f"kg serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    return server


ServerFactory = Callable[..., Server]


@pytest.fixture(scope="session")
def server_factory(
    store_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerFactory]:
    """Start (or reuse) a server with extra flags and ``KG_*`` settings.

    ``own_store=True`` gives the server a private copy of the loaded store (for writes).
    Servers with the same arguments are shared for the session; all stop at its end.
    """
    started: dict[tuple[object, ...], Server] = {}

    def factory(*args: str, own_store: bool = False, **env: str) -> Server:
        settings = {**SERVER_ENV, **env}
        key = (args, own_store, tuple(sorted(settings.items())))
        if key not in started:
            folder = tmp_path_factory.mktemp("server")
            store = store_dir
            if own_store:
                store = folder / "store"
                shutil.copytree(store_dir, store)
            started[key] = start_server(store, folder / "serve.log", args, settings)
        return started[key]

    yield factory
    for server in started.values():
        _stop(server.process)


@pytest.fixture(scope="session")
def server(server_factory: ServerFactory) -> Server:
    """The shared read-only server (3 s time limit, row cap from ``SERVER_ENV``)."""
    return server_factory()


@pytest.fixture(scope="session")
def maintainer(server_factory: ServerFactory, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """A maintainer-mode server (``--allow-update`` with a token file) on its own store copy."""
    token_file = tmp_path_factory.mktemp("token") / "token"
    token_file.write_text(MAINTAINER_TOKEN + "\n", encoding="utf-8")
    return server_factory("--allow-update", "--token-file", str(token_file), own_store=True)


@dataclass
class Canary:
    """A local HTTP server that records every request path it receives."""

    url: str
    hits: list[str]


@pytest.fixture
def canary() -> Iterator[Canary]:
    """A canary on 127.0.0.1: queries must never make the endpoint contact it."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_HEAD = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Canary(f"http://127.0.0.1:{httpd.server_address[1]}", hits)
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of the test extras (beside this interpreter, else on PATH)."""
    binary = Path(sys.executable).parent / "oxigraph"
    return str(binary if binary.exists() else shutil.which("oxigraph") or "oxigraph")


@contextmanager
def oxigraph_server(location: Path, *options: str) -> Iterator[str]:
    """An ``oxigraph serve`` over the store at ``location`` on 127.0.0.1 (with ``options``,
    e.g. ``--union-default-graph``); yields its query URL once it answers, stops it after."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--location", str(location)]
    command += ["--bind", f"127.0.0.1:{port}", *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for_line(log: Path, needle: str, seconds: float = 5) -> str | None:
    """The first line of ``log`` that holds ``needle``, waiting up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            if needle in line:
                return line
        time.sleep(0.1)
    return None


@pytest.fixture(scope="session")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the whole session (see tests/browser.py)."""
    from browser import chromium

    with chromium(tmp_path_factory.mktemp("chromium-profile")) as browser:
        yield browser


#: Every quad of every named graph (what an import may change).
ALL_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


def stored_quads(store: Path) -> list[str]:
    """The store's named-graph quads as sorted TSV lines, through `kg query`."""
    done = run_kg("--store", str(store), "query", ALL_QUADS, "--format", "tsv")
    assert done.returncode == 0, done.stderr
    return sorted(done.stdout.splitlines()[1:])
