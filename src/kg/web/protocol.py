"""SPARQL 1.1 Protocol request parsing: a pure function of the request's parts.

>>> from werkzeug.datastructures import MultiDict
>>> r = parse_request("GET", MultiDict([("query", "ASK {}")]), MultiDict(), None, b"")
>>> (r.operation, r.text)
('query', 'ASK {}')
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict

from kg.errors import BadRequest, MethodNotAllowed, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


@dataclass(frozen=True)
class ProtocolRequest:
    """A parsed protocol request: ``operation`` is ``query``, ``update`` or ``describe``
    (a GET with no query: the service description)."""

    operation: str
    text: str = ""
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    @property
    def format(self) -> str | None:
        """The first format name the client sent, if any."""
        return self.formats[0] if self.formats else None


def decode_params(raw: bytes) -> MultiDict[str, str]:
    """The parameters of a query string or form body, decoded strictly: the bytes and what
    their percent escapes stand for must be UTF-8 (werkzeug would keep undecodable escapes
    as literal text, silently changing the query).

    >>> decode_params(b"query=ASK%20%7B%7D&format=json").to_dict()
    {'query': 'ASK {}', 'format': 'json'}

    :raises BadRequest: when they are not.
    """
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("the parameters are not percent-encoded UTF-8") from None
    return MultiDict(pairs)


def _one(params: MultiDict[str, str], name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"the request has {len(values)} '{name}' parameters; send exactly one")
    return values[0] if values else None


def _many(params: MultiDict[str, str], name: str) -> tuple[str, ...] | None:
    values = params.getlist(name)
    return tuple(values) if values else None


def _decode(body: bytes, content_type: str) -> str:
    charset = _param(content_type, "charset")
    if charset and charset.lower().replace("-", "") != "utf8":
        raise BadRequest(f"the body must be UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None


def _param(content_type: str, name: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip('"')
    return None


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";")[0].strip().lower()


def parse_request(
    method: str,
    args: MultiDict[str, str],
    form: MultiDict[str, str],
    content_type: str | None,
    body: bytes,
) -> ProtocolRequest:
    """Parse a protocol request from the method, URL parameters, form, Content-Type, body.

    :raises BadRequest: for a malformed request (two queries, no Content-Type, bad charset).
    :raises UnsupportedMediaType: for a POST body of another media type.
    :raises MethodNotAllowed: for methods other than GET and POST.
    """
    if method == "GET":
        return _from_params("GET", args, args)
    if method != "POST":
        raise MethodNotAllowed(f"{method} is not supported here; use GET or POST")
    media = _media_type(content_type)
    if media is None:
        raise BadRequest(
            "the POST has no Content-Type; use application/x-www-form-urlencoded, "
            "application/sparql-query or application/sparql-update"
        )
    if media == FORM:
        if content_type:
            _decode(b"", content_type)
        merged = MultiDict(list(args.items(multi=True)) + list(form.items(multi=True)))
        return _from_params("POST", merged, merged)
    if media in (QUERY_TYPE, UPDATE_TYPE):
        text = _decode(body, content_type or "")
        operation = "query" if media == QUERY_TYPE else "update"
        base = _from_params("POST", args, MultiDict(), allow_empty=True)
        return replace(base, operation=operation, text=text)
    raise UnsupportedMediaType(
        f"cannot read a body of type {media}; use application/x-www-form-urlencoded, "
        "application/sparql-query or application/sparql-update"
    )


def _from_params(
    method: str,
    params: MultiDict[str, str],
    operations: MultiDict[str, str],
    allow_empty: bool = False,
) -> ProtocolRequest:
    query = _one(operations, "query")
    update = _one(operations, "update")
    if query is not None and update is not None:
        raise BadRequest("send either 'query' or 'update', not both")
    if update is not None and method == "GET":
        raise BadRequest("updates must be sent with POST")
    names = [n for key in ("format", "output", "results") for n in params.getlist(key)]
    formats = tuple(part.strip() for name in names for part in name.split(",") if part.strip())
    graphs = dict(
        default_graphs=_many(params, "default-graph-uri"),
        named_graphs=_many(params, "named-graph-uri"),
        using=_many(params, "using-graph-uri") or (),
        using_named=_many(params, "using-named-graph-uri") or (),
        formats=formats,
    )
    if query is not None:
        return ProtocolRequest("query", query, **graphs)  # type: ignore[arg-type]
    if update is not None:
        return ProtocolRequest("update", update, **graphs)  # type: ignore[arg-type]
    if method == "POST" and not allow_empty:
        raise BadRequest("the POST has no 'query' or 'update' parameter")
    return ProtocolRequest("describe", **graphs)  # type: ignore[arg-type]
