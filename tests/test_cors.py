"""CORS: pages on other origins can query the endpoint and read its limit headers.

Checked with plain HTTP against the live server, and in headless Chromium with a page served
from another origin (a second server on another port) calling ``fetch`` across origins.
"""

from __future__ import annotations

import pytest
import requests
from conftest import Server, ServerFactory
from selenium import webdriver

ASK = "ASK { ?s ?p ?o }"
EXPOSED = {"x-result-truncated", "x-result-size"}


def exposed(response: requests.Response) -> set[str]:
    value = response.headers.get("Access-Control-Expose-Headers", "")
    return {h.strip().lower() for h in value.split(",") if h.strip()}


@pytest.mark.parametrize(
    "send",
    [
        lambda url: requests.get(url, params={"query": ASK}, timeout=30),
        lambda url: requests.post(url, data={"query": ASK}, timeout=30),
        lambda url: requests.post(
            url, data=ASK, headers={"Content-Type": "application/sparql-query"}, timeout=30
        ),
    ],
    ids=["get", "post-form", "post-direct"],
)
def test_answers_allow_any_origin_and_expose_the_limit_headers(server: Server, send) -> None:
    response = send(server.endpoint)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert exposed(response) == EXPOSED


def test_errors_allow_any_origin(server: Server) -> None:
    response = requests.get(server.endpoint, params={"query": "SELEC"}, timeout=30)
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_preflight_names_methods_and_headers(server: Server) -> None:
    response = requests.options(
        server.endpoint,
        headers={
            "Origin": "http://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


FETCH = """
const [endpoint, init, done] = arguments;
fetch(endpoint, init)
  .then(r => r.text().then(body => done({
      status: r.status, size: r.headers.get('X-Result-Size'), body: body})))
  .catch(e => done({error: String(e)}));
"""


@pytest.mark.parametrize(
    "init",
    [
        {"method": "GET"},
        {
            "method": "POST",
            "headers": {
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
            "body": ASK,
        },
    ],
    ids=["simple-get", "post-with-preflight"],
)
def test_a_page_on_another_origin_reads_the_answer_and_its_size(
    driver: webdriver.Chrome,
    server: Server,
    server_factory: ServerFactory,
    init: dict,
) -> None:
    other = server_factory(KG_ROW_LIMIT="7")  # another port: another origin
    assert other.url != server.url
    driver.get(other.url + "/")
    endpoint = server.endpoint + (
        "?query=" + requests.utils.quote(ASK) if init["method"] == "GET" else ""
    )
    driver.set_script_timeout(30)
    result = driver.execute_async_script(FETCH, endpoint, init)
    assert "error" not in result, result
    assert result["status"] == 200
    assert result["size"] == "1"
    assert '"boolean"' in result["body"]
