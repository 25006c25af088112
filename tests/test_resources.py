"""Resource IRIs dereference: /id/... answers as HTML for browsers and as RDF for clients."""

from __future__ import annotations

import pytest
import rdflib
import requests
from bs4 import BeautifulSoup
from conftest import ROOT, Server
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDFS, SH

KAZ = rdflib.URIRef("https://w3id.org/tpkg/id/state/KAZ")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def fetch(server: Server, path: str, **kwargs: object) -> requests.Response:
    return requests.get(server.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def statements_via_sparql(server: Server) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ <{KAZ}> ?p ?o }} UNION {{ ?s ?q <{KAZ}> }} }}"
    answer = requests.get(server.endpoint, params={"query": query}, timeout=30).json()
    return int(answer["results"]["bindings"][0]["n"]["value"])


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("media_type", RDF_TYPES)
def test_a_state_dereferences_to_its_statements(server: Server, media_type: str) -> None:
    response = fetch(server, "/id/state/KAZ", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    graph = rdflib.Graph().parse(data=response.text, format=RDF_TYPES[media_type])
    assert len(graph) == statements_via_sparql(server)
    assert (KAZ, OWL.sameAs, rdflib.URIRef("http://www.wikidata.org/entity/Q232")) in graph


def test_a_browser_gets_a_page_with_every_statement(server: Server) -> None:
    response = fetch(server, "/id/state/KAZ", headers={"Accept": BROWSER})
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Kazakhstan" in response.text and "http://www.wikidata.org/entity/Q232" in response.text
    shown = BeautifulSoup(response.text, "html.parser").select(".st")
    assert len(shown) == statements_via_sparql(server)


def test_local_iris_on_the_page_link_to_this_server(server: Server) -> None:
    page = fetch(server, "/id/state/KAZ", headers={"Accept": BROWSER}).text
    assert 'href="/id/recommendation/' in page


def test_the_format_parameter_beats_a_browser_accept(server: Server) -> None:
    response = fetch(server, "/id/state/KAZ?format=turtle", headers={"Accept": BROWSER})
    assert response.headers["Content-Type"].startswith("text/turtle")


@pytest.mark.parametrize("path", ["/id/state/NOWHERE", "/id/nothing/at/all"])
def test_an_unknown_resource_is_a_json_404(server: Server, path: str) -> None:
    response = fetch(server, path)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


ONTOLOGY_FILE = ROOT / "ontology" / "tpkg.ttl"
TP = "https://w3id.org/tpkg/ontology#"
TPS = "https://w3id.org/tpkg/shapes#"


def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "shapes").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_the_ontology_page_documents_every_term(server: Server) -> None:
    graph = rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle")
    terms = {str(s) for s in graph.subjects() if str(s).startswith(TP)}
    soup = BeautifulSoup(
        fetch(server, "/ontology", headers={"Accept": BROWSER}).text, "html.parser"
    )
    sections = {s["id"]: s.get_text(" ") for s in soup.select("section.term")}
    assert terms and set(sections) == {t[len(TP) :] for t in terms}
    for term in terms:
        assert str(graph.value(rdflib.URIRef(term), RDFS.label)) in sections[term[len(TP) :]]


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("media_type", RDF_TYPES)
def test_the_ontology_is_rdf_by_accept(server: Server, media_type: str) -> None:
    response = fetch(server, "/ontology", headers={"Accept": media_type})
    assert response.headers["Content-Type"].startswith(media_type)
    served = rdflib.Graph().parse(data=response.text, format=RDF_TYPES[media_type])
    assert isomorphic(served, rdflib.Graph().parse(ONTOLOGY_FILE, format="turtle"))


def test_the_shapes_page_shows_each_shape_with_its_message(server: Server) -> None:
    graph = shapes_graph()
    soup = BeautifulSoup(fetch(server, "/shapes", headers={"Accept": BROWSER}).text, "html.parser")
    shapes = {str(s) for s in graph.subjects(SH.message, None) if str(s).startswith(TPS)}
    assert shapes
    for shape in shapes:
        section = " ".join(soup.select_one(f"section[id='{shape[len(TPS) :]}']").get_text().split())
        assert " ".join(str(graph.value(rdflib.URIRef(shape), SH.message)).split()) in section


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("media_type", ["text/turtle", "application/ld+json"])
def test_the_shapes_are_rdf_by_accept(server: Server, media_type: str) -> None:
    response = fetch(server, "/shapes", headers={"Accept": media_type})
    served = rdflib.Graph().parse(data=response.text, format=RDF_TYPES[media_type])
    named = {t for t in shapes_graph() if not any(isinstance(n, rdflib.BNode) for n in t)}
    assert len(served) == len(shapes_graph()) and named <= set(served)
