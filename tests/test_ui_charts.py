"""The charts in a real headless Chromium: vega-embed draws each chart as an SVG whose marks
are the data rows, the page requests no other host and links to none, and without
JavaScript the server's SVG is there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from browser import foreign_requests, wait
from conftest import Server
from selenium import webdriver
from selenium.webdriver.common.by import By

from kg.charts import CHARTS

NAMES = [c.name for c in CHARTS]
#: The accessible labels of the marks of every chart's data layer, as the browser drew them.
MARKS = """return Object.fromEntries([...document.querySelectorAll('[data-spec]')].map(box =>
  [box.id.replace(/^chart-/, ''),
   [...box.querySelectorAll('svg g.data_marks > *')].map(m => m.getAttribute('aria-label'))]))"""


def labels(server: Server, name: str) -> Counter[str]:
    rows = requests.get(f"{server.url}/charts/{name}.json", timeout=60).json()
    return Counter(row["label"] for row in rows)


def drawn_in_browser(driver: webdriver.Chrome, path: str, server: Server) -> dict[str, Any]:
    """Open ``path``, wait until vega-embed has drawn every chart, return the marks' labels."""
    driver.get(server.url + path)
    wait(driver).until(
        lambda d: d.execute_script(
            "const boxes = [...document.querySelectorAll('[data-spec]')];"
            "return boxes.length > 0 && boxes.every(b => b.dataset.drawn);"
        )
    )
    for box in driver.find_elements(By.CSS_SELECTOR, "[data-spec]"):
        assert box.get_attribute("data-drawn") == "browser"
        assert box.find_elements(By.CSS_SELECTOR, ".vega-embed svg"), "vega-embed drew no SVG"
    found: dict[str, Any] = driver.execute_script(MARKS)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_vega_embed_draws_one_mark_per_data_row(
    driver: webdriver.Chrome, server: Server, name: str
) -> None:
    marks = drawn_in_browser(driver, f"/charts/{name}", server)
    assert list(marks) == [name]
    assert Counter(marks[name]) == labels(server, name)


def test_the_index_draws_every_chart_in_the_browser(
    driver: webdriver.Chrome, server: Server
) -> None:
    marks = drawn_in_browser(driver, "/charts", server)
    assert {name: Counter(found) for name, found in marks.items()} == {
        name: labels(server, name) for name in NAMES
    }


def test_chart_menu_and_links_stay_on_this_host(driver: webdriver.Chrome, server: Server) -> None:
    foreign_requests(driver, server.url)
    drawn_in_browser(driver, f"/charts/{NAMES[0]}", server)
    driver.find_element(By.CSS_SELECTOR, ".vega-embed details > summary").click()
    menu = driver.find_elements(By.CSS_SELECTOR, ".vega-embed details a")
    # textContent, not .text: .text is "" while the menu is still opening (seen once in `make test`)
    assert [(a.get_attribute("textContent") or "").strip() for a in menu] == [
        "Save as SVG",
        "Save as PNG",
    ]
    for link in menu:
        link.click()  # fills in the download link; must fetch nothing from elsewhere
    hrefs = [a.get_attribute("href") or "" for a in driver.find_elements(By.CSS_SELECTOR, "a")]
    assert [
        h for h in hrefs if urlsplit(h).scheme in ("http", "https") and not h.startswith(server.url)
    ] == []
    assert foreign_requests(driver, server.url) == []


@pytest.fixture
def no_javascript(driver: webdriver.Chrome) -> Iterator[webdriver.Chrome]:
    """The session browser with JavaScript off for one test."""
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        yield driver
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_without_javascript_the_server_svg_shows_every_row(
    no_javascript: webdriver.Chrome, server: Server
) -> None:
    no_javascript.get(server.url + "/charts")
    marks = no_javascript.execute_script(MARKS)
    assert {name: Counter(found) for name, found in marks.items()} == {
        name: labels(server, name) for name in NAMES
    }
    assert not no_javascript.find_elements(By.CSS_SELECTOR, ".vega-embed, [data-drawn]")
