"""The contribute page in a real headless Chromium (and as a plain form post, without
JavaScript): the SHACL report as a list, and a submission with a token."""

from __future__ import annotations

import hashlib
from pathlib import Path

import requests
from browser import screenshot, text, wait
from conftest import ROOT, Server, ServerFactory
from markupsafe import escape
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

TOKENS = ROOT / "tests" / "data" / "web-home" / "tokens"
TEST_SHAPES = ROOT / "tests" / "data" / "contributions" / "shapes"
TOKEN = "web-home-test-token"
LABEL = "Recommendation typed into the web form"
INVALID = f"""@prefix tp: <https://w3id.org/tpkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rec: <https://w3id.org/tpkg/id/recommendation/> .
@prefix doc: <https://w3id.org/tpkg/id/document/> .
rec:web-form-check a tp:Recommendation ;
    rdfs:label "{LABEL}"@en ;
    tp:addressee doc:no-such-document .
"""
VALID = """@prefix tp: <https://w3id.org/tpkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rec: <https://w3id.org/tpkg/id/recommendation/> .
@prefix st: <https://w3id.org/tpkg/id/state/> .
rec:web-form-submitted a tp:Recommendation ;
    rdfs:label "Recommendation submitted through the web form"@en ;
    rdfs:comment "Used by the contribute page tests."@en ;
    tp:addressee st:KGZ .
"""
JSONLD = """{"@id": "https://w3id.org/tpkg/id/recommendation/web-form-jsonld",
 "@type": "https://w3id.org/tpkg/ontology#Recommendation",
 "http://www.w3.org/2000/01/rdf-schema#label": "Recommendation uploaded as JSON-LD"}"""


def contributor_server(server_factory: ServerFactory) -> Server:
    """A server of its own store that takes contributions (test shapes, one token)."""
    return server_factory(own_store=True, KG_TOKEN_FILE=str(TOKENS), KG_SHAPES=str(TEST_SHAPES))


def fill(driver: webdriver.Chrome, server: Server, data: str, token: str = "") -> None:
    driver.get(server.url + "/contribute")
    box = wait(driver).until(ec.visibility_of_element_located((By.ID, "data")))
    driver.execute_script("arguments[0].value = arguments[1];", box, data)
    driver.find_element(By.ID, "token").send_keys(token)


def shown_results(driver: webdriver.Chrome) -> list[tuple[str, str, str]]:
    items = wait(driver).until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, "#results > li"))
    )
    return [
        tuple(
            text(i.find_element(By.CSS_SELECTOR, c)).strip()
            for c in (".severity", ".focus", ".message")
        )  # type: ignore[misc]
        for i in items
    ]


def validate_json(server: Server, data: str, media: str = "text/turtle") -> dict[str, object]:
    headers = {"Content-Type": media, "Accept": "application/json"}
    answer = requests.post(
        server.url + "/validate", data=data.encode(), headers=headers, timeout=60
    )
    report: dict[str, object] = answer.json()
    return report


def test_an_invalid_contribution_shows_its_violations(
    driver: webdriver.Chrome, server: Server
) -> None:
    fill(driver, server, INVALID)
    driver.find_element(By.ID, "check").click()
    shown = shown_results(driver)
    expected = validate_json(server, INVALID)["results"]
    assert sorted(m for _, _, m in shown) == sorted(r["message"] for r in expected)  # type: ignore[attr-defined]
    severities = [s for s, _, _ in shown]
    assert "Violation" in severities and severities == sorted(severities, key="Violation".__ne__)
    assert all(focus.startswith(LABEL) for _, focus, _ in shown)
    screenshot(driver, "contribute-invalid")


def test_an_uploaded_json_ld_file_is_checked(
    driver: webdriver.Chrome, server: Server, tmp_path: Path
) -> None:
    upload = tmp_path / "data.jsonld"
    upload.write_text(JSONLD, encoding="utf-8")
    fill(driver, server, "")
    driver.find_element(By.ID, "file").send_keys(str(upload))
    Select(driver.find_element(By.ID, "format")).select_by_value("jsonld")
    driver.find_element(By.ID, "check").click()
    expected = validate_json(server, JSONLD, "application/ld+json")["counts"]
    counts = text(wait(driver).until(ec.presence_of_element_located((By.ID, "counts"))))
    assert counts.split()[0] == str(expected["Violation"])  # type: ignore[index]


def test_a_submission_with_a_token_links_its_receipt(
    driver: webdriver.Chrome, server_factory: ServerFactory
) -> None:
    target = contributor_server(server_factory)
    fill(driver, target, VALID, TOKEN)
    driver.find_element(By.ID, "submit").click()
    link = wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#receipt a")))
    receipt = requests.get(link.get_attribute("href"), headers={"Accept": "application/json"})
    assert receipt.status_code == 200
    assert link.get_attribute("href") == f"{target.url}/contributions/{receipt.json()['id']}"
    screenshot(driver, "contribute-receipt")


def test_a_wrong_token_stores_nothing(
    driver: webdriver.Chrome, server_factory: ServerFactory
) -> None:
    target = contributor_server(server_factory)
    data = VALID.replace("web-form-submitted", "web-form-refused")
    fill(driver, target, data, "not-the-token")
    driver.find_element(By.ID, "submit").click()
    error = wait(driver).until(ec.visibility_of_element_located((By.ID, "error")))
    assert "token" in text(error)
    cid = hashlib.sha256(data.encode()).hexdigest()[:20]
    assert requests.get(f"{target.url}/contributions/{cid}", timeout=30).status_code == 404


def test_the_form_works_without_javascript(server: Server) -> None:
    form = {"data": INVALID, "format": "turtle", "action": "validate"}
    page = requests.post(server.url + "/contribute", data=form, timeout=60)
    assert page.status_code == 200 and 'id="results"' in page.text
    violations = validate_json(server, INVALID)["counts"]["Violation"]  # type: ignore[index]
    assert page.text.count('<li class="violation">') == violations > 0


def test_a_parse_error_is_shown_on_the_form(server: Server) -> None:
    form = {"data": "this is not turtle", "format": "turtle", "action": "validate"}
    page = requests.post(server.url + "/contribute", data=form, timeout=60)
    assert 'id="error"' in page.text and "this is not turtle</textarea>" in page.text


def test_a_stored_focus_node_is_named_by_its_label_in_the_store(server: Server) -> None:
    iri = "https://w3id.org/tpkg/id/recommendation/hdim2015-ws8-r1-1"
    query = f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    rows = requests.get(server.endpoint, params={"query": query}, timeout=30).json()
    label = rows["results"]["bindings"][0]["l"]["value"]
    data = f"<{iri}> <https://w3id.org/tpkg/ontology#addressee> <{iri}-nobody> ."
    form = {"data": data, "format": "turtle", "action": "validate"}
    page = requests.post(server.url + "/contribute", data=form, timeout=60).text
    assert f'<span class="focus">{escape(label)} <small><code>{iri}</code>' in page
