"""Safe intake of contributed RDF: size and triple caps, no remote contexts, no XML entities.

Every payload is parsed with an explicit base IRI, must hold triples only (no named graphs,
no triple terms), may not change the schema, and gets stable names for its blank nodes: the
same bytes always give the same triples, so a retried submission does not duplicate data.

>>> p = read_payload(b'<http://e/a> <http://e/p> [ <http://e/q> "v" ] .', "turtle",
...                  max_bytes=1000, max_triples=10)
>>> p.triples[0][2].value == contribution_base(p.contribution_id) + "bnode/0"
True
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from kg.errors import (
    InputError,
    PayloadTooLarge,
    SchemaChangeRefused,
    UnsafeInput,
    UnsupportedMediaType,
)
from kg.formats import DATASET, GRAPH, lookup
from kg.namespaces import DEFAULT_BASE, PREFIXES, TP
from kg.results import Term
from kg.store.terms import parse_terms

Triple = tuple[Term, Term, Term]

#: Format keys a payload may use (triples only).
ACCEPTED = ("turtle", "ntriples", "jsonld", "rdfxml")

_RDFS, _OWL, _SH = PREFIXES["rdfs"], PREFIXES["owl"], PREFIXES["sh"]
_RDF_TYPE = PREFIXES["rdf"] + "type"
_SCHEMA_PREDICATES = {_RDFS + n for n in ("subClassOf", "subPropertyOf", "domain", "range")}
_SCHEMA_CLASSES = {_RDFS + "Class", _RDFS + "Datatype", PREFIXES["rdf"] + "Property"}
#: owl: terms that link data rather than define the schema (Wikidata links use owl:sameAs).
_OWL_ALLOWED = {_OWL + "sameAs"}
_XML_DECL = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class Payload:
    """A parsed, checked payload: its triples, SHA-256, format and the base IRI its
    relative IRIs resolved against."""

    triples: list[Triple]
    sha256: str
    fmt: str
    base: str = ""

    @property
    def contribution_id(self) -> str:
        """The id a contribution of exactly these bytes gets (a prefix of the hash)."""
        return self.sha256[:20]

    @property
    def blank_prefix(self) -> str:
        """The prefix of the names its blank nodes got (see :func:`read_payload`)."""
        return self.base + "bnode/"

    @property
    def subjects(self) -> list[str]:
        """The IRIs the payload describes (its own subjects), in first-seen order."""
        return list(dict.fromkeys(s.value for s, _, _ in self.triples))


def contribution_base(contribution_id: str, base: str = DEFAULT_BASE) -> str:
    """The base IRI relative IRIs of a payload resolve against."""
    return f"{base}id/contribution/{contribution_id}/"


def media_format(content_type: str | None) -> str:
    """The format key of a request body's Content-Type.

    :raises UnsupportedMediaType: for quads formats and anything not RDF triples.
    """
    name = (content_type or "").split(";")[0].strip().lower()
    if lookup(name, DATASET) is not None:
        raise UnsupportedMediaType(
            f"{name} carries named graphs; send triples only (Turtle, N-Triples, JSON-LD "
            "or RDF/XML): each contribution becomes its own named graph"
        )
    found = lookup(name, GRAPH) if name not in ("", "text/plain", "application/json") else None
    if name == "application/json":
        found = lookup("jsonld", GRAPH)
    if found is None or found.key not in ACCEPTED:
        raise UnsupportedMediaType(
            f"unsupported Content-Type {name or '(none)'!r}: use text/turtle, "
            "application/n-triples, application/ld+json or application/rdf+xml"
        )
    return found.key


def read_payload(
    data: bytes, fmt: str, *, max_bytes: int, max_triples: int, base: str = DEFAULT_BASE
) -> Payload:
    """Check and parse ``data`` (format key ``fmt``) into a :class:`Payload`.

    :raises PayloadTooLarge: over ``max_bytes`` bytes or ``max_triples`` triples.
    :raises UnsafeInput: remote JSON-LD contexts, XML DOCTYPE/ENTITY, named graphs,
        triple terms, or a payload with no triples.
    :raises SchemaChangeRefused: triples that would change the ontology or the shapes.
    :raises InputError: when the data does not parse.
    """
    if fmt not in ACCEPTED:
        raise UnsupportedMediaType(f"format {fmt} is not accepted: use {', '.join(ACCEPTED)}")
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the payload has {len(data)} bytes; at most {max_bytes} accepted")
    if fmt == "jsonld":
        _check_jsonld(data)
    elif fmt == "rdfxml":
        _check_xml(data)
    sha = hashlib.sha256(data).hexdigest()
    prefix = contribution_base(sha[:20], base)
    labels: dict[str, Term] = {}
    triples: list[Triple] = []
    for s, p, o, graph in parse_terms(data, fmt, prefix):
        if graph is not None:
            raise UnsafeInput("the payload names a graph; contributions are triples only")
        if len(triples) == max_triples:
            raise PayloadTooLarge(f"the payload has more than {max_triples} triples")
        triple = (_skolem(s, labels, prefix), p, _skolem(o, labels, prefix))
        _check_schema(triple)
        triples.append(triple)
    if not triples:
        raise UnsafeInput("the payload holds no triples")
    return Payload(triples, sha, fmt, prefix)


def _skolem(term: Term, labels: dict[str, Term], prefix: str) -> Term:
    if term.kind == "triple":
        raise UnsafeInput("triple terms (RDF-star) are not accepted in contributions")
    if term.kind != "bnode":
        return term
    if term.value not in labels:
        labels[term.value] = Term("uri", f"{prefix}bnode/{len(labels)}")
    return labels[term.value]


def _check_schema(triple: Triple) -> None:
    s, p, o = triple
    if p.value in _SCHEMA_PREDICATES or _is_schema_term(p.value):
        raise SchemaChangeRefused(
            f"contributions may not change the schema: predicate <{p.value}> is refused"
        )
    if p.value == _RDF_TYPE and (o.value in _SCHEMA_CLASSES or _is_schema_term(o.value)):
        raise SchemaChangeRefused(
            f"contributions may not change the schema: class <{o.value}> is refused"
        )
    if s.kind == "uri" and s.value.startswith(TP):
        raise SchemaChangeRefused(
            f"contributions may not describe ontology terms: subject <{s.value}> is refused"
        )


def _is_schema_term(iri: str) -> bool:
    return (iri.startswith(_OWL) and iri not in _OWL_ALLOWED) or iri.startswith(_SH)


def _check_jsonld(data: bytes) -> None:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"cannot parse jsonld: {exc}") from None
    if _has_remote_context(document):
        raise UnsafeInput(
            "remote JSON-LD contexts are not fetched: inline the @context as an object"
        )


def _has_remote_context(node: Any) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key == "@import" or (key == "@context" and _names_iri(value)):
                    return True
                stack.append(value)
    return False


def _names_iri(context: Any) -> bool:
    if isinstance(context, str):
        return True
    return isinstance(context, list) and any(isinstance(c, str) for c in context)


def _check_xml(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsafeInput("RDF/XML contributions must be UTF-8 encoded") from None
    if _XML_DECL.search(text.encode()):
        raise UnsafeInput(
            "RDF/XML with a DOCTYPE or ENTITY declaration is refused (no XML entities)"
        )
