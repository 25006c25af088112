"""Resource pages, /ontology, /shapes and the 404 page in a real headless Chromium."""

from __future__ import annotations

import pytest
import requests
from browser import (
    WAIT_SECONDS,
    axe_problems,
    foreign_requests,
    requested_urls,
    screenshot,
    text,
    wait,
)
from conftest import Server
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

KAZ = "https://w3id.org/tpkg/id/state/KAZ"
#: How long axe-core may take on one page (the State's page has hundreds of links).
AXE_SECONDS = 120
#: A recommendation to Kazakhstan quoted from the statement: label, passage, source title.
QUOTED = """PREFIX tp: <https://w3id.org/tpkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?rec ?label ?exact ?title WHERE {
  ?rec a tp:Recommendation ; tp:addressee <%s> ; rdfs:label ?label .
  ?a oa:hasBody ?rec ; oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector/oa:exact ?exact .
  ?doc dct:title ?title
} ORDER BY ?rec LIMIT 1"""
PAGES = {
    "resource-state": ("/id/state/KAZ", "#incoming"),
    "ontology": ("/ontology", "#classes"),
    "shapes": ("/shapes", "section.shape"),
    "not-found": ("/id/state/NOWHERE", "#nearest"),
}


def open_page(driver: webdriver.Chrome, server: Server, path: str, ready: str) -> None:
    driver.get(server.url + path)
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, ready)))


def test_a_state_page_shows_a_recommendation_by_label_with_its_passage_and_source(
    driver: webdriver.Chrome, server: Server
) -> None:
    answer = requests.get(server.endpoint, params={"query": QUOTED % KAZ}, timeout=30).json()
    expected = {k: v["value"] for k, v in answer["results"]["bindings"][0].items()}
    open_page(driver, server, "/id/state/KAZ", "#incoming")
    path = expected["rec"][len("https://w3id.org/tpkg") :]
    link = driver.find_element(By.CSS_SELECTOR, f"#incoming li > a[href='{path}']")
    item = link.find_element(By.XPATH, "..")
    assert text(link) == expected["label"]
    passages = item.find_elements(By.CSS_SELECTOR, "figure.passage")
    shown = {text(p.find_element(By.TAG_NAME, "mark")): text(p) for p in passages}
    assert expected["title"] in shown[expected["exact"]]
    driver.execute_script("arguments[0].scrollIntoView()", item)
    screenshot(driver, "resource-state-passage")


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_issue_and_stays_on_this_host(
    driver: webdriver.Chrome, server: Server, name: str
) -> None:
    requested_urls(driver)
    open_page(driver, server, *PAGES[name])
    assert foreign_requests(driver, server.url) == []
    driver.set_script_timeout(AXE_SECONDS)  # long pages on a busy machine take a while
    try:
        assert axe_problems(driver) == []
    finally:
        driver.set_script_timeout(WAIT_SECONDS)
    assert screenshot(driver, name).read_bytes().startswith(b"\x89PNG")


def test_the_404_page_links_to_a_search_for_the_key(
    driver: webdriver.Chrome, server: Server
) -> None:
    open_page(driver, server, "/id/state/NOWHERE", "#search-link")
    link = driver.find_element(By.ID, "search-link")
    assert link.get_attribute("href") == server.url + "/search?q=NOWHERE"
    assert driver.find_element(By.ID, "q").get_attribute("value") == "NOWHERE"
