"""The home page in a real headless Chromium: the query form against the live server.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (``make browser-deps``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import Server
from rdflib import Graph
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from kg.web.pages import EXAMPLE

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT_SECONDS = 30
#: Headless, and nothing that reaches out to Google hosts on its own.
FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic"
    " --no-first-run --disable-background-networking --disable-component-update"
    " --disable-sync --window-size=1280,1000"
).split()
SELECT_JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """One headless Chromium for the module, driven by the system chromedriver."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"browser tests need {', '.join(missing)}: run `make browser-deps` "
            "(apt-get install chromium chromium-driver)",
            pytrace=False,
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
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


def wait(browser: webdriver.Chrome) -> WebDriverWait[webdriver.Chrome]:
    return WebDriverWait(browser, WAIT_SECONDS)


def run_query(browser: webdriver.Chrome, server: Server, query: str | None = None) -> str:
    """Open the home page, optionally type ``query``, click Run and return the final status."""
    browser.get(server.url + "/")
    box = wait(browser).until(ec.visibility_of_element_located((By.ID, "query")))
    if query is not None:
        box.clear()
        box.send_keys(query)
    browser.find_element(By.ID, "run").click()
    status = browser.find_element(By.ID, "status")
    try:
        wait(browser).until(lambda _: text(status) not in ("", "Running…"))
    except TimeoutException:
        pytest.fail(f"no result within {WAIT_SECONDS} s; status: {text(status)!r}")
    return text(status)


def cell(term: dict[str, Any] | None) -> str:
    """What the page shows for one SPARQL JSON term."""
    if term is None:
        return ""
    if term["type"] == "bnode":
        return "_:" + term["value"]
    lang = term.get("xml:lang")
    return str(term["value"]) + (f"@{lang}" if lang else "")


def test_example_query_renders_the_endpoint_table(driver: webdriver.Chrome, server: Server) -> None:
    driver.get(server.url + "/")
    assert driver.title == "Torture Prevention Knowledge Graph"
    box = wait(driver).until(ec.visibility_of_element_located((By.ID, "query")))
    assert box.get_property("value") == EXAMPLE

    expected = requests.post(server.endpoint, data={"query": EXAMPLE}, headers=SELECT_JSON)
    expected.raise_for_status()
    data = expected.json()
    variables, bindings = data["head"]["vars"], data["results"]["bindings"]
    assert bindings, "the example query should have results over the bundled data"

    status = run_query(driver, server)
    table = driver.find_element(By.CSS_SELECTOR, "#results table")
    header = [text(th) for th in table.find_elements(By.CSS_SELECTOR, "tr:first-child th")]
    rows = [
        [text(td) for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in table.find_elements(By.CSS_SELECTOR, "tr")[1:]
    ]
    assert header == variables
    assert len(rows) == len(bindings)
    assert rows == [[cell(b.get(v)) for v in variables] for b in bindings]
    assert status.startswith(f"{len(bindings)} rows in "), status
    assert "error" not in (driver.find_element(By.ID, "status").get_attribute("class") or "")


def test_syntax_error_shows_the_server_message(driver: webdriver.Chrome, server: Server) -> None:
    query = "SELECT ?s WHERE { ?s ?p "
    answer = requests.post(server.endpoint, data={"query": query}, headers=SELECT_JSON)
    assert answer.status_code == 400
    error = answer.json()["error"]

    status = run_query(driver, server, query)
    assert status == f"Error {error['status']}: {error['message']}"
    assert driver.find_element(By.ID, "status").get_attribute("class") == "error"
    assert text(driver.find_element(By.ID, "results")) == ""


def test_construct_shows_turtle(driver: webdriver.Chrome, server: Server) -> None:
    query = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER isIRI(?s) } ORDER BY ?s ?c LIMIT 10"
    turtle = {"Accept": "text/turtle"}
    answer = requests.post(server.endpoint, data={"query": query}, headers=turtle)
    answer.raise_for_status()
    expected = set(Graph().parse(data=answer.text, format="turtle"))
    assert len(expected) == 10

    status = run_query(driver, server, query)
    assert status.startswith("Graph result in "), status
    shown = text(driver.find_element(By.CSS_SELECTOR, "#results pre"))
    assert set(Graph().parse(data=shown, format="turtle")) == expected


def test_screenshot_is_a_png(driver: webdriver.Chrome, server: Server, tmp_path: Path) -> None:
    run_query(driver, server)
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results table")))
    shot = tmp_path / "home.png"
    assert driver.save_screenshot(str(shot))
    png = shot.read_bytes()
    assert len(png) > 1000 and png.startswith(b"\x89PNG\r\n\x1a\n")
