"""Every page in a real headless Chromium: no serious or critical axe-core issue, no request
to another host, at most :data:`BUDGET` bytes transferred with an empty cache, keyboard focus
visible on every element Tab reaches, and a screenshot under tests/output/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from browser import axe_problems, foreign_requests, screenshot, wait
from conftest import Server
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

#: The page-weight budget (README): everything one page transfers, with an empty cache.
BUDGET = 2_500_000
#: How many elements Tab walks through on each page (the header has eight).
TABS = 14
#: name -> path; /sparql is the query page for a browser (it asks for HTML).
PAGES = {
    "home": "/",
    "query": "/query",
    "sparql": "/sparql",
    "charts": "/charts",
    "chart": "/charts/upr-responses",
    "ontology": "/ontology",
    "shapes": "/shapes",
    "contribute": "/contribute",
    "search": "/search?q=torture",
    "state": "/id/state/KAZ",
    "missing": "/id/state/no-such-state",
}
#: Bytes the page and everything it loaded transferred (headers included).
WEIGHT = """return [...performance.getEntriesByType('navigation'),
  ...performance.getEntriesByType('resource')].reduce((sum, e) => sum + e.transferSize, 0)"""
#: The focused element and whether its focus shows (an outline or a box shadow; for the
#: query editor's hidden input, on the editor's frame).
FOCUS = """const e = document.activeElement;
if (!e || e === document.body) return null;
const s = getComputedStyle(e.closest('.CodeMirror') || e);
const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
const shown = outline || s.boxShadow !== 'none';
return [e.outerHTML.slice(0, 120), shown];"""
SETTLED = """return document.readyState === 'complete' &&
  [...document.querySelectorAll('[data-spec]')].every(b => b.dataset.drawn)"""


def tab_through(driver: webdriver.Chrome) -> tuple[list[str], list[str]]:
    """Press Tab up to :data:`TABS` times: the elements whose focus does not show, and the
    element focus stays stuck on (a keyboard trap), if any."""
    hidden, seen, stuck = [], [], []
    for _ in range(TABS):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.execute_script(FOCUS)
        if focused is None or focused[0] in seen:
            if focused is not None and seen and focused[0] == seen[-1]:
                stuck.append(focused[0])
            break
        seen.append(focused[0])
        if not focused[1]:
            hidden.append(focused[0])
    assert seen, "Tab reaches no element"
    return hidden, stuck


def audit(driver: webdriver.Chrome, server: Server, name: str) -> dict[str, Any]:
    """Load page ``name`` with an empty cache and list what fails the shared checks."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    foreign_requests(driver, server.url)
    driver.get(server.url + PAGES[name])
    wait(driver).until(lambda d: d.execute_script(SETTLED))
    screenshot(driver, f"page-{name}")
    hidden, stuck = tab_through(driver)
    problems = {
        "not a page of the site": not driver.execute_script(
            "return !!document.querySelector('main')"
        ),
        "axe": axe_problems(driver),
        "other hosts": foreign_requests(driver, server.url),
        "bytes over budget": max(0, int(driver.execute_script(WEIGHT)) - BUDGET),
        "focus not visible": hidden,
        "keyboard trap": stuck,
    }
    return {check: found for check, found in problems.items() if found}


@pytest.mark.parametrize("name", PAGES)
def test_page_passes_the_checks_every_page_must_pass(
    driver: webdriver.Chrome, server: Server, name: str
) -> None:
    assert audit(driver, server, name) == {}
