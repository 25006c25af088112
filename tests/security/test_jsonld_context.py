"""A JSON-LD payload naming a remote ``@context`` is refused before parsing, and nothing is
fetched: the canary, which the context names, receives no request."""

from __future__ import annotations

import pytest
import requests
from conftest import Canary, Server

DOCUMENTS = [
    '{{"@context": "{url}/ctx.jsonld", "@id": "http://e/a", "name": "x"}}',
    '{{"@context": [{{"ex": "http://e/"}}, "{url}/ctx.jsonld"], "@id": "ex:a"}}',
    '{{"@context": {{"@import": "{url}/ctx.jsonld"}}, "@id": "http://e/a"}}',
    '{{"@id": "http://e/a", "http://e/p": {{"@context": "{url}/ctx.jsonld", "@id": "http://e/b"}}}}',
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=["string", "list", "import", "nested"])
def test_a_remote_jsonld_context_is_refused_and_never_fetched(
    server: Server, canary: Canary, document: str
) -> None:
    response = requests.post(
        server.url + "/validate",
        data=document.format(url=canary.url).encode(),
        headers={"Content-Type": "application/ld+json", "Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 422, response.text
    assert "remote JSON-LD contexts are not fetched" in response.json()["error"]["message"]
    assert canary.hits == []
