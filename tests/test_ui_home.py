"""The home and search pages in a real headless Chromium against the live server."""

from __future__ import annotations

import pytest
from browser import axe_problems, foreign_requests, requested_urls, screenshot, text, wait
from conftest import ROOT, Server
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from kg.examples import examples

PAGES = {"/": "examples", "/search?q=torture": "hits", "/contribute": "contribute"}


def test_the_home_page_loads_and_lists_the_example_queries(
    driver: webdriver.Chrome, server: Server
) -> None:
    driver.get(server.url + "/")
    wait(driver).until(ec.visibility_of_element_located((By.ID, "examples")))
    links = driver.find_elements(By.CSS_SELECTOR, 'a[href^="/query?example="]')
    shown = {link.get_attribute("href"): text(link) for link in links}
    expected = examples(str(ROOT / "queries"))
    assert shown == {f"{server.url}/query?example={e.name}": e.title for e in expected}
    screenshot(driver, "home")


def test_the_search_box_finds_a_state(driver: webdriver.Chrome, server: Server) -> None:
    driver.get(server.url + "/")
    box = wait(driver).until(ec.visibility_of_element_located((By.ID, "q")))
    box.send_keys("Kyrgyzstan", Keys.ENTER)
    wait(driver).until(ec.visibility_of_element_located((By.ID, "hits")))
    hrefs = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#hits li > a")]
    assert f"{server.url}/id/state/KGZ" in hrefs
    screenshot(driver, "search")


@pytest.mark.parametrize("path", PAGES)
def test_the_page_requests_no_other_host(
    driver: webdriver.Chrome, server: Server, path: str
) -> None:
    requested_urls(driver)
    driver.get(server.url + path)
    wait(driver).until(ec.presence_of_element_located((By.ID, PAGES[path])))
    assert foreign_requests(driver, server.url) == []


@pytest.mark.parametrize("path", PAGES)
def test_the_page_has_no_serious_accessibility_issue(
    driver: webdriver.Chrome, server: Server, path: str
) -> None:
    driver.get(server.url + path)
    wait(driver).until(ec.presence_of_element_located((By.ID, PAGES[path])))
    assert axe_problems(driver) == []
