"""The query page in a real headless Chromium against the live server: the YASGUI editor
with JavaScript (examples, results with labels and links, errors, Turtle, autocompletion, no
other host, accessibility, screenshot), then the plain form in a Chromium without
JavaScript."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from browser import (
    CHROMEDRIVER,
    CHROMIUM,
    FLAGS,
    WAIT_SECONDS,
    axe_problems,
    foreign,
    foreign_requests,
    requested_urls,
    screenshot,
    text,
    wait,
)
from conftest import Canary, Server
from rdflib import Graph
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

from kg.examples import example
from kg.web.labels import short

EXAMPLE = "q01-recommendations-to-tajikistan"
SYNTAX_ERROR = "SELECT ?s WHERE { ?s ?p "
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER isIRI(?s) } ORDER BY ?s ?c LIMIT 10"
RESULT = ".yasr_results"
#: A resource's label: its rdfs:label or skos:prefLabel (the smallest, when it has several).
LABELS = """SELECT ?s (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?s {{ {} }}
  ?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l
}} GROUP BY ?s"""


def bindings(server: Server, query: str) -> list[dict[str, dict[str, str]]]:
    answer = requests.post(server.endpoint, data={"query": query}, timeout=30)
    answer.raise_for_status()
    found: list[dict[str, dict[str, str]]] = answer.json()["results"]["bindings"]
    return found


def labels(server: Server, rows: list[dict[str, dict[str, str]]]) -> dict[str, str]:
    """The label of each IRI in ``rows`` that has one."""
    iris = {t["value"] for row in rows for t in row.values() if t["type"] == "uri"}
    query = LABELS.format(" ".join(f"<{iri}>" for iri in sorted(iris)))
    return {b["s"]["value"]: b["label"]["value"] for b in bindings(server, query)}


def open_editor(browser: webdriver.Chrome, server: Server, **params: str) -> str:
    """Open the query page afresh (no saved tabs) and wait for the result YASGUI shows."""
    browser.get(server.url + "/query/terms.json")
    browser.execute_script("window.localStorage.clear()")
    browser.get(server.url + "/query" + ("?" + urlencode(params) if params else ""))
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".tab.active")))
    if not params:
        return ""
    chip = (By.CSS_SELECTOR, ".tab-pane.active .yasr_response_chip, .yasr_response_chip")
    wait(browser).until(lambda b: any(text(e).strip() for e in b.find_elements(*chip)))
    return next(text(e) for e in browser.find_elements(*chip) if text(e).strip())


def test_an_example_runs_in_the_editor_and_shows_rows_with_labels_and_links(
    driver: webdriver.Chrome, server: Server
) -> None:
    query = example("queries", EXAMPLE).text
    rows = bindings(server, query)
    names = labels(server, rows)
    chip = open_editor(driver, server, example=EXAMPLE)
    assert chip.startswith(f"{len(rows)} results in "), chip
    links = driver.find_elements(By.CSS_SELECTOR, f"{RESULT} tbody tr td:nth-child(2) a")
    shown = [(text(a), urlsplit(str(a.get_attribute("href"))).path) for a in links]
    first = [b["recommendation"]["value"] for b in rows[: len(shown)]]
    assert shown == [(names[iri], "/id/" + iri.split("/id/", 1)[1]) for iri in first]


def test_a_syntax_error_shows_the_server_message(driver: webdriver.Chrome, server: Server) -> None:
    answer = requests.post(server.endpoint, data={"query": SYNTAX_ERROR}, timeout=30)
    error = answer.json()["error"]
    open_editor(driver, server, query=SYNTAX_ERROR)
    shown = driver.find_element(By.CSS_SELECTOR, f"{RESULT} .query-error")
    assert text(shown) == f"Error {error['status']}: {error['message']}"


def test_a_construct_shows_its_turtle(driver: webdriver.Chrome, server: Server) -> None:
    turtle = requests.post(
        server.endpoint, data={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}, timeout=30
    )
    expected = set(Graph().parse(data=turtle.text, format="turtle"))
    open_editor(driver, server, query=CONSTRUCT)
    driver.find_element(By.CSS_SELECTOR, ".yasr .select_response").click()
    editor = wait(driver).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, f"{RESULT} .CodeMirror"))
    )
    shown = driver.execute_script("return arguments[0].CodeMirror.getValue()", editor)
    assert len(expected) == 10
    assert set(Graph().parse(data=shown, format="turtle")) == expected


def complete(browser: webdriver.Chrome, query: str) -> list[str]:
    """Put ``query`` in the editor, cursor at its end, press Ctrl-Space: the suggestions."""
    browser.execute_script(
        "const y = kgYasgui.getTab().getYasqe(); y.setValue(arguments[0]); y.focus();"
        "y.setCursor(y.lastLine(), 1000);",
        query,
    )
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
    hints = (By.CSS_SELECTOR, ".CodeMirror-hints li")
    wait(browser).until(ec.presence_of_element_located(hints))
    return [text(li) for li in browser.find_elements(*hints)]


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("SELECT * WHERE { ?s a tp:Recomm", "tp:Recommendation"),
        ("SELECT * WHERE { ?s tp:addr", "tp:addressee"),
        ("PREFIX sko", "skos: <http://www.w3.org/2004/02/skos/core#>"),
    ],
)
def test_the_editor_completes_our_terms_without_other_hosts(
    driver: webdriver.Chrome, server: Server, typed: str, suggested: str
) -> None:
    open_editor(driver, server)
    requested_urls(driver)
    assert any(hint.split(" (")[0] == suggested for hint in complete(driver, typed))
    assert foreign_requests(driver, server.url) == []


def test_the_query_page_requests_no_other_host(driver: webdriver.Chrome, server: Server) -> None:
    requested_urls(driver)
    open_editor(driver, server, example=EXAMPLE)
    seen = requested_urls(driver)
    assert any(url.endswith("/static/vendor/yasgui.min.js") for url in seen), seen
    assert any(urlsplit(url).path == "/sparql" for url in seen), seen
    assert foreign(seen, server.url) == []


def test_an_endpoint_in_the_link_is_ignored(
    driver: webdriver.Chrome, server: Server, canary: Canary
) -> None:
    requested_urls(driver)
    open_editor(driver, server, query="ASK {}", endpoint=canary.url + "/sparql")
    assert canary.hits == [] and foreign_requests(driver, server.url) == []
    assert text(driver.find_element(By.CSS_SELECTOR, RESULT)).strip() == "True"


def test_the_download_links_follow_the_editors_query(
    driver: webdriver.Chrome, server: Server
) -> None:
    open_editor(driver, server, query=CONSTRUCT)
    links = driver.find_elements(By.CSS_SELECTOR, "#downloads a")
    hrefs = [urlsplit(str(a.get_attribute("href"))) for a in links]
    assert [text(a) for a in links] == ["Turtle", "N-Triples", "JSON-LD"]
    assert {h.path for h in hrefs} == {"/sparql"}
    assert {parse_qs(h.query)["query"][0] for h in hrefs} == {CONSTRUCT}


def test_esc_leaves_the_editor_for_the_keyboard(driver: webdriver.Chrome, server: Server) -> None:
    open_editor(driver, server)
    driver.find_element(By.CSS_SELECTOR, ".CodeMirror-code").click()
    editing = "return document.activeElement === kgYasgui.getTab().getYasqe().getInputField()"
    assert driver.execute_script(editing)
    ActionChains(driver).send_keys(Keys.ESCAPE).send_keys(Keys.TAB).perform()
    assert not driver.execute_script(editing)
    assert driver.execute_script("return document.activeElement !== document.body")


def test_the_query_page_has_no_serious_accessibility_issue(
    driver: webdriver.Chrome, server: Server
) -> None:
    open_editor(driver, server, example=EXAMPLE)
    assert axe_problems(driver) == []


def test_screenshot_of_the_query_page(driver: webdriver.Chrome, server: Server) -> None:
    open_editor(driver, server, example=EXAMPLE)
    png = screenshot(driver, "query-page").read_bytes()
    assert len(png) > 1000 and png.startswith(b"\x89PNG\r\n\x1a\n")


def test_without_the_bundle_the_plain_form_stays(driver: webdriver.Chrome, server: Server) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/vendor/yasgui.min.js"]})
    try:
        driver.get(server.url + "/query?" + urlencode({"query": "ASK {}"}))
        assert driver.find_element(By.ID, "query-form").is_displayed()
        assert text(driver.find_element(By.ID, "status")) == "Answer: true"
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


# Without JavaScript: the plain form and the server-rendered table.


@pytest.fixture(scope="module")
def no_js(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """A second headless Chromium with JavaScript switched off."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("browser tests need chromium: run `make browser-deps`", pytrace=False)
    profile = tmp_path_factory.mktemp("chromium-no-js")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}", "--blink-settings=scriptEnabled=false"):
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    browser.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def submit(browser: webdriver.Chrome, server: Server, query: str) -> str:
    """Type ``query`` into the plain form, press Run and return the status line."""
    browser.get(server.url + "/query")
    assert browser.find_element(By.ID, "yasgui").get_attribute("hidden") is not None
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys(query)
    browser.find_element(By.ID, "run").click()
    status = wait(browser).until(ec.presence_of_element_located((By.ID, "status")))
    return text(status)


def cell(term: dict[str, Any] | None, names: dict[str, str]) -> str:
    """What the server's table shows for one SPARQL JSON term (labels for our IRIs)."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return names.get(term["value"], short(term["value"]))
    if "xml:lang" in term:
        return f"{term['value']} @{term['xml:lang']}"
    datatype = term.get("datatype")
    return f"{term['value']} {short(datatype)}" if datatype else str(term["value"])


def test_the_no_javascript_form_returns_a_table(no_js: webdriver.Chrome, server: Server) -> None:
    query = "SELECT ?state ?label WHERE { ?state a <https://w3id.org/tpkg/ontology#State> ; "
    query += "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?state LIMIT 20"
    rows = bindings(server, query)
    names = labels(server, rows)
    assert submit(no_js, server, query) == f"{len(rows)} rows"
    table = no_js.find_element(By.ID, "result-table")
    shown = [
        [text(td) for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    assert rows and shown == [[cell(b.get(v), names) for v in ("state", "label")] for b in rows]


def test_the_no_javascript_form_shows_the_servers_error(
    no_js: webdriver.Chrome, server: Server
) -> None:
    error = requests.post(server.endpoint, data={"query": SYNTAX_ERROR}, timeout=30).json()
    status = submit(no_js, server, SYNTAX_ERROR)
    assert status == f"Error {error['error']['status']}: {error['error']['message']}"


def test_the_no_javascript_form_shows_turtle(no_js: webdriver.Chrome, server: Server) -> None:
    turtle = requests.post(
        server.endpoint, data={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}, timeout=30
    )
    submit(no_js, server, CONSTRUCT)
    shown = text(no_js.find_element(By.ID, "turtle"))
    expected = set(Graph().parse(data=turtle.text, format="turtle"))
    assert set(Graph().parse(data=shown, format="turtle")) == expected
