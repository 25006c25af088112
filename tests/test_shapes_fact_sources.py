"""Every fact in data/turtle/ names its source.

A node whose description says more than what it is called (its type, labels, notation,
definition, editorial notes, identity link) states facts, and must name a source
(``dct:source``) somewhere in the bundled data. Sources themselves are not facts of this kind
(documents and the web sites holding them describe themselves), nor are the annotations that
quote them, the editorial UPR links (``tp:Match``, ``tp:RepeatMatch``, whose method is
recorded) and the Data Cube structure the project defines. The SHACL shapes require a source
class by class; this check finds a fact node of any class, or of none, that has no source.
"""

from __future__ import annotations

import functools

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Namespace, URIRef
from test_shapes import bundled_data, ontology_graph

DCT = Namespace("http://purl.org/dc/terms/")
TP = Namespace("https://w3id.org/tpkg/ontology#")
NAMING = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.definition,
    SKOS.notation,
    SKOS.note,
    SKOS.editorialNote,
    OWL.sameAs,
    URIRef("https://schema.org/name"),
    DCT.title,
    URIRef("http://data.europa.eu/eli/ontology#title"),
}
NOT_FACTS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?n WHERE {
  VALUES ?kind { <https://w3id.org/tpkg/ontology#Document> <https://schema.org/WebSite>
    <http://www.w3.org/ns/oa#Annotation> <https://w3id.org/tpkg/ontology#Match>
    <https://w3id.org/tpkg/ontology#RepeatMatch>
    <http://purl.org/linked-data/cube#DataSet>
    <http://purl.org/linked-data/cube#DataStructureDefinition> }
  ?n a/rdfs:subClassOf* ?kind .
}"""


@functools.cache
def unsourced_facts() -> dict[URIRef, list[URIRef]]:
    """IRI nodes stating more than their names with no dct:source: node -> its fact predicates."""
    data = bundled_data()
    exempt = {row[0] for row in (data + ontology_graph()).query(NOT_FACTS)}
    found: dict[URIRef, list[URIRef]] = {}
    for node in set(data.subjects()):
        if isinstance(node, URIRef) and node not in exempt and (node, DCT.source, None) not in data:
            facts = sorted({p for p in data.predicates(node) if p not in NAMING})
            if facts:
                found[node] = facts
    return found


def test_the_check_sees_the_bundled_facts() -> None:
    graph: Graph = bundled_data()
    assert len(set(graph.subjects(DCT.source, None))) > 1000


def test_every_fact_node_names_its_source() -> None:
    assert unsourced_facts() == {}
