"""Inspect a query before it runs: its form, size, nesting, and what it would reach.

A small tokenizer skips comments, strings and IRIs, so keywords inside them do not count. It
costs well under a millisecond, where a full parse would cost several.

>>> inspect("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:p 'SERVICE' }").form
'select'
>>> inspect("SELECT * { SERVICE <http://evil/> { ?s ?p ?o } }").services
('http://evil/',)
>>> inspect("INSERT DATA { <a> <b> <c> }").form
'update'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.errors import PayloadTooLarge, QueryRefused
from kg.results import ASK, CONSTRUCT, DESCRIBE, SELECT, UPDATE

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<lstring>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7-\uffff]*)?:[\w.\-:%\\\u00b7-\uffff]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_FORMS = {"SELECT": SELECT, "ASK": ASK, "CONSTRUCT": CONSTRUCT, "DESCRIBE": DESCRIBE}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
_UPDATE_WORDS |= {"WITH"}


@dataclass(frozen=True)
class Inspection:
    """What the guard found in a query text."""

    form: str | None
    depth: int
    services: tuple[str, ...] = ()
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()
    dynamic_service: bool = False
    keywords: frozenset[str] = field(default_factory=frozenset)


def token_spans(text: str) -> list[tuple[str, str, int]]:
    """The significant tokens of ``text`` as (kind, text, offset); no spaces or comments."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group(), match.start()))
    return out


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value, _ in token_spans(text)]


class _Scanner:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.prefixes: dict[str, str] = {}
        self.base = ""

    def iri_at(self, i: int) -> str | None:
        """The IRI named by token ``i`` (IRI or prefixed name), or None."""
        if i >= len(self.tokens):
            return None
        kind, value = self.tokens[i]
        if kind == "iri":
            return urljoin(self.base, value[1:-1]) if self.base else value[1:-1]
        if kind == "pname":
            prefix, _, local = value.partition(":")
            namespace = self.prefixes.get(prefix)
            return namespace + local if namespace is not None else value
        return None


def inspect(text: str) -> Inspection:
    """Tokenize ``text`` and report its form, nesting depth and external references."""
    scanner = _Scanner(_tokens(text))
    tokens = scanner.tokens
    form: str | None = None
    depth = max_depth = 0
    services: list[str] = []
    froms: list[str] = []
    named: list[str] = []
    loads: list[str] = []
    dynamic = False
    words: set[str] = set()
    for i, (kind, value) in enumerate(tokens):
        if kind == "open":
            depth += 1
            max_depth = max(max_depth, depth)
        elif kind == "close":
            depth -= 1
        if kind != "word":
            continue
        word = value.upper()
        words.add(word)
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1][0] == "pname":
            iri = scanner.iri_at(i + 2)
            scanner.prefixes[tokens[i + 1][1].rstrip(":")] = iri or ""
        elif word == "BASE":
            scanner.base = scanner.iri_at(i + 1) or scanner.base
        elif form is None and word in _FORMS:
            form = _FORMS[word]
        elif form is None and word in _UPDATE_WORDS:
            form = UPDATE
        if word == "SERVICE":
            j = i + 2 if i + 1 < len(tokens) and tokens[i + 1][1].upper() == "SILENT" else i + 1
            target = scanner.iri_at(j)
            if target is None:
                dynamic = True
            else:
                services.append(target)
        elif word == "FROM":
            is_named = i + 1 < len(tokens) and tokens[i + 1][1].upper() == "NAMED"
            target = scanner.iri_at(i + 2 if is_named else i + 1)
            if target is not None:
                (named if is_named else froms).append(target)
        elif word == "LOAD":
            j = i + 2 if i + 1 < len(tokens) and tokens[i + 1][1].upper() == "SILENT" else i + 1
            target = scanner.iri_at(j)
            loads.append(target or "")
    return Inspection(
        form=form,
        depth=max_depth,
        services=tuple(services),
        from_graphs=tuple(froms),
        from_named=tuple(named),
        loads=tuple(loads),
        dynamic_service=dynamic,
        keywords=frozenset(words),
    )


def allowed(iri: str, allowlist: tuple[str, ...]) -> bool:
    """True when ``iri`` is on the allowlist (exactly, or under an entry ending in / or #)."""
    for entry in allowlist:
        if iri == entry or (entry.endswith(("/", "#")) and iri.startswith(entry)):
            return True
    return False


def check(
    text: str, *, max_bytes: int, max_depth: int, allowlist: tuple[str, ...] = ()
) -> Inspection:
    """Inspect ``text`` and refuse what must not run.

    :raises PayloadTooLarge: when the text is over ``max_bytes``.
    :raises QueryRefused: for too deep nesting, SERVICE or LOAD to an IRI not on the
        allowlist, or SERVICE with a variable.
    """
    check_size(text, max_bytes)
    found = inspect(text)
    refuse(found, max_depth=max_depth, allowlist=allowlist)
    return found


def check_size(text: str, max_bytes: int) -> None:
    """Refuse a text over ``max_bytes`` (UTF-8).

    :raises PayloadTooLarge: naming the size and the limit.
    """
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise PayloadTooLarge(f"the query is {size} bytes; the limit is {max_bytes}")


def refuse(found: Inspection, *, max_depth: int, allowlist: tuple[str, ...] = ()) -> None:
    """Refuse what an inspected query must not do (see :func:`check`).

    :raises QueryRefused: naming the first problem.
    """
    if found.depth > max_depth:
        raise QueryRefused(f"the query nests {found.depth} levels deep; the limit is {max_depth}")
    if found.dynamic_service:
        raise QueryRefused("SERVICE with a variable endpoint is not allowed")
    for iri in found.services:
        if not allowed(iri, allowlist):
            raise QueryRefused(f"SERVICE <{iri}> is not allowed: this endpoint does not federate")
    for iri in found.loads:
        if not allowed(iri, allowlist):
            raise QueryRefused(f"LOAD <{iri}> is not allowed: this endpoint fetches nothing")
