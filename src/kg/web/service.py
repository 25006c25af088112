"""The SPARQL 1.1 Service Description of this endpoint."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS
from werkzeug.datastructures import MIMEAccept

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

_RDFLIB_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "rdfxml": "xml",
}


def wants_html(accept: MIMEAccept) -> bool:
    """True when the client (a browser) prefers HTML to any RDF format."""
    html = accept["text/html"]
    rdf = max(accept[m] for m in ("text/turtle", "application/rdf+xml", "application/ld+json"))
    return html > 0 and html > rdf and accept.best != "*/*"


def describe_service(endpoint: str, fmt: str, allow_update: bool) -> bytes:
    """The service description of ``endpoint`` serialized as ``fmt``."""
    g = Graph()
    g.bind("sd", SD)
    service = BNode("service")
    node = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, node))
    g.add((service, RDFS.label, Literal("Torture Prevention Knowledge Graph SPARQL endpoint")))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if allow_update:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for result in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV"):
        g.add((service, SD.resultFormat, FORMATS[result]))
    for result in ("SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.add((service, SD.resultFormat, FORMATS[result]))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    dataset = BNode("dataset")
    default = BNode("defaultGraph")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    return g.serialize(format=_RDFLIB_FORMATS[fmt], encoding="utf-8")
