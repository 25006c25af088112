"""The importers' N-Triples container: what it writes parses back to the same terms (rdflib
reads it), repeats are kept once, a subject's triples can be removed, and its chunks for
validation cover every subject once with the descriptions of the nodes it points to."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.importers.triples import Triples, as_triples, nt_iri

EX = "https://example.org/"
#: Text as an export may hold it: quotes, backslashes, line ends, tabs, any Unicode letter.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
LANG = st.from_regex(r"\A[a-z]{2,3}(-[A-Z]{2})?\Z")
KEY = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z")


def _literal() -> st.SearchStrategy[Literal]:
    typed = st.sampled_from([XSD.string, XSD.date, XSD.gYear, URIRef(EX + "type")])
    return st.one_of(
        TEXT.map(Literal),
        st.builds(lambda t, lang: Literal(t, lang=lang), TEXT, LANG),
        st.builds(lambda t, d: Literal(t, datatype=d), TEXT, typed),
        st.integers().map(Literal),
    )


@settings(max_examples=200, deadline=None)
@given(key=KEY, value=_literal())
def test_what_it_writes_rdflib_reads_back_as_the_same_triple(key: str, value: Literal) -> None:
    triple = (URIRef(EX + key), URIRef(EX + "p"), value)
    out = Triples()
    out.add(triple)
    parsed = list(Graph().parse(data=out.ntriples().decode("utf-8"), format="nt"))
    assert len(parsed) == 1
    s, p, o = parsed[0]
    assert (s, p) == triple[:2]
    assert isinstance(o, Literal)
    assert (str(o), o.language, o.datatype) == (str(value), value.language, value.datatype)


def test_a_repeated_triple_is_kept_once_and_found() -> None:
    out = Triples()
    triple = (URIRef(EX + "a"), URIRef(EX + "p"), Literal("x", lang="en"))
    out.add(triple)
    out.add(triple)
    assert len(out) == 1 and triple in out
    assert (URIRef(EX + "a"), URIRef(EX + "p"), Literal("x")) not in out


@pytest.mark.parametrize("bad", [EX + "a b", EX + "a>b", EX + 'a"b', EX + "a{b}", EX + "a\\b"])
def test_an_iri_n_triples_cannot_hold_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not an IRI"):
        nt_iri(bad)
    with pytest.raises(ValueError):
        Triples().add((URIRef(bad), URIRef(EX + "p"), Literal("x")))


def test_removing_a_subject_removes_its_triples_only() -> None:
    out = Triples()
    a, b, p = URIRef(EX + "a"), URIRef(EX + "ab"), URIRef(EX + "p")
    out.update([(a, p, Literal("1")), (a, p, b), (b, p, a)])
    assert out.remove_subject(a) == 2
    assert out.subjects() == {b} and len(out) == 1 and (b, p, a) in out


def test_a_graph_goes_through_unchanged_with_its_prefixes() -> None:
    graph = Graph()
    graph.bind("ex", EX)
    node = BNode()
    graph.add((URIRef(EX + "a"), URIRef(EX + "p"), node))
    graph.add((node, URIRef(EX + "q"), Literal("x", lang="en")))
    out = as_triples(graph)
    assert out.has_blank_nodes() and out.prefixes["ex"] == EX
    back = out.to_graph()
    assert isomorphic(back, graph) and ("ex", URIRef(EX)) in set(back.namespaces())
    assert as_triples(out) is out


def test_parts_cover_each_subject_once_with_what_it_points_to() -> None:
    out = Triples()
    p, shared = URIRef(EX + "p"), URIRef(EX + "shared")
    nodes = [URIRef(EX + f"n{i}") for i in range(5)]
    for node in nodes:
        out.add((node, p, shared))
    out.add((shared, p, Literal("described")))
    subjects = sorted(out.subjects(), key=str)
    parts = list(out.parts(subjects, 2))
    assert [len(focus) for _, focus in parts] == [2, 2, 2]
    assert sorted(n for _, focus in parts for n in focus) == subjects
    for data, focus in parts:
        graph = Graph().parse(data=data.decode("utf-8"), format="nt")
        assert all((n, p, shared) in graph for n in focus if n != shared)
        assert (shared, p, Literal("described")) in graph


def test_removing_an_object_removes_the_links_to_it_only() -> None:
    out = Triples()
    a, b, c, p = (URIRef(EX + n) for n in ("a", "b", "c", "p"))
    out.update([(a, p, b), (c, p, b), (c, p, a)])
    assert out.remove_object(b) == 2
    assert out.subjects() == {c} and len(out) == 1 and (c, p, a) in out
