"""Screenshots for the README (`make screenshots`): `kg serve` on a free 127.0.0.1 port over a
temporary store loaded with the bundled data, pages captured in headless Chromium into
docs/img/*.png, and one chart drawn on the server (vl-convert) as docs/img/chart-<name>.svg.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browser import chromium, wait  # noqa: E402  (the browser tests' one Chromium set-up)

KG = str(Path(sys.executable).parent / "kg")
IMAGES = ROOT / "docs" / "img"
#: The example the query page runs, the resource with evidence, the chart.
EXAMPLE = ROOT / "queries" / "q07-upr-torture-accepted-noted.rq"
RESOURCE = "/id/recommendation/hdim2015-ws8-r1-3"
CHART = "upr-responses"
#: The page is ready: loaded, and every chart drawn.
SETTLED = """return document.readyState === 'complete' &&
  [...document.querySelectorAll('[data-spec]')].every(b => b.dataset.drawn)"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(store: Path, port: int) -> subprocess.Popen[bytes]:
    """Load the bundled data into ``store`` and start `kg serve` on ``port``; wait for it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    subprocess.run([KG, "--store", str(store), "load"], cwd=ROOT, env=env, check=True)
    command = [KG, "--store", str(store), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
            return server
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("kg serve did not start")


def pages(base: str) -> dict[str, str]:
    """File name -> URL of each page to capture."""
    query = EXAMPLE.read_text(encoding="utf-8")
    return {
        "query": f"{base}/query?query={quote(query, safe='')}",
        "resource": base + RESOURCE,
        "chart": f"{base}/charts/{CHART}",
    }


def capture(base: str, profile: Path) -> None:
    """Save each page of :func:`pages` as docs/img/<name>.png."""
    with chromium(profile) as browser:
        browser.set_window_size(1280, 900)
        for name, url in pages(base).items():
            browser.get(url)
            wait(browser).until(lambda b: b.execute_script(SETTLED))
            time.sleep(1)  # let scripts finish painting
            browser.save_screenshot(str(IMAGES / f"{name}.png"))
            print(f"wrote docs/img/{name}.png ({url[len(base) :][:60]})")


def main() -> None:
    """Start the server, capture the pages and the chart SVG, stop the server."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kg-screenshots-") as folder:
        port = free_port()
        server = serve(Path(folder) / "store", port)
        base = f"http://127.0.0.1:{port}"
        try:
            with urllib.request.urlopen(f"{base}/charts/{CHART}.svg", timeout=60) as answer:
                (IMAGES / f"chart-{CHART}.svg").write_bytes(answer.read())
            print(f"wrote docs/img/chart-{CHART}.svg")
            capture(base, Path(folder) / "chromium")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
