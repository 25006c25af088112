"""Oversized input: queries over ``KG_MAX_QUERY_BYTES`` and bodies over ``KG_MAX_BODY_BYTES``
get 413 in the one JSON shape; oversized headers get a 4xx; the server serves the next
request either way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from conftest import Server, ServerFactory

LOOKUP = "ASK { ?s ?p ?o }"
DIRECT = {"Content-Type": "application/sparql-query"}
TURTLE = {"Content-Type": "text/turtle"}
#: A valid query of about 3,000 bytes (a long comment).
LONG_QUERY = LOOKUP + " #" + "x" * 3000
#: A valid query of about 300,000 bytes.
HUGE_QUERY = LOOKUP + " #" + "x" * 300_000


def chunks(text: str, size: int = 10_000) -> Iterator[bytes]:
    """The text as a chunked body (no Content-Length)."""
    data = text.encode()
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.fixture(scope="module")
def small_queries(server_factory: ServerFactory) -> Server:
    return server_factory(KG_MAX_QUERY_BYTES="2000")


@pytest.fixture(scope="module")
def small_bodies(server_factory: ServerFactory) -> Server:
    """Queries may be as long as bodies are: only the body cap stops a huge one."""
    return server_factory(KG_MAX_QUERY_BYTES="1000000", KG_MAX_BODY_BYTES="100000")


def assert_too_large(response: requests.Response) -> None:
    assert response.status_code == 413, response.text[:200]
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"]["type"] == "payload-too-large"


def assert_still_serves(server: Server) -> None:
    response = requests.get(server.endpoint, params={"query": LOOKUP}, timeout=30)
    assert response.status_code == 200 and response.json()["boolean"] is True


QUERY_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "get": ("GET", {"params": {"query": LONG_QUERY}}),
    "form": ("POST", {"data": {"query": LONG_QUERY}}),
    "direct": ("POST", {"data": LONG_QUERY.encode(), "headers": DIRECT}),
}


@pytest.mark.parametrize(("method", "kwargs"), QUERY_CASES.values(), ids=QUERY_CASES.keys())
def test_a_query_over_the_size_cap_is_413(
    small_queries: Server, method: str, kwargs: dict[str, Any]
) -> None:
    assert_too_large(requests.request(method, small_queries.endpoint, timeout=30, **kwargs))
    assert_still_serves(small_queries)


BODY_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "direct": ("/sparql", {"data": HUGE_QUERY.encode(), "headers": DIRECT}),
    "chunked": ("/sparql", {"data": chunks(HUGE_QUERY), "headers": DIRECT}),
    "form": ("/sparql", {"data": {"query": HUGE_QUERY}}),
    "validate": (
        "/validate",
        {"data": b"# " * 150_000, "headers": {"Content-Type": "text/turtle"}},
    ),
}


@pytest.mark.parametrize(("path", "kwargs"), BODY_CASES.values(), ids=BODY_CASES.keys())
def test_a_body_over_the_size_cap_is_413(
    small_bodies: Server, path: str, kwargs: dict[str, Any]
) -> None:
    assert_too_large(requests.post(small_bodies.url + path, timeout=30, **kwargs))
    assert_still_serves(small_bodies)


HEADER_CASES: dict[str, dict[str, str]] = {
    "one-megabyte-header": {"X-Big": "a" * 1_000_000},
    "eight-megabyte-header": {"X-Big": "a" * 8_000_000},
    "five-thousand-headers": {f"X-Header-{n}": "v" for n in range(5000)},
    "huge-accept": {"Accept": ", ".join(f"text/x-{n};q=0.{n % 9 + 1}" for n in range(60_000))},
}


@pytest.mark.parametrize("headers", HEADER_CASES.values(), ids=HEADER_CASES.keys())
def test_oversized_headers_get_a_4xx_and_the_server_goes_on(
    server: Server, headers: dict[str, str]
) -> None:
    response = requests.get(server.endpoint, params={"query": LOOKUP}, headers=headers, timeout=30)
    assert 400 <= response.status_code < 500
    assert_still_serves(server)
