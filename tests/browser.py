"""Headless Chromium for the browser tests: start it, wait, screenshot, audit with axe-core,
and record every request a page makes.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (``make browser-deps``) and
axe-core from ``assets/`` (``make web-assets``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).parent.parent / "assets" / "node_modules" / "axe-core" / "axe.min.js"
#: Screenshots of every page land here (one PNG per page, named by the test).
SCREENSHOTS = Path(__file__).parent / "output" / "screenshots"
WAIT_SECONDS = 30
#: Headless, and nothing that reaches out to Google hosts on its own.
FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic"
    " --no-first-run --disable-background-networking --disable-component-update"
    " --disable-sync --window-size=1280,1000"
).split()


@contextmanager
def chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    """One headless Chromium with its performance log on (to record requests).

    Fails the test (not errors) with the install hint when Chromium is missing.
    """
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"browser tests need {', '.join(missing)}: run `make browser-deps` "
            "(apt-get install chromium chromium-driver)",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        browser.set_page_load_timeout(WAIT_SECONDS)
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def text(element: WebElement) -> str:
    """The element's exact text (``.text`` collapses whitespace as rendered)."""
    return str(element.get_property("textContent"))


def wait(browser: webdriver.Chrome, seconds: float = WAIT_SECONDS) -> WebDriverWait[Any]:
    """A wait on ``browser`` (``wait(driver).until(...)``)."""
    return WebDriverWait(browser, seconds)


def screenshot(browser: webdriver.Chrome, name: str) -> Path:
    """Save the page as ``tests/output/screenshots/<name>.png`` and return the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name) + ".png")
    assert browser.save_screenshot(str(path)), f"no screenshot for {name}"
    return path


def requested_urls(browser: webdriver.Chrome) -> list[str]:
    """Every URL the browser requested since the last call (drains the performance log)."""
    urls = []
    for entry in browser.get_log("performance"):  # type: ignore[no-untyped-call]
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def foreign_requests(browser: webdriver.Chrome, origin: str) -> list[str]:
    """The requests since the last call that went to a host other than ``origin``."""
    return foreign(requested_urls(browser), origin)


def foreign(urls: list[str], origin: str) -> list[str]:
    """The network URLs of ``urls`` on a host other than ``origin`` (the browser's own
    ``chrome://`` pages, ``data:`` and ``blob:`` URLs are not requests to a host)."""
    home = urlsplit(origin).netloc
    return [
        url
        for url in urls
        if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != home
    ]


def axe_problems(
    browser: webdriver.Chrome, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """axe-core's violations on the current page with one of ``impacts``: id, impact, nodes."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make web-assets`", pytrace=False)
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations)).catch(e => done({error: String(e)}));"
    )
    assert not isinstance(result, dict), result
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result
        if v["impact"] in impacts
    ]
