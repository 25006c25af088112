"""W3C SPARQL 1.1 Protocol and Service Description tests against a live server.

The tests start a server on 127.0.0.1 with an empty temporary store, then run
the pinned npm runner ``rdf-test-suite`` (see ``tests/w3c/package.json``) on the
W3C manifests copied into ``tests/w3c/sparql11/``. Manifest URLs are mapped to
those local files, so nothing but 127.0.0.1 is contacted while the tests run.

The runner sends *every* request of the protocol tests (queries, updates and the
``DROP SILENT ALL ; INSERT DATA {...}`` it uses to load test data) to one URL. The
public ``/sparql`` refuses updates, so the protocol suite runs against the maintainer
endpoint ``/update`` (queries and updates, only with ``--allow-update``), which shares
all protocol handling with ``/sparql``; the service description suite runs against
``/sparql`` itself.

Environment variables:

* ``W3C_TARGET``: ``kg`` (default) starts ``kg serve``; ``oxigraph`` starts the
  reference ``oxigraph serve`` from the virtualenv instead.
* ``W3C_ENDPOINT``: URL of an already running endpoint to test instead of
  starting a server (for example ``http://127.0.0.1:7878/sparql``).
* ``W3C_NPM_CI``: set to ``0`` to fail instead of running ``npm ci`` in
  ``tests/w3c`` when ``node_modules`` is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection

W3C_DIR = Path(__file__).resolve().parent / "w3c"
SUITE_DIR = W3C_DIR / "sparql11"
RUNNER = W3C_DIR / "node_modules" / "rdf-test-suite" / "bin" / "Runner.js"
ENGINE = "endpoint-engine.js"  # relative to W3C_DIR, the runner's working directory

# Published base of the W3C SPARQL 1.1 tests; the runner maps it to SUITE_DIR.
SUITE_BASE_URL = "https://w3c.github.io/rdf-tests/sparql/sparql11/"

#: Path of the endpoint each suite runs against, per target.
ENDPOINT_PATHS = {
    "kg": {"protocol": "/update", "service-description": "/sparql"},
    "oxigraph": {"protocol": "/sparql", "service-description": "/sparql"},
}
EXPECTED_TEST_COUNTS = {"protocol": 34, "service-description": 3}
TEST_TIMEOUT_MS = 15000  # per W3C test case
STARTUP_TIMEOUT_S = 60.0


def server_command(store_dir: Path, host: str, port: int) -> list[str]:
    """Command line that starts the server under test (adjust here)."""
    target = os.environ.get("W3C_TARGET", "kg")
    bin_dir = Path(sys.executable).parent
    if target == "oxigraph":
        return [
            _executable(bin_dir, "oxigraph"),
            "serve",
            "--location",
            str(store_dir),
            "--bind",
            f"{host}:{port}",
        ]
    if target == "kg":
        return [
            _executable(bin_dir, "kg"),
            "--store",
            str(store_dir),
            "serve",
            "--host",
            host,
            "--port",
            str(port),
            "--allow-update",
        ]
    raise ValueError(f"Unknown W3C_TARGET {target!r} (expected 'kg' or 'oxigraph')")


def _executable(bin_dir: Path, name: str) -> str:
    candidate = bin_dir / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found next to {sys.executable} or on PATH")
    return found


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(url: str) -> bool:
    """True once an HTTP server answers ``url`` (with any status)."""
    try:
        with _NO_PROXY_OPENER.open(url + "?query=ASK%7B%7D", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the SPARQL endpoint under test, started with an empty store."""
    external = os.environ.get("W3C_ENDPOINT")
    if external:
        yield external.rstrip("/").rsplit("/", 1)[0]
        return

    host = "127.0.0.1"
    port = _free_port(host)
    workdir = tmp_path_factory.mktemp("w3c-server")
    try:
        command = server_command(workdir / "store", host, port)
    except (FileNotFoundError, ValueError) as error:
        pytest.fail(str(error), pytrace=False)
    log_path = workdir / "server.log"
    url = f"http://{host}:{port}/sparql"
    with log_path.open("wb") as log:
        # Own process group, so gunicorn workers started by the command stop with it.
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir, start_new_session=True
        )
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not _answers(url):
                if process.poll() is not None:
                    pytest.fail(
                        f"Server exited with code {process.returncode}: {' '.join(command)}\n"
                        + log_path.read_text(errors="replace")[-4000:]
                    )
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"Server did not answer {url} within {STARTUP_TIMEOUT_S:.0f}s: "
                        f"{' '.join(command)}\n" + log_path.read_text(errors="replace")[-4000:]
                    )
                time.sleep(0.2)
            yield f"http://{host}:{port}"
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def runner() -> Path:
    """Path of the pinned runner, installing it with ``npm ci`` if needed."""
    if shutil.which("node") is None:
        pytest.fail("node is required to run the W3C SPARQL protocol tests")
    if not RUNNER.exists():
        if os.environ.get("W3C_NPM_CI", "1") == "0":
            pytest.fail(f"{RUNNER} is missing; run `npm ci` in {W3C_DIR}")
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(f"{RUNNER} is missing and npm is not available to install it")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=W3C_DIR, check=True)
    return RUNNER


@dataclass
class Outcome:
    status: str  # "passed", "failed" or "skipped"
    name: str
    uri: str
    details: str = ""


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_STATUS_SYMBOLS = {
    "✔": "passed",
    "√": "passed",
    "✖": "failed",
    "×": "failed",
    "ℹ": "skipped",
    "i": "skipped",
}
_RESULT_LINE = re.compile(r"^(✔|√|✖|×|ℹ|i) (.*) \((\S+)\)(?: [0-9.]+ms)?$")
_MORE_INFO = re.compile(r"^\s*More info: (\S+)\s*$")


def parse_runner_output(output: str) -> dict[str, Outcome]:
    """Per-test outcomes from the runner's default (detailed) text output."""
    outcomes: dict[str, Outcome] = {}
    block: list[str] = []
    for raw_line in _ANSI.sub("", output).splitlines():
        result = _RESULT_LINE.match(raw_line)
        if result and result.group(3).startswith("http"):
            symbol, name, uri = result.groups()
            outcomes[uri] = Outcome(_STATUS_SYMBOLS[symbol], name, uri)
            block = []
            continue
        more_info = _MORE_INFO.match(raw_line)
        if more_info:
            uri = more_info.group(1)
            if uri in outcomes:
                outcomes[uri].details = "\n".join(block).strip()
            block = []
            continue
        block.append(raw_line)
    return outcomes


def manifest_entries(folder: str) -> list[str]:
    """Test IRIs listed in the ``mf:entries`` of a local manifest."""
    manifest = SUITE_DIR / folder / "manifest.ttl"
    graph = rdflib.Graph()
    graph.parse(manifest, format="turtle", publicID=f"{SUITE_BASE_URL}{folder}/manifest.ttl")
    mf = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    entries: list[str] = []
    for head in graph.objects(None, mf.entries):
        entries.extend(str(item) for item in Collection(graph, head))
    return entries


def run_suite(
    runner: Path, folder: str, engine_options: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Outcome]]:
    env = dict(os.environ)
    env["TERM"] = "xterm"  # keeps the runner's result symbols stable
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    command = [
        "node",
        str(runner),
        ENGINE,
        f"{SUITE_BASE_URL}{folder}/manifest.ttl",
        "-m",
        f"{SUITE_BASE_URL}~{SUITE_DIR}/",
        "-i",
        engine_options,
        "-d",
        str(TEST_TIMEOUT_MS),
    ]
    completed = subprocess.run(
        command, cwd=W3C_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    return completed, parse_runner_output(completed.stdout)


def check_suite(
    folder: str, completed: subprocess.CompletedProcess[str], outcomes: dict[str, Outcome]
) -> None:
    expected = manifest_entries(folder)
    assert len(expected) == EXPECTED_TEST_COUNTS[folder], (
        f"{folder}/manifest.ttl lists {len(expected)} tests"
    )

    problems: list[str] = []
    for uri in expected:
        outcome = outcomes.get(uri)
        if outcome is None:
            problems.append(f"NOT RUN {uri}")
        elif outcome.status != "passed":
            problems.append(f"{outcome.status.upper()} {outcome.name} ({uri})\n{outcome.details}")
    unexpected = sorted(set(outcomes) - set(expected))
    problems.extend(f"UNEXPECTED {uri}" for uri in unexpected)
    passed = sum(1 for uri in expected if uri in outcomes and outcomes[uri].status == "passed")

    report = (
        f"{passed}/{len(expected)} W3C {folder} tests passed "
        f"(runner exit code {completed.returncode})\n\n"
        + "\n\n".join(problems)
        + ("\n\nrunner stderr:\n" + completed.stderr[-4000:] if completed.stderr.strip() else "")
    )
    if not outcomes:
        pytest.fail(
            "The runner reported no tests.\n"
            + report
            + "\nrunner stdout:\n"
            + completed.stdout[-4000:],
            pytrace=False,
        )
    if problems or passed != EXPECTED_TEST_COUNTS[folder] or completed.returncode != 0:
        pytest.fail(report, pytrace=False)


def _url(base: str, suite: str) -> str:
    if os.environ.get("W3C_ENDPOINT"):
        return os.environ["W3C_ENDPOINT"]
    return base + ENDPOINT_PATHS[os.environ.get("W3C_TARGET", "kg")][suite]


def test_w3c_sparql11_protocol(runner: Path, endpoint: str) -> None:
    url = _url(endpoint, "protocol")
    completed, outcomes = run_suite(runner, "protocol", json.dumps({"protocolEndpoint": url}))
    check_suite("protocol", completed, outcomes)


def test_w3c_sparql11_service_description(runner: Path, endpoint: str) -> None:
    url = _url(endpoint, "service-description")
    completed, outcomes = run_suite(
        runner, "service-description", json.dumps({"serviceDescriptionEndpoint": url})
    )
    check_suite("service-description", completed, outcomes)
