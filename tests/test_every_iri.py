"""Every IRI the bundled graph has as a subject under the base answers 200 as HTML, Turtle
and JSON-LD, and each answer is about that IRI.

Resources (``<base>id/...``) and named graphs (``<base>graph/...``) answer at their own path;
the ontology's and the shapes' terms (``<base>ontology#X``, ``<base>shapes#X``) at their
document, whose page has an element with the fragment as id and whose RDF holds the term.
The walk runs on a server of its own: no row cap cuts the list, no client budget stops the
walk, and pages skip the shape checks (they are tested in test_resource_pages.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from html import escape

import pyoxigraph
import pytest
import requests
from bs4 import BeautifulSoup
from conftest import Server, ServerFactory

BASE = "https://w3id.org/tpkg/"
HTML, TURTLE, JSONLD = "text/html", "text/turtle", "application/ld+json"
WALK_ENV = {
    "KG_ROW_LIMIT": "100000",
    "KG_BUDGET_SECONDS": "0",
    "KG_BUDGET_CONCURRENCY": "0",
    "KG_PAGE_CHECK_SECONDS": "0",
    "KG_QUERY_TIMEOUT": "20",
}
#: Requests in flight at once: the server's query workers (2) and one more being answered.
THREADS = 3
DOCUMENTS = ("ontology", "shapes")


@pytest.fixture(scope="module")
def walk_server(server_factory: ServerFactory) -> Server:
    return server_factory(**WALK_ENV)


@pytest.fixture(scope="module")
def subjects(walk_server: Server) -> list[str]:
    query = f'SELECT DISTINCT ?s {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}")) }}'
    answer = requests.get(walk_server.endpoint, params={"query": query}, timeout=60)
    found = [b["s"]["value"] for b in answer.json()["results"]["bindings"]]
    assert answer.headers["X-Result-Truncated"] == "false" and len(found) > 3000
    return found


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as client:
        client.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=THREADS))
        yield client


def document_of(iri: str) -> str | None:
    """``ontology`` or ``shapes`` for a term named in that document, else None."""
    rest = iri[len(BASE) :]
    return next((d for d in DOCUMENTS if rest == d or rest.startswith(d + "#")), None)


def ids(body: bytes) -> set[str]:
    """The element ids of a page."""
    return {str(e["id"]) for e in BeautifulSoup(body, "html.parser").select("[id]")}


def about(iri: str, media_type: str, body: bytes) -> bool:
    """True when ``body`` (a page or RDF in ``media_type``) is about ``iri``: a page shows
    it as its IRI, RDF has it as a subject."""
    if media_type == HTML:
        return f"<code>{escape(iri)}</code>".encode() in body and b"<h1>" in body
    if media_type == JSONLD:
        nodes = json.loads(body)
        return any(n.get("@id") == iri for n in (nodes if isinstance(nodes, list) else [nodes]))
    quads = pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.TURTLE)
    return any(q.subject == pyoxigraph.NamedNode(iri) for q in quads)


def fetch(session: requests.Session, url: str, media_type: str) -> tuple[int, str, bytes]:
    response = session.get(url, headers={"Accept": media_type}, timeout=30)
    return response.status_code, response.headers.get("Content-Type", ""), response.content


def problems(server: Server, session: requests.Session, iris: list[str], media_type: str) -> list:
    """The IRIs whose answer is not a 200 of ``media_type`` about them."""
    url: Callable[[str], str] = lambda iri: server.url + "/" + iri[len(BASE) :].partition("#")[0]  # noqa: E731
    get = partial(fetch, session, media_type=media_type)
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(get, map(url, iris)))
    return [
        (iri, status, kind)
        for iri, (status, kind, body) in zip(iris, answers, strict=True)
        if status != 200 or not kind.startswith(media_type) or not about(iri, media_type, body)
    ]


@pytest.mark.parametrize("media_type", [HTML, TURTLE, JSONLD])
def test_every_resource_and_graph_iri_answers(
    walk_server: Server, session: requests.Session, subjects: list[str], media_type: str
) -> None:
    iris = [iri for iri in subjects if document_of(iri) is None]
    started = time.monotonic()
    assert problems(walk_server, session, iris, media_type) == []
    print(f"{len(iris)} IRIs as {media_type} in {time.monotonic() - started:.1f} s")


@pytest.mark.parametrize("media_type", [HTML, TURTLE, JSONLD])
def test_every_ontology_and_shape_term_resolves_to_its_document(
    walk_server: Server, session: requests.Session, subjects: list[str], media_type: str
) -> None:
    terms = [iri for iri in subjects if document_of(iri)]
    for document in DOCUMENTS:
        status, kind, body = fetch(session, walk_server.url + "/" + document, media_type)
        assert (status, kind.split(";")[0]) == (200, media_type)
        named = [t for t in terms if document_of(t) == document]
        if media_type == HTML:
            fragments = {t.partition("#")[2] for t in named} - {""}
            assert named and fragments <= ids(body)
        else:
            assert named and all(about(t, media_type, body) for t in named)
