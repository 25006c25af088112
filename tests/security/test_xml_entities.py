"""An RDF/XML payload that declares entities (external ``file:`` or ``http:`` ones, or an
expansion bomb) is refused before parsing: no file is read into the answer, nothing fetched."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from conftest import Canary, Server

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/"'
SECRET = "kg-secret-marker-7f3a"
DOCUMENTS = {
    "file": '<!ENTITY x SYSTEM "file://{secret}">',
    "http": '<!ENTITY x SYSTEM "{url}/entity">',
    "parameter": '<!ENTITY % p SYSTEM "{url}/dtd"> %p; <!ENTITY x "y">',
    "bomb": '<!ENTITY a "{marker}{marker}"><!ENTITY x "&a;&a;&a;&a;&a;&a;&a;&a;">',
}


def document(declarations: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{declarations}]>\n<rdf:RDF {RDF}>'
        '<rdf:Description rdf:about="http://e/a"><e:p>&x;</e:p></rdf:Description></rdf:RDF>'
    ).encode()


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_xml_entities_are_refused_and_never_resolved(
    server: Server, canary: Canary, tmp_path: Path, kind: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    declarations = DOCUMENTS[kind].format(secret=secret, url=canary.url, marker=SECRET)
    response = requests.post(
        server.url + "/validate",
        data=document(declarations),
        headers={"Content-Type": "application/rdf+xml", "Accept": "application/json"},
        timeout=60,
    )
    assert response.status_code == 422, response.text
    assert "DOCTYPE or ENTITY declaration is refused" in response.json()["error"]["message"]
    assert SECRET not in response.text and canary.hits == []
