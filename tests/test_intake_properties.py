"""Property-based checks of the intake: whatever the bytes and the media type, reading a
payload either gives checked triples within the caps or raises a :class:`KgError`, never
another exception (which would be a 500, or kill a validation worker)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import KgError
from kg.intake import ACCEPTED, Payload, media_format, read_payload

MAX_TRIPLES = 20
CHECKS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces of Turtle, N-Triples, RDF/XML and JSON-LD that random joins make half-valid.
FRAGMENTS = [
    "<http://e/a>",
    "<http://e/p>",
    "<b>",
    "_:x",
    "[",
    "]",
    "(",
    ")",
    ";",
    ",",
    ".",
    " ",
    '"v"',
    '"v"@en',
    '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
    "@prefix e: <http://e/> .",
    "e:a",
    "a",
    "<<",
    ">>",
    "{",
    "}",
    "GRAPH",
    "\\u0000",
    "\n",
    "#c",
    "'''",
    '"""',
    "\\",
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>",
    "<https://w3id.org/tpkg/ontology#X>",
    '<?xml version="1.0"?>',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    "</rdf:RDF>",
    '<rdf:Description rdf:about="http://e/a">',
    "</rdf:Description>",
    "<!DOCTYPE",
    "<!ENTITY",
    "&x;",
    "\xff",
    "\ud7ff",
]
KEYS = [
    "@context",
    "@id",
    "@graph",
    "@import",
    "@type",
    "@value",
    "@list",
    "@reverse",
    "@language",
    "@base",
    "@vocab",
    "@nest",
    "http://e/p",
    "ex",
    "ex:p",
]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["http://e/a", "ex:a", "_:b", ""]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
FORMAT_KEYS = st.sampled_from([*ACCEPTED, "trig", "nquads", "", "xml"])


def _read(data: bytes, fmt: str) -> Payload | None:
    try:
        return read_payload(data, fmt, max_bytes=4000, max_triples=MAX_TRIPLES)
    except KgError:
        return None


def _holds(payload: Payload | None) -> bool:
    if payload is None:
        return True
    kinds = {term.kind for triple in payload.triples for term in triple}
    return 0 < len(payload.triples) <= MAX_TRIPLES and kinds <= {"uri", "literal"}


@CHECKS
@given(data=st.binary(max_size=3000), fmt=FORMAT_KEYS)
def test_arbitrary_bytes_give_triples_or_a_kg_error(data: bytes, fmt: str) -> None:
    assert _holds(_read(data, fmt))


@CHECKS
@given(pieces=st.lists(st.sampled_from(FRAGMENTS), max_size=40), fmt=FORMAT_KEYS)
def test_half_valid_rdf_gives_triples_or_a_kg_error(pieces: list[str], fmt: str) -> None:
    data = "".join(pieces).encode("utf-8", "surrogatepass")
    assert _holds(_read(data, fmt))


@CHECKS
@given(document=JSON_VALUES)
def test_arbitrary_jsonld_gives_triples_or_a_kg_error(document: object) -> None:
    assert _holds(_read(json.dumps(document).encode(), "jsonld"))


@CHECKS
@given(media=st.none() | st.text(max_size=60))
def test_any_content_type_gives_a_format_or_a_kg_error(media: str | None) -> None:
    try:
        assert media_format(media) in ACCEPTED
    except KgError as exc:
        assert exc.status == 415
