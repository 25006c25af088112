"""SPARQL 1.1 Protocol parsing as a pure function of the request's parts (no server)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from kg.errors import BadRequest, MethodNotAllowed, UnsupportedMediaType
from kg.web.protocol import FORM, QUERY_TYPE, UPDATE_TYPE, ProtocolRequest, parse_request

Q = "SELECT * WHERE { ?s ?p ?o }"
U = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
NONE: MultiDict[str, str] = MultiDict()


def parse(
    method: str = "GET",
    args: list[tuple[str, str]] | None = None,
    form: list[tuple[str, str]] | None = None,
    content_type: str | None = None,
    body: bytes = b"",
) -> ProtocolRequest:
    return parse_request(method, MultiDict(args or []), MultiDict(form or []), content_type, body)


@pytest.mark.parametrize(
    ("kwargs", "operation", "text"),
    [
        ({"args": [("query", Q)]}, "query", Q),
        ({"method": "POST", "form": [("query", Q)], "content_type": FORM}, "query", Q),
        ({"method": "POST", "form": [("update", U)], "content_type": FORM}, "update", U),
        ({"method": "POST", "content_type": QUERY_TYPE, "body": Q.encode()}, "query", Q),
        ({"method": "POST", "content_type": UPDATE_TYPE, "body": U.encode()}, "update", U),
        (
            {"method": "POST", "content_type": QUERY_TYPE + "; charset=UTF-8", "body": Q.encode()},
            "query",
            Q,
        ),
        (
            {"method": "POST", "content_type": QUERY_TYPE, "body": "ASK { ?s ?p 'é' }".encode()},
            "query",
            "ASK { ?s ?p 'é' }",
        ),
        ({"args": []}, "describe", ""),
    ],
)
def test_each_protocol_operation_is_recognised(kwargs, operation: str, text: str) -> None:
    request = parse(**kwargs)
    assert (request.operation, request.text) == (operation, text)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"args": [("query", Q), ("query", Q)]},
        {"method": "POST", "form": [("query", Q), ("query", Q)], "content_type": FORM},
        {"method": "POST", "args": [("query", Q)], "form": [("query", Q)], "content_type": FORM},
        {"args": [("query", Q), ("update", U)]},
        {"args": [("update", U)]},
        {"method": "POST", "body": Q.encode()},
        {"method": "POST", "content_type": "", "body": Q.encode()},
        {"method": "POST", "form": [], "content_type": FORM},
        {"method": "POST", "content_type": QUERY_TYPE + "; charset=latin-1", "body": b"ASK {}"},
        {"method": "POST", "content_type": QUERY_TYPE, "body": "ASK { 'é' }".encode("latin-1")},
        {"method": "POST", "form": [("query", Q)], "content_type": FORM + "; charset=utf-16"},
    ],
    ids=[
        "two-get-queries",
        "two-form-queries",
        "query-in-url-and-form",
        "query-and-update",
        "update-by-get",
        "post-without-content-type",
        "post-with-empty-content-type",
        "post-form-without-operation",
        "latin-1-charset",
        "body-not-utf-8",
        "form-utf-16-charset",
    ],
)
def test_malformed_requests_are_bad_requests(kwargs) -> None:
    with pytest.raises(BadRequest):
        parse(**kwargs)


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "text/turtle"])
def test_other_body_media_types_are_unsupported(content_type: str) -> None:
    with pytest.raises(UnsupportedMediaType):
        parse("POST", content_type=content_type, body=Q.encode())


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_methods_other_than_get_and_post_are_not_allowed(method: str) -> None:
    with pytest.raises(MethodNotAllowed):
        parse(method, args=[("query", Q)])


DATASET = [
    ("default-graph-uri", "http://g/1"),
    ("default-graph-uri", "http://g/2"),
    ("named-graph-uri", "http://g/3"),
]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"args": [("query", Q), *DATASET]},
        {"method": "POST", "form": [("query", Q), *DATASET], "content_type": FORM},
        {"method": "POST", "args": DATASET, "content_type": QUERY_TYPE, "body": Q.encode()},
    ],
    ids=["get", "post-form", "post-direct"],
)
def test_dataset_parameters_are_collected_in_order(kwargs) -> None:
    request = parse(**kwargs)
    assert request.default_graphs == tuple(v for k, v in DATASET if k == "default-graph-uri")
    assert request.named_graphs == tuple(v for k, v in DATASET if k == "named-graph-uri")


def test_no_dataset_parameters_mean_no_dataset() -> None:
    request = parse(args=[("query", Q)])
    assert (request.default_graphs, request.named_graphs) == (None, None)


USING = [("using-graph-uri", "http://g/1"), ("using-named-graph-uri", "http://g/2")]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "POST", "form": [("update", U), *USING], "content_type": FORM},
        {"method": "POST", "args": USING, "content_type": UPDATE_TYPE, "body": U.encode()},
    ],
    ids=["form", "direct"],
)
def test_using_parameters_are_collected_for_updates(kwargs) -> None:
    request = parse(**kwargs)
    assert (request.using, request.using_named) == (("http://g/1",), ("http://g/2",))


@pytest.mark.parametrize("name", ["format", "output"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"args": [("query", Q)]},
        {"method": "POST", "form": [("query", Q)], "content_type": FORM},
        {"method": "POST", "args": [], "content_type": QUERY_TYPE, "body": Q.encode()},
    ],
    ids=["get", "post-form", "post-direct"],
)
def test_format_and_output_parameters_name_the_format(kwargs, name: str) -> None:
    key = "form" if "form" in kwargs else "args"
    kwargs = {**kwargs, key: [*kwargs[key], (name, "csv")]}
    assert parse(**kwargs).format == "csv"


def test_form_values_are_taken_as_decoded_once() -> None:
    text = "ASK { ?s ?p '%41+b' }"
    assert parse("POST", form=[("query", text)], content_type=FORM).text == text
