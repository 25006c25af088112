"""What the ``/ontology`` and ``/shapes`` pages show, read from the parsed graphs.

Plain data for the templates: the ontology's classes and properties (label, prefixed name,
definition, domain, range, super-classes), and the shapes (target, severity, message,
comment, and their property shapes). No web framework here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from kg.web.labels import curie

_TARGETS = (
    (SH.targetClass, "instances of"),
    (SH.targetNode, "the node"),
    (SH.targetSubjectsOf, "subjects of"),
    (SH.targetObjectsOf, "objects of"),
)
_CONSTRAINTS = (
    "minCount maxCount class datatype nodeKind pattern in hasValue node minInclusive "
    "maxInclusive qualifiedMinCount qualifiedMaxCount"
).split()


@dataclass(frozen=True)
class Ref:
    """A link to a term: the text to show and where it goes."""

    text: str
    href: str


@dataclass
class Term:
    """One class or property of the ontology."""

    anchor: str
    iri: str
    label: str
    name: str
    comment: str
    kinds: list[Ref] = field(default_factory=list)
    parents: list[Ref] = field(default_factory=list)
    domain: list[Ref] = field(default_factory=list)
    range: list[Ref] = field(default_factory=list)


@dataclass
class PropertyShape:
    """A property shape: its path, constraints, severity and message."""

    path: str
    constraints: list[str]
    severity: str
    message: str


@dataclass
class Shape:
    """A node shape: targets, severity, message, comment and its property shapes."""

    anchor: str
    iri: str
    name: str
    targets: list[tuple[str, Ref]]
    severity: str
    message: str
    comment: str
    properties: list[PropertyShape]


def _text(graph: Graph, node: Node, *props: URIRef) -> str:
    for prop in props:
        values = sorted(graph.objects(node, prop), key=lambda v: getattr(v, "language", "") != "en")
        if values:
            return str(values[0])
    return ""


def ref(node: Node, graph: Graph, base: str) -> Ref:
    """A link to ``node``: a term of the ontology by fragment, a resource by its page."""
    value = str(node)
    label = _text(graph, node, RDFS.label, SKOS.prefLabel)
    text = label or curie(value) or value
    if value.startswith(base + "ontology#"):
        return Ref(text, "/ontology#" + value.split("#", 1)[1])
    if value.startswith(base + "shapes#"):
        return Ref(text, "/shapes#" + value.split("#", 1)[1])
    if value.startswith(base + "id/"):
        return Ref(text, "/" + value[len(base) :])
    return Ref(text, value)


def _refs(graph: Graph, node: Node, prop: URIRef, base: str) -> list[Ref]:
    return [ref(o, graph, base) for o in sorted(graph.objects(node, prop), key=str)]


def _term(graph: Graph, node: URIRef, base: str) -> Term:
    return Term(
        anchor=str(node).split("#", 1)[1],
        iri=str(node),
        label=_text(graph, node, RDFS.label, SKOS.prefLabel) or str(node),
        name=curie(str(node)) or str(node),
        comment=_text(graph, node, SKOS.definition, RDFS.comment),
        kinds=_refs(graph, node, RDF.type, base),
        parents=_refs(graph, node, RDFS.subClassOf, base)
        + _refs(graph, node, RDFS.subPropertyOf, base),
        domain=_refs(graph, node, RDFS.domain, base),
        range=_refs(graph, node, RDFS.range, base),
    )


def ontology_view(graph: Graph, base: str) -> dict[str, object]:
    """The ontology's header, classes and properties (terms in ``<base>ontology#``)."""
    document = URIRef(base + "ontology")
    terms = [
        _term(graph, s, base)
        for s in set(graph.subjects())
        if isinstance(s, URIRef) and str(s).startswith(base + "ontology#")
    ]
    terms.sort(key=lambda t: t.label.lower())
    classes = [t for t in terms if any(k.href.endswith("owl#Class") for k in t.kinds)]
    return {
        "iri": str(document),
        "title": _text(graph, document, DCTERMS.title, RDFS.label) or "Ontology",
        "description": _text(graph, document, DCTERMS.description, RDFS.comment),
        "version": _text(graph, document, OWL.versionInfo),
        "license": _text(graph, document, DCTERMS.license),
        "namespace": base + "ontology#",
        "classes": classes,
        "properties": [t for t in terms if t not in classes],
    }


def path_text(graph: Graph, path: Node | None) -> str:
    """A SHACL path as SPARQL-like text with prefixed names (``^tp:state``, ``a/b``)."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return curie(str(path)) or f"<{path}>"
    if (path, RDF.first, None) in graph:
        return "/".join(path_text(graph, p) for p in Collection(graph, path))
    for prop, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*")):
        inner = graph.value(path, prop)
        if inner is not None:
            return template.format(path_text(graph, inner))
    inner = graph.value(path, SH.alternativePath)
    if isinstance(inner, BNode):
        return "|".join(path_text(graph, p) for p in Collection(graph, inner))
    return "(a complex path)"


def _value_text(graph: Graph, value: Node) -> str:
    if isinstance(value, URIRef):
        return curie(str(value)) or str(value)
    if isinstance(value, BNode) and (value, RDF.first, None) in graph:
        return "(" + " ".join(_value_text(graph, v) for v in Collection(graph, value)) + ")"
    return "(a nested shape)" if isinstance(value, BNode) else str(value)


def _severity(graph: Graph, node: Node) -> str:
    found = graph.value(node, SH.severity)
    return str(found).rsplit("#", 1)[-1] if found is not None else "Violation"


def _property(graph: Graph, node: Node, default: str) -> PropertyShape:
    constraints = [
        f"{name} {_value_text(graph, value)}"
        for name in _CONSTRAINTS
        for value in graph.objects(node, SH[name])
    ]
    severity = _severity(graph, node) if graph.value(node, SH.severity) else default
    message = _text(graph, node, SH.message)
    return PropertyShape(
        path_text(graph, graph.value(node, SH.path)), constraints, severity, message
    )


def _shape(graph: Graph, node: URIRef, base: str) -> Shape:
    severity = _severity(graph, node)
    targets = [
        (words, Ref(_value_text(graph, o), ref(o, graph, base).href))
        for p, words in _TARGETS
        for o in graph.objects(node, p)
    ]
    parts = list(graph.objects(node, SH.property))
    if (node, RDF.type, SH.PropertyShape) in graph:
        parts.append(node)  # a named property shape: its own check is its one row
    properties = sorted((_property(graph, p, severity) for p in parts), key=lambda p: p.path)
    local = str(node).rsplit("#", 1)[-1]
    own = str(node).startswith(base + "shapes#")
    return Shape(
        anchor=local,
        iri=str(node),
        name=f"tps:{local}" if own else curie(str(node)) or str(node),
        targets=targets,
        severity=severity,
        message=_text(graph, node, SH.message),
        comment=_text(graph, node, RDFS.comment),
        properties=properties,
    )


def shapes_view(graph: Graph, base: str) -> list[Shape]:
    """Every named shape (those in ``<base>shapes#``, prefix ``tps:``, and any other named
    node shape) by name, with its property shapes."""
    nodes = {s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    for prop, _ in _TARGETS:
        nodes |= {s for s in graph.subjects(prop, None) if isinstance(s, URIRef)}
    nodes |= {
        s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(base + "shapes#")
    }
    return [_shape(graph, node, base) for node in sorted(nodes)]
