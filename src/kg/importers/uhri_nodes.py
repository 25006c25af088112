"""The shared nodes of a UHRI import: the index as source, the recommending bodies and the
concepts minted from the labels of an export (see :mod:`kg.importers.uhri`)."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.importers.upr import slug
from kg.namespaces import TP, resource_iri

DCT = Namespace("http://purl.org/dc/terms/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
TPNS = Namespace(TP)

SOURCE_KEY = "uhri"
#: Recommending bodies the graph already has a node for, by the names an export may use.
KNOWN_BODIES = {
    "cat": "CAT",
    "committee against torture": "CAT",
    "ccpr": "CCPR",
    "human rights committee": "CCPR",
    "spt": "SPT",
    "subcommittee on prevention of torture": "SPT",
}


def add_body(graph: Graph, name: str, source: URIRef, base: str) -> URIRef:
    """The node of a recommending body: a known treaty body's, or one minted from its name."""
    known = KNOWN_BODIES.get(name.lower())
    if known is not None:
        return URIRef(resource_iri("organization", known, base))
    body = URIRef(resource_iri("organization", "uhri-body-" + slug(name), base))
    graph.add((body, RDF.type, ORG.Organization))
    graph.add((body, RDFS.label, Literal(name, lang="en")))
    graph.add((body, DCT.source, source))
    return body


def add_concept(
    graph: Graph, label: str, kind: str, scheme: str, source: URIRef, base: str
) -> URIRef:
    """The concept of ``label`` in ``scheme`` (IRI ``<kind>/<slug of label>``), added."""
    concept = URIRef(resource_iri(kind, slug(label), base))
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
    graph.add((concept, SKOS.inScheme, URIRef(resource_iri("scheme", scheme, base))))
    graph.add((concept, DCT.source, source))
    return concept


def new_graph(base: str) -> Graph:
    """An empty graph with the prefixes of a UHRI import."""
    graph = Graph()
    for prefix, iri in (("tp", TP), ("dct", DCT), ("prov", PROV), ("schema", SCHEMA)):
        graph.bind(prefix, iri)
    graph.bind("skos", SKOS)
    graph.bind("org", ORG)
    for prefix, kind in (
        ("st", "state"),
        ("doc", "document"),
        ("dp", "document-part"),
        ("rec", "recommendation"),
        ("ag", "organization"),
        ("uhritheme", "uhri-theme"),
        ("uhrisdg", "uhri-sdg"),
        ("uhripersons", "uhri-affected-persons"),
        ("uhriregion", "uhri-region"),
    ):
        graph.bind(prefix, resource_iri(kind, "", base))
    return graph


def add_source(graph: Graph, base: str) -> URIRef:
    """Add the index (``document/uhri``) and its publisher; return the index."""
    source = URIRef(resource_iri("document", SOURCE_KEY, base))
    publisher = URIRef(resource_iri("organization", "OHCHR", base))
    graph.add((source, RDF.type, TPNS.Document))
    graph.add((source, RDFS.label, Literal("OHCHR Universal Human Rights Index", lang="en")))
    graph.add((source, DCT.title, Literal("Universal Human Rights Index", lang="en")))
    graph.add((source, DCT.publisher, publisher))
    graph.add((source, SCHEMA.url, URIRef("https://uhri.ohchr.org/")))
    name = "Office of the United Nations High Commissioner for Human Rights"
    graph.add((publisher, RDF.type, ORG.FormalOrganization))
    graph.add((publisher, RDFS.label, Literal(name, lang="en")))
    graph.add((publisher, SKOS.altLabel, Literal("OHCHR")))
    graph.add((publisher, ORG.subOrganizationOf, URIRef(resource_iri("organization", "UN", base))))
    return source
