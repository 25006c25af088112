"""Badly encoded requests: broken percent-encoding, invalid UTF-8, UTF-16 bodies and foreign
charsets get 400 or 415 in the one JSON shape, never a 500 and never a query silently
changed (werkzeug on its own keeps an undecodable escape as literal text)."""

from __future__ import annotations

import http.client
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from conftest import Server

SPARQL = "application/sparql-query"
FORM = "application/x-www-form-urlencoded"
#: A query that runs (200) whatever its literal holds: only the decoding can refuse it.
LITERAL = 'SELECT ?x WHERE {{ BIND("{}" AS ?x) }}'
QUERY = "ASK { ?s ?p ?o }"


def raw_request(server: Server, method: str, target: bytes, body: bytes, media: str) -> int:
    """Send exactly these bytes as the request target and body; the status of the answer,
    which must be JSON."""
    url = urlsplit(server.url)
    head = f"Host: {url.netloc}\r\nContent-Type: {media}\r\nContent-Length: {len(body)}\r\n"
    request = method.encode() + b" " + target + b" HTTP/1.1\r\n" + head.encode()
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(request + b"Connection: close\r\n\r\n" + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.getheader("Content-Type") == "application/json"
        return response.status


def quoted_literal(escape: str) -> str:
    """The LITERAL query percent-encoded, with ``escape`` (raw) inside the literal."""
    return "%20".join(LITERAL.format(escape).split(" ")).replace('"', "%22").replace("?", "%3F")


URL_CASES = {
    "escape-ff": b"/sparql?query=" + quoted_literal("%FF").encode(),
    "cut-sequence": b"/sparql?query=" + quoted_literal("%E2%82").encode(),
    "lone-surrogate": b"/sparql?query=" + quoted_literal("%ED%A0%80").encode(),
}


@pytest.mark.parametrize("target", URL_CASES.values(), ids=URL_CASES.keys())
def test_a_query_string_that_is_not_utf8_is_400(server: Server, target: bytes) -> None:
    assert raw_request(server, "GET", target, b"", "text/plain") == 400


def test_a_raw_byte_that_is_not_utf8_in_the_target_is_400(server: Server) -> None:
    target = b"/sparql?query=" + quoted_literal("\xff").encode("latin-1")
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 400


FORM_CASES = {
    "escape-ff": b"query=" + quoted_literal("%FF").encode(),
    "cut-sequence": b"query=" + quoted_literal("%C3").encode(),
    "raw-byte-ff": b"query=" + quoted_literal("\xff").encode("latin-1"),
    "utf-16": ("query=" + QUERY).encode("utf-16"),
}


@pytest.mark.parametrize("body", FORM_CASES.values(), ids=FORM_CASES.keys())
def test_a_form_body_that_is_not_utf8_is_400(server: Server, body: bytes) -> None:
    assert raw_request(server, "POST", b"/sparql", body, FORM) == 400


BODY_CASES: dict[str, tuple[bytes, str]] = {
    "utf-16-with-bom": (QUERY.encode("utf-16"), SPARQL),
    "utf-16-le-without-bom": (QUERY.encode("utf-16-le"), SPARQL),
    "utf-16-be-without-bom": (QUERY.encode("utf-16-be"), SPARQL),
    "utf-16-declared": (QUERY.encode("utf-16"), SPARQL + "; charset=utf-16"),
    "latin-1-declared": (QUERY.encode("latin-1"), SPARQL + "; charset=latin-1"),
    "invalid-utf-8": (LITERAL.format("\xff").encode("latin-1"), SPARQL),
    "form-latin-1-declared": (b"query=" + QUERY.encode(), FORM + "; charset=ISO-8859-1"),
    "update-utf-16": ("CLEAR ALL".encode("utf-16"), "application/sparql-update"),
}


@pytest.mark.parametrize(("body", "media"), BODY_CASES.values(), ids=BODY_CASES.keys())
def test_a_body_in_another_encoding_is_400_or_415(server: Server, body: bytes, media: str) -> None:
    assert raw_request(server, "POST", b"/sparql", body, media) in (400, 415)


GOOD_CASES: dict[str, dict[str, Any]] = {
    "get": {"params": {"query": LITERAL.format("é ✓ 𝄞")}},
    "form": {"data": {"query": LITERAL.format("é ✓ 𝄞")}},
    "quoted-charset": {
        "data": LITERAL.format("é ✓ 𝄞").encode(),
        "headers": {"Content-Type": SPARQL + '; charset="UTF-8"'},
    },
}


@pytest.mark.parametrize("kwargs", GOOD_CASES.values(), ids=GOOD_CASES.keys())
def test_utf8_in_every_form_reaches_the_query_unchanged(
    server: Server, kwargs: dict[str, Any]
) -> None:
    method = "GET" if "params" in kwargs else "POST"
    response = requests.request(method, server.endpoint, timeout=30, **kwargs)
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "é ✓ 𝄞"
