"""The home page in a real headless Chromium: the query form against the live server."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from browser import WAIT_SECONDS, axe_problems, requested_urls, screenshot, text, wait
from conftest import Server
from rdflib import Graph
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from kg.web.pages import EXAMPLE

SELECT_JSON = {"Accept": "application/sparql-results+json"}


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


def test_screenshot_is_a_png(driver: webdriver.Chrome, server: Server) -> None:
    run_query(driver, server)
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#results table")))
    png = screenshot(driver, "home-query-form").read_bytes()
    assert len(png) > 1000 and png.startswith(b"\x89PNG\r\n\x1a\n")


def test_home_page_requests_no_other_host(driver: webdriver.Chrome, server: Server) -> None:
    requested_urls(driver)
    driver.get(server.url + "/")
    wait(driver).until(ec.visibility_of_element_located((By.ID, "query")))
    seen = requested_urls(driver)
    assert any(url.endswith("/static/site.css") for url in seen), seen
    assert [url for url in seen if not url.startswith(server.url)] == []


def test_home_page_has_no_serious_accessibility_issue(
    driver: webdriver.Chrome, server: Server
) -> None:
    driver.get(server.url + "/")
    wait(driver).until(ec.visibility_of_element_located((By.ID, "query")))
    assert axe_problems(driver) == []
