"""The UN symbol parser: a table of real symbols and their parts, and of strings that are not
symbols (each a one-line InputError)."""

import pytest

from kg.errors import InputError
from kg.importers.symbols import document_iri, parse_symbol

GOOD = [
    # symbol, body, organ, session, state, type, number, suffix
    ("CAT/C/KAZ/CO/3", "CAT", "C", None, "KAZ", "CO", "3", None),
    ("CAT/C/TJK/CO/2", "CAT", "C", None, "TJK", "CO", "2", None),
    ("CCPR/C/119/D/2146/2012", "CCPR", "C", 119, None, "D", "2146/2012", None),
    ("CCPR/C/124/D/2441/2014", "CCPR", "C", 124, None, "D", "2441/2014", None),
    ("A/HRC/14/10", "HRC", None, 14, None, None, "10", None),
    ("A/HRC/14/10/Add.1", "HRC", None, 14, None, None, "10", "Add.1"),
    ("A/HRC/28/10", "HRC", None, 28, None, None, "10", None),
    ("A/HRC/WG.6/7/L.9", "HRC", "WG.6", 7, None, "L", "9", None),
    ("A/HRC/WG.6/8/L.1", "HRC", "WG.6", 8, None, "L", "1", None),
    ("CAT/OP/KGZ/2", "CAT", "OP", None, "KGZ", None, "2", None),
]

BAD = [
    ("", "not a UN document symbol"),
    ("A/HRC//10", "not a UN document symbol"),
    ("A/HRC/14 /10", "not a UN document symbol"),
    ("A/HRC/WG,6/8/L.1", "not a UN document symbol"),
    ("XYZ/C/KAZ/CO/3", "unknown body 'XYZ'"),
    ("CAT/C/KAZ/CO", "no document number"),
    ("A/HRC/14/ten", "bad number ten"),
    ("A/HRC", "no document number"),
    ("CCPR/C/119/D/1/2/3", "bad number 1/2/3"),
]


@pytest.mark.parametrize(
    ("symbol", "body", "organ", "session", "state", "doc_type", "number", "suffix"), GOOD
)
def test_symbol_parts(
    symbol: str,
    body: str,
    organ: str | None,
    session: int | None,
    state: str | None,
    doc_type: str | None,
    number: str,
    suffix: str | None,
) -> None:
    parsed = parse_symbol(symbol)
    assert (parsed.body, parsed.organ, parsed.session, parsed.state) == (
        body,
        organ,
        session,
        state,
    )
    assert (parsed.doc_type, parsed.number, parsed.suffix) == (doc_type, number, suffix)
    assert parsed.symbol == symbol


@pytest.mark.parametrize("symbol", [row[0] for row in GOOD])
def test_document_iri_replaces_slashes_with_hyphens(symbol: str) -> None:
    expected = "https://w3id.org/tpkg/id/document/" + symbol.replace("/", "-")
    assert document_iri(symbol) == expected


@pytest.mark.parametrize(("symbol", "message"), BAD)
def test_bad_symbol_is_a_one_line_input_error(symbol: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_symbol(symbol)
    assert message in caught.value.message
    assert "\n" not in caught.value.message


def test_bundled_documents_are_named_by_their_symbol() -> None:
    from pathlib import Path

    from rdflib import Graph, URIRef

    root = Path(__file__).parents[1] / "data" / "turtle"
    files = sorted(root.rglob("*.ttl"))
    assert files
    graph = Graph()
    for file in files:
        graph.parse(file)
    identifier = URIRef("http://purl.org/dc/terms/identifier")
    documents = [
        (str(s), str(o))
        for s, o in graph.subject_objects(identifier)
        if str(s).startswith("https://w3id.org/tpkg/id/document/") and "/" in str(o)
    ]
    assert len(documents) >= 10
    assert all(document_iri(symbol) == subject for subject, symbol in documents), documents
