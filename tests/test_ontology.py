"""The ontology parses, documents every tp: term, and the data uses only known terms."""

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.namespaces import PREFIXES as NAMESPACES

ROOT = Path(__file__).parents[1]
ONTOLOGY_FILES = sorted((ROOT / "ontology").rglob("*.ttl"))
DATA_FILES = sorted((ROOT / "data" / "turtle").rglob("*.ttl"))
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
TP = Namespace("https://w3id.org/tpkg/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/tpkg/ontology")
WIKIDATA = "http://www.wikidata.org/entity/Q"

# Reused vocabularies and the terms of each that the data may use. A term outside these lists
# (e.g. a typo such as dct:tittle) fails the test; add a term here only after checking that the
# vocabulary defines it.
KNOWN_TERMS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": {
        "type",
        "Statement",
        "subject",
        "predicate",
        "object",
    },
    "http://www.w3.org/2000/01/rdf-schema#": {"label", "comment", "isDefinedBy", "seeAlso"},
    "http://www.w3.org/2002/07/owl#": {"sameAs"},
    "http://purl.org/dc/terms/": {
        "coverage",
        "creator",
        "date",
        "description",
        "hasPart",
        "identifier",
        "isPartOf",
        "issued",
        "language",
        "license",
        "publisher",
        "references",
        "rights",
        "source",
        "spatial",
        "subject",
        "title",
        "relation",
    },
    "http://www.w3.org/2004/02/skos/core#": {
        "Concept",
        "ConceptScheme",
        "altLabel",
        "broadMatch",
        "broader",
        "closeMatch",
        "definition",
        "editorialNote",
        "exactMatch",
        "hasTopConcept",
        "hiddenLabel",
        "inScheme",
        "narrower",
        "notation",
        "note",
        "prefLabel",
        "related",
        "relatedMatch",
        "topConceptOf",
    },
    "https://schema.org/": {
        "Country",
        "Event",
        "MonetaryAmount",
        "Project",
        "WebSite",
        "about",
        "amount",
        "currency",
        "exampleOfWork",
        "funder",
        "isPartOf",
        "location",
        "name",
        "organizer",
        "position",
        "publisher",
        "startDate",
        "subEvent",
        "superEvent",
        "text",
        "url",
        "value",
        "workExample",
    },
    "http://www.w3.org/ns/prov#": {
        "Activity",
        "Agent",
        "Entity",
        "wasAttributedTo",
        "wasDerivedFrom",
        "wasGeneratedBy",
    },
    "http://www.w3.org/ns/org#": {
        "FormalOrganization",
        "Membership",
        "Organization",
        "OrganizationalCollaboration",
        "classification",
        "member",
        "organization",
        "subOrganizationOf",
    },
    "http://data.europa.eu/eli/ontology#": {
        "LegalResource",
        "LegalResourceSubdivision",
        "amends",
        "date_document",
        "first_date_entry_in_force",
        "is_part_of",
        "jurisdiction",
        "number",
        "title",
    },
    "http://purl.org/linked-data/cube#": {
        "DataSet",
        "DataStructureDefinition",
        "Observation",
        "attribute",
        "component",
        "componentRequired",
        "dataSet",
        "dimension",
        "measure",
        "order",
        "structure",
    },
    "http://www.w3.org/ns/oa#": {
        "Annotation",
        "SpecificResource",
        "TextQuoteSelector",
        "exact",
        "hasBody",
        "hasSelector",
        "hasSource",
        "hasTarget",
        "motivatedBy",
    },
    "http://www.w3.org/2006/time#": {
        "Instant",
        "Interval",
        "hasBeginning",
        "hasEnd",
        "inXSDDate",
        "inXSDgYear",
        "inXSDgYearMonth",
    },
}
# Literals made of digits are strings only for these properties (codes and labels, not numbers).
DIGIT_STRING_PROPERTIES = {
    URIRef("http://data.europa.eu/eli/ontology#number"),
    URIRef("https://schema.org/position"),
    SKOS.notation,
    TP.paragraphNumber,
}
NUMERIC_TYPES = {XSD.integer, XSD.decimal, XSD.gYear, XSD.nonNegativeInteger}


def load(paths: list[Path]) -> Graph:
    assert paths, "no Turtle files found"
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load(ONTOLOGY_FILES)


@pytest.fixture(scope="module")
def data() -> Graph:
    return load(DATA_FILES)


def split_iri(iri: str) -> tuple[str, str]:
    """Split an IRI into namespace and local name at the last '#' or '/'.

    >>> split_iri("http://purl.org/dc/terms/title")
    ('http://purl.org/dc/terms/', 'title')
    """
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    return iri[:cut], iri[cut:]


def tp_terms(graph: Graph) -> set[URIRef]:
    nodes = {n for triple in graph for n in triple if isinstance(n, URIRef)}
    return {n for n in nodes if str(n).startswith(str(TP))}


def query_tp_terms() -> set[URIRef]:
    assert QUERY_FILES, "no queries/*.rq found"
    names = {m for q in QUERY_FILES for m in re.findall(r"\btp:(\w+)", q.read_text("utf-8"))}
    return {TP[name] for name in names}


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_ontology_file_parses(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionIRI, OWL.versionInfo, URIRef("http://purl.org/dc/terms/license")):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop


def test_every_used_tp_term_is_documented(ontology: Graph, data: Graph) -> None:
    used = tp_terms(ontology) | tp_terms(data) | query_tp_terms()
    assert used
    undocumented = sorted(
        str(term)
        for term in used
        if not all(
            ontology.value(term, prop) is not None
            for prop in (RDFS.label, RDFS.comment, RDFS.isDefinedBy)
        )
    )
    assert undocumented == []


def test_tp_terms_are_defined_by_the_ontology(ontology: Graph) -> None:
    for term in tp_terms(ontology):
        assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI, term


def test_data_uses_only_known_terms(ontology: Graph, data: Graph) -> None:
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    unknown = []
    for term in used:
        namespace, local = split_iri(str(term))
        if namespace == str(TP):
            if (term, RDFS.label, None) not in ontology:
                unknown.append(str(term))
        elif local not in KNOWN_TERMS.get(namespace, set()):
            unknown.append(str(term))
    assert sorted(unknown) == []


def test_numbers_are_typed(data: Graph) -> None:
    untyped = [
        (str(s), str(p), str(o))
        for s, p, o in data
        if isinstance(o, Literal)
        and o.datatype is None
        and re.fullmatch(r"[0-9]+", str(o))
        and p not in DIGIT_STRING_PROPERTIES
    ]
    assert untyped == []


def test_case_counts_are_integers(data: Graph) -> None:
    counts = list(data.objects(None, TP.caseCount))
    assert counts
    assert {c.datatype for c in counts} == {XSD.integer}


def test_years_are_years(data: Graph) -> None:
    # Match scores and thresholds (tp:matchScore, tp:matchThreshold) are the one kind of
    # number with a fraction.
    years = [
        o
        for _, p, o in data
        if isinstance(o, Literal)
        and o.datatype in NUMERIC_TYPES
        and p not in (TP.matchScore, TP.matchThreshold)
    ]
    assert years
    assert all(re.fullmatch(r"-?[0-9]+", str(y)) for y in years)


def states(data: Graph) -> list[URIRef]:
    found = sorted(data.subjects(RDF.type, TP.State))
    assert found, "no tp:State in the data"
    return found


@pytest.mark.parametrize("key", ["KAZ", "KGZ", "TJK"])
def test_state_has_alpha3_notation(data: Graph, key: str) -> None:
    state = URIRef(f"https://w3id.org/tpkg/id/state/{key}")
    assert state in states(data)
    notations = {str(n) for n in data.objects(state, SKOS.notation)}
    assert key in notations


def test_every_state_has_alpha3_and_its_wikidata_links_are_entities(data: Graph) -> None:
    # Wikidata items are known from the domain brief for KAZ, KGZ and TJK only; the other
    # States (from the ratification tables and the OSCE list) have none yet (a shape warning).
    with_wikidata = set()
    for state in states(data):
        key = split_iri(str(state))[1]
        notations = {str(n) for n in data.objects(state, SKOS.notation)}
        assert re.fullmatch(r"[A-Z]{3}", key) and key in notations, state
        same = [str(o) for o in data.objects(state, OWL.sameAs)]
        assert all(re.fullmatch(re.escape(WIKIDATA) + r"[0-9]+", s) for s in same), state
        if same:
            with_wikidata.add(key)
    assert {"KAZ", "KGZ", "TJK"} <= with_wikidata


def test_un_documents_carry_symbols(ontology: Graph, data: Graph) -> None:
    classes = {TP.UNDocument} | set(ontology.transitive_subjects(RDFS.subClassOf, TP.UNDocument))
    docs = {d for c in classes for d in data.subjects(RDF.type, c)}
    assert docs
    dct_identifier = URIRef("http://purl.org/dc/terms/identifier")
    title = URIRef("http://purl.org/dc/terms/title")
    for doc in docs:
        assert data.value(doc, dct_identifier) or data.value(doc, title), doc


def test_every_source_is_a_named_document(data: Graph) -> None:
    dct = Namespace("http://purl.org/dc/terms/")
    sources = set(data.objects(None, dct.source))
    assert sources
    for source in sources:
        assert any(
            data.value(source, p) is not None
            for p in (dct.identifier, URIRef("https://schema.org/url"), dct.title)
        ), source


#: The prefixes data/turtle/README.md writes reused terms with, for the vocabularies above.
PREFIXES = {
    name: NAMESPACES[name]
    for name in ("rdf", "rdfs", "owl", "dct", "skos", "schema", "prov", "org", "eli", "qb")
    + ("oa", "time")
}
DATA_README = ROOT / "data" / "turtle" / "README.md"


def readme_documented_terms() -> set[URIRef]:
    """The reused terms named in the first cell of the README's table of other vocabularies."""
    text = DATA_README.read_text(encoding="utf-8")
    section = text.split("## Terms from other vocabularies", 1)[1].split("\n## ", 1)[0]
    cells = [row.split("|")[1] for row in section.splitlines() if row.startswith("| `")]
    names = {n for cell in cells for n in re.findall(r"`(\w+):(\w+)`", cell)}
    return {URIRef(PREFIXES[prefix] + local) for prefix, local in names if prefix in PREFIXES}


def test_every_reused_term_the_data_uses_is_documented_in_the_data_readme(data: Graph) -> None:
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    reused = {t for t in used if not str(t).startswith(str(TP))}
    assert reused
    assert sorted(str(t) for t in reused - readme_documented_terms()) == []
