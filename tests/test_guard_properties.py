"""Properties of the guard: it raises nothing but KgError on any text, and refuses every
generated SERVICE spelling that the engine (pyoxigraph, through kg.store) or a full SPARQL
parse (rdflib) reads as a SERVICE call.

Generated targets use ``urn:`` and ``ftp:`` IRIs: the engine fails on them without opening a
socket ("invalid authority", "Not supported URL scheme"), which tells that it called SERVICE.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.errors import KgError, QueryRefused
from kg.query.federation import service_iris
from kg.query.guard import check, inspect
from kg.store import EmbeddedStore

#: What the engine says when it tried to call a SERVICE it cannot reach.
CALLED = ("invalid authority", "URL scheme", "URI scheme must be set", "service name is unbound")
PROLOGUE = "PREFIX e: <http://e/> PREFIX p: <urn:x:> PREFIX : <urn:y:> BASE <ftp://h/a/> "
#: (target, whether the keyword may touch it): IRIs, prefixed names, escapes, a variable.
TARGETS = [
    ("<urn:x:evil>", True),
    ("<ftp://h/evil>", True),
    ("<../evil>", True),
    ("<urn:x:\\u0065vil>", True),
    ("p:evil", False),
    (":evil", True),
    ("p:e\\#v", False),
    ("p:e\\'v", False),
    ("p:e%2Fv", False),
    ("p:e.v", False),
    ("?where", False),
]
FILLERS = [
    "",
    "BIND(e:x\\#y AS ?u) ",
    "BIND(e:x\\'y AS ?u) ",
    "BIND('a\\'b' AS ?u) ",
    'BIND("""x"y""" AS ?u) ',
    "# SERVICE <urn:x:no>\n",
    "BIND(<urn:x:evil> AS ?where) ",
    "VALUES ?where { <urn:x:evil> } ",
]
CONTEXTS = [
    "SELECT * WHERE {{ {} }}",
    "select * where {{ {} }}",
    "ASK {{ OPTIONAL {{ {} }} }}",
    "SELECT * {{ {{ SELECT * {{ {} }} }} }}",
    "SELECT * {{ {{ }} UNION {{ {} }} }}",
    "ASK {{ FILTER EXISTS {{ {} }} }}",
    "DESCRIBE ?s WHERE {{ {} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {} }}",
]
SEPARATORS = [" ", "\n", "\t ", " #c\n", "#x\n"]


def any_case(word: str) -> st.SearchStrategy[str]:
    flips = st.lists(st.booleans(), min_size=len(word), max_size=len(word))
    return flips.map(
        lambda up: "".join(c.upper() if u else c.lower() for c, u in zip(word, up, strict=True))
    )


@st.composite
def service_queries(draw: st.DrawFn) -> str:
    """A query with one SERVICE call, spelled in one of many ways."""
    target, may_touch = draw(st.sampled_from(TARGETS))
    gap = st.sampled_from(SEPARATORS + ([""] if may_touch else []))
    keyword = draw(any_case("SERVICE")) + draw(gap)
    if draw(st.booleans()):
        keyword += draw(any_case("SILENT")) + draw(gap)
    pattern = draw(st.sampled_from(FILLERS)) + keyword + target + draw(gap) + "{ ?s ?p ?o }"
    return PROLOGUE + draw(st.sampled_from(CONTEXTS)).format(pattern)


def engine_calls_service(text: str) -> bool:
    """True when the engine tried to call a SERVICE while running ``text``."""
    try:
        EmbeddedStore.memory().query(text, row_limit=10)
    except KgError as exc:
        return any(sign in exc.message for sign in CALLED)
    return False


def parser_sees_service(text: str) -> bool:
    """True when a full SPARQL parse finds a SERVICE call in ``text``."""
    return bool(service_iris(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(service_queries())
def test_every_service_the_engine_or_a_full_parse_sees_is_refused(text: str) -> None:
    assume(engine_calls_service(text) or parser_sees_service(text))
    with pytest.raises(QueryRefused):
        check(text, max_bytes=100_000, max_depth=100)


SOUP = st.sampled_from(
    ["SERVICE", "service:", "SILENT", "LOAD", "FROM", "NAMED", "PREFIX", "BASE", "SELECT", ";"]
    + ["p:", ":", "<", ">", "<urn:x:a>", "'", '"', "'''", "\\", "\\#", "%2F", "#", "\n", " "]
    + ["{", "}", "(", ")", "[", "]", "?x", "$", ".", "e:x\\'y", "\\u0041", "\x00", "é"]
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.lists(SOUP, max_size=40).map("".join)))
def test_the_guard_raises_nothing_but_kg_errors(text: str) -> None:
    try:
        check(text, max_bytes=100_000, max_depth=50, allowlist=("urn:x:",))
    except KgError:
        pass
    assert inspect(text).depth >= 0
