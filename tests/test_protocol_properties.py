"""Properties of the protocol parser (:func:`kg.web.protocol.parse_request`) over arbitrary
requests: it raises nothing but a :class:`~kg.errors.KgError`, and gives a query back as
sent, whichever way it was sent."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from kg.errors import BadRequest, KgError
from kg.web.protocol import FORM, QUERY_TYPE, UPDATE_TYPE, parse_request

KEYS = ["query", "update", "format", "output", "results", "default-graph-uri", "named-graph-uri"]
KEYS += ["using-graph-uri", "using-named-graph-uri"]
#: Any text but lone surrogates (what a decoded request can hold).
texts = st.text(st.characters(exclude_categories=("Cs",)))
params = st.lists(st.tuples(st.sampled_from(KEYS) | texts, texts), max_size=6).map(MultiDict)
media = st.sampled_from([FORM, QUERY_TYPE, UPDATE_TYPE, "text/plain", "application/json", ""])
charsets = st.sampled_from(["", "; charset=utf-8", "; charset=UTF-8", '; charset="utf8"'])
content_types = (
    st.none()
    | texts
    | st.builds(
        lambda m, c, x: m + c + x, media, charsets | texts, st.sampled_from(["", ";", "; q", "=;"])
    )
)
methods = st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]) | texts


@given(methods, params, params, content_types, st.binary(max_size=64))
def test_any_request_parses_or_raises_a_kg_error(
    method: str,
    args: MultiDict[str, str],
    form: MultiDict[str, str],
    content_type: str | None,
    body: bytes,
) -> None:
    try:
        parsed = parse_request(method, args, form, content_type, body)
    except KgError as exc:
        assert 400 <= exc.status < 500 and exc.message
    else:
        assert parsed.operation in {"query", "update", "describe"}


@given(texts)
def test_a_query_by_get_comes_back_as_sent(text: str) -> None:
    parsed = parse_request("GET", MultiDict([("query", text)]), MultiDict(), None, b"")
    assert (parsed.operation, parsed.text) == ("query", text)


@given(texts, charsets)
def test_a_query_posted_directly_comes_back_as_sent(text: str, charset: str) -> None:
    body = text.encode("utf-8")
    parsed = parse_request("POST", MultiDict(), MultiDict(), QUERY_TYPE + charset, body)
    assert (parsed.operation, parsed.text) == ("query", text)


@given(texts, st.sampled_from(["query", "update"]))
def test_a_form_operation_comes_back_as_sent(text: str, key: str) -> None:
    parsed = parse_request("POST", MultiDict(), MultiDict([(key, text)]), FORM, b"")
    assert (parsed.operation, parsed.text) == (key, text)


@given(st.lists(texts, min_size=1, max_size=4), st.lists(texts, max_size=4))
def test_graph_parameters_come_back_in_order(defaults: list[str], named: list[str]) -> None:
    pairs = [("query", "ASK {}")] + [("default-graph-uri", g) for g in defaults]
    pairs += [("named-graph-uri", g) for g in named]
    parsed = parse_request("GET", MultiDict(pairs), MultiDict(), None, b"")
    assert parsed.default_graphs == tuple(defaults)
    assert parsed.named_graphs == (tuple(named) or None)


@given(st.binary(min_size=1, max_size=64))
def test_a_body_that_is_not_utf8_is_a_bad_request(body: bytes) -> None:
    assume(not _is_utf8(body))
    with pytest.raises(BadRequest):
        parse_request("POST", MultiDict(), MultiDict(), QUERY_TYPE, body)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
