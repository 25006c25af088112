"""Safe intake: caps, remote contexts, XML entities, named graphs, schema changes, bnodes."""

from __future__ import annotations

import pytest

from kg.errors import (
    InputError,
    PayloadTooLarge,
    SchemaChangeRefused,
    UnsafeInput,
    UnsupportedMediaType,
)
from kg.intake import media_format, read_payload

TRIPLE = b"<http://e/a> <http://e/p> <http://e/b> .\n"
REMOTE_CONTEXT = b'{"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}'
NESTED_CONTEXT = b'{"@context": [{"ex": "http://e/"}, "http://e/ctx"], "@id": "ex:a"}'
IMPORT_CONTEXT = b'{"@context": {"@import": "http://e/ctx"}, "@id": "http://e/a"}'
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>"""


def read(data: bytes, fmt: str = "turtle", max_triples: int = 100):  # noqa: ANN201
    return read_payload(data, fmt, max_bytes=10_000, max_triples=max_triples)


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(REMOTE_CONTEXT, "jsonld"), (NESTED_CONTEXT, "jsonld"), (IMPORT_CONTEXT, "jsonld")],
)
def test_remote_jsonld_contexts_are_refused(data: bytes, fmt: str) -> None:
    with pytest.raises(UnsafeInput, match="remote JSON-LD contexts"):
        read(data, fmt)


@pytest.mark.parametrize("data", [XXE, LAUGHS, XXE.replace(b"DOCTYPE", b"doctype")])
def test_xml_entities_are_refused(data: bytes) -> None:
    with pytest.raises(UnsafeInput, match="DOCTYPE or ENTITY"):
        read(data, "rdfxml")


def test_inline_jsonld_context_is_accepted() -> None:
    doc = b'{"@context": {"ex": "http://e/"}, "@id": "ex:a", "ex:p": "v"}'
    assert read(doc, "jsonld").triples[0][0].value == "http://e/a"


def test_size_cap() -> None:
    with pytest.raises(PayloadTooLarge):
        read_payload(TRIPLE * 100, "ntriples", max_bytes=100, max_triples=1000)


def test_triple_cap() -> None:
    lines = b"".join(b'<http://e/a> <http://e/p> "%d" .\n' % i for i in range(11))
    with pytest.raises(PayloadTooLarge, match="more than 10 triples"):
        read(lines, "ntriples", max_triples=10)


def test_named_graph_in_jsonld_is_refused() -> None:
    doc = b'{"@id": "http://e/g", "@graph": [{"@id": "http://e/a", "http://e/p": "v"}]}'
    with pytest.raises(UnsafeInput, match="names a graph"):
        read(doc, "jsonld")


@pytest.mark.parametrize("media", ["application/trig", "application/n-quads", "text/html", None])
def test_quads_and_unknown_media_types_are_415(media: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        media_format(media)


@pytest.mark.parametrize(
    ("media", "key"),
    [
        ("text/turtle; charset=utf-8", "turtle"),
        ("application/n-triples", "ntriples"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdfxml"),
    ],
)
def test_triple_media_types(media: str, key: str) -> None:
    assert media_format(media) == key


@pytest.mark.parametrize(
    "triple",
    [
        b"<http://e/A> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://e/B> .",
        b"<http://e/p> <http://www.w3.org/2000/01/rdf-schema#domain> <http://e/B> .",
        b"<http://e/A> <http://www.w3.org/2002/07/owl#equivalentClass> <http://e/B> .",
        b"<http://e/A> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        b"<http://www.w3.org/ns/shacl#NodeShape> .",
        b"<https://w3id.org/tpkg/ontology#State> <http://e/p> <http://e/B> .",
    ],
)
def test_schema_changes_are_refused(triple: bytes) -> None:
    with pytest.raises(SchemaChangeRefused, match="may not"):
        read(triple, "ntriples")


def test_owl_same_as_is_allowed() -> None:
    triple = b"<http://e/a> <http://www.w3.org/2002/07/owl#sameAs> <http://e/b> ."
    assert len(read(triple, "ntriples").triples) == 1


def test_blank_nodes_get_stable_names() -> None:
    doc = b'<http://e/a> <http://e/p> [ <http://e/q> "v" ], [ <http://e/q> "w" ] .'
    first, second = read(doc), read(doc)
    assert first.triples == second.triples
    names = {t[2].value for t in first.triples if t[1].value == "http://e/p"}
    assert all("/bnode/" in n and first.contribution_id in n for n in names)
    assert len(names) == 2


def test_relative_iris_resolve_against_the_contribution_base() -> None:
    payload = read(b"<a> <http://e/p> <b> .")
    assert payload.triples[0][0].value.endswith(f"/id/contribution/{payload.contribution_id}/a")


def test_malformed_turtle_is_an_input_error() -> None:
    with pytest.raises(InputError, match="cannot parse turtle"):
        read(b"<http://e/a> <http://e/p> .")


def test_empty_payload_is_refused() -> None:
    with pytest.raises(UnsafeInput, match="no triples"):
        read(b"# nothing\n")
