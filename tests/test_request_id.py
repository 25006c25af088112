"""Request ids: on every answer (lean path, Flask, errors, 404s), in the access log line and
in the app's log records; a client's short safe id is kept, anything else replaced."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

import pytest
import requests
from conftest import Server, wait_for_line

from kg.web import requestid

ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ASK = {"query": "ASK { ?s ?p ?o }"}

#: id -> (method, path, request keywords, expected status)
REQUESTS: dict[str, tuple[str, str, dict[str, Any], int]] = {
    "lean-get": ("GET", "/sparql", {"params": ASK}, 200),
    "lean-get-error": ("GET", "/sparql", {"params": {"query": "SELEC *"}}, 400),
    "flask-post": ("POST", "/sparql", {"data": ASK}, 200),
    "service-description": ("GET", "/sparql", {"headers": {"Accept": "text/turtle"}}, 200),
    "unknown-path": ("GET", "/no/such/page", {}, 404),
    "unknown-resource": ("GET", "/id/state/NOWHERE", {"headers": {"Accept": "text/turtle"}}, 404),
    "method-not-allowed": ("PUT", "/sparql", {}, 405),
    "healthz": ("GET", "/healthz", {}, 200),
}


@pytest.mark.parametrize("name", REQUESTS)
def test_every_answer_carries_a_request_id(server: Server, name: str) -> None:
    method, path, kwargs, status = REQUESTS[name]
    response = requests.request(method, server.url + path, timeout=30, **kwargs)
    assert response.status_code == status
    assert ID.match(response.headers["X-Request-Id"])


def test_each_request_gets_its_own_id(server: Server) -> None:
    ids = {requests.get(server.endpoint, params=ASK, timeout=30).headers["X-Request-Id"]}
    ids |= {requests.get(server.endpoint, params=ASK, timeout=30).headers["X-Request-Id"]}
    assert len(ids) == 2


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/no/such/page"])
def test_a_client_id_that_is_a_safe_token_is_kept(server: Server, path: str) -> None:
    sent = f"client-{uuid.uuid4().hex}.1_a"
    response = requests.get(server.url + path, headers={"X-Request-Id": sent}, timeout=30)
    assert response.headers["X-Request-Id"] == sent


@pytest.mark.parametrize("sent", ["", "has space", "x" * 65, "semi;colon", "ünï"])
def test_an_unsafe_client_id_is_replaced(sent: str) -> None:
    chosen = requestid.choose(sent)
    assert chosen != sent and ID.match(chosen)


@pytest.mark.parametrize("sent", ["has space", "x" * 65, "a/b"])
def test_the_server_replaces_an_unsafe_client_id(server: Server, sent: str) -> None:
    response = requests.get(server.endpoint, params=ASK, headers={"X-Request-Id": sent}, timeout=30)
    assert response.headers["X-Request-Id"] != sent
    assert ID.match(response.headers["X-Request-Id"])


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/no/such/page"])
def test_the_access_log_line_ends_with_the_request_id(server: Server, path: str) -> None:
    sent = f"log-{uuid.uuid4().hex}"
    requests.get(server.url + path, headers={"X-Request-Id": sent}, timeout=30)
    line = wait_for_line(server.log, sent)
    assert line is not None and line.endswith(f"ms {sent}")
    assert f'"GET {path.split("?")[0]} HTTP/1.1"' in line


def test_log_records_written_during_a_request_carry_its_id() -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(requestid.RequestIdFilter())
    logger = logging.getLogger("kg.test-request-id")
    logger.addHandler(handler)
    try:
        found = requestid.begin({"HTTP_X_REQUEST_ID": "rec-42"})
        logger.error("inside")
    finally:
        logger.removeHandler(handler)
    assert found == "rec-42" and records[0].request_id == "rec-42"  # type: ignore[attr-defined]
