"""Inspect a query before it runs: its form, size, nesting, and what it would reach.

A small tokenizer skips comments, strings and IRIs, so keywords inside them do not count. It
costs well under a millisecond, where a full parse would cost several. It reads prefixed names
as the engine does (``\\#`` and ``%2F`` inside local names, a keyword glued to a name as in
``SERVICE:x``), but it is a courtesy layer for clear early errors: query processes cannot open
internet sockets whatever the guard lets through (:mod:`kg.sandbox`).

>>> inspect("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:p 'SERVICE' }").form
'select'
>>> inspect("SELECT * { SERVICE <http://evil/> { ?s ?p ?o } }").services
('http://evil/',)
>>> inspect("PREFIX : <http://evil/> SELECT * { SERVICE:sparql { ?s ?p ?o } }").services
('http://evil/sparql',)
>>> inspect("INSERT DATA { <a> <b> <c> }").form
'update'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.errors import PayloadTooLarge, QueryRefused
from kg.results import ASK, CONSTRUCT, DESCRIBE, SELECT, UPDATE

#: A local name: name characters, with percent escapes, backslash escapes and inner dots.
_CHARS = r"[\w\-:\u00b7-\uffff]*"
_LOCAL = _CHARS + (
    r"(?:(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]|\.+(?=[\w\-:\u00b7-\uffff%\\]))"
    + _CHARS
    + ")*"
)
_IRI_CHARS = r"[^<>\"{}|^`\\\x00-\x20]*"
_IRI = f"<{_IRI_CHARS}(?:\\\\(?:u[0-9A-Fa-f]{{4}}|U[0-9A-Fa-f]{{8}}){_IRI_CHARS})*>"
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<lstring>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri>IRI)
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7-\uffff]*)?:LOCAL)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """.replace("LOCAL", _LOCAL).replace("IRI", _IRI),
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\(.)")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_FORMS = {"SELECT": SELECT, "ASK": ASK, "CONSTRUCT": CONSTRUCT, "DESCRIBE": DESCRIBE}
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
_UPDATE_WORDS |= {"WITH"}
#: Keywords that start an operation; the engine reads ``LOAD:x`` there as ``LOAD :x``.
_STARTS = set(_FORMS) | _UPDATE_WORDS
#: Prefixes of prefixed names that may be a keyword glued to a name.
_GLUE_PREFIXES = frozenset({"SERVICE", "SILENT", "FROM", "NAMED"} | _STARTS)

Token = tuple[str, str]


@dataclass(frozen=True)
class Inspection:
    """What the guard found in a query text (``guarded`` and ``federated`` are set by
    :func:`kg.query.plan.prepare`: whether dataset IRIs are vetted, and whether the query
    goes to the federation pool)."""

    form: str | None
    depth: int
    services: tuple[str, ...] = ()
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()
    dynamic_service: bool = False
    keywords: frozenset[str] = field(default_factory=frozenset)
    guarded: bool = True
    federated: bool = False


def token_spans(text: str) -> list[tuple[str, str, int]]:
    """The significant tokens of ``text`` as (kind, text, offset); no spaces or comments."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            out.append((kind, match.group(), match.start()))
    return out


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    glued = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "ws" or kind == "comment":
            continue
        value = match.group()
        if kind == "pname" and not glued:
            glued = value[: value.index(":")].upper() in _GLUE_PREFIXES
        tokens.append((kind or "other", value))
    return _unglue(tokens) if glued else tokens


def _keyword_of(
    tokens: list[Token], i: int, previous: str, depth: int, at_start: bool
) -> str | None:
    """The keyword glued to prefixed name ``i`` (as the engine reads it), or None: FROM
    clauses stand outside braces (``depth`` 0), SERVICE calls are followed by a group."""
    prefix = tokens[i][1].partition(":")[0].upper()
    following = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
    if prefix == "SERVICE":
        opens = following == ("open", "{")
        return prefix if opens and previous not in ("GRAPH", "SERVICE", "SILENT") else None
    if prefix == "SILENT":
        return prefix if previous in ("SERVICE", "LOAD") else None
    if prefix == "NAMED":
        return prefix if previous == "FROM" else None
    if prefix == "FROM":
        return prefix if depth == 0 else None
    return prefix if at_start and prefix in _STARTS else None


def _unglue(tokens: list[Token]) -> list[Token]:
    """Split keywords glued to prefixed names (``SERVICE:x`` is ``SERVICE`` then ``:x``)."""
    out: list[Token] = []
    depth, declaring, at_start = 0, 0, True
    for i, (kind, value) in enumerate(tokens):
        previous = out[-1][1].upper() if out and out[-1][0] == "word" else ""
        keyword = None
        if kind == "pname" and not declaring:
            keyword = _keyword_of(tokens, i, previous, depth, at_start)
        if keyword is not None:
            out += [("word", value.partition(":")[0]), ("pname", ":" + value.partition(":")[2])]
        else:
            out.append((kind, value))
        word = value.upper() if kind == "word" else ""
        depth += (kind == "open") - (kind == "close")
        if declaring:
            declaring -= 1
        elif word in ("PREFIX", "BASE"):
            declaring = 2 if word == "PREFIX" else 1
        else:
            at_start = depth == 0 and value == ";"
    return out


class _Scanner:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.prefixes: dict[str, str] = {}
        self.base = ""

    def iri_at(self, i: int) -> str | None:
        """The IRI named by token ``i`` (IRI or prefixed name), or None."""
        if i >= len(self.tokens):
            return None
        kind, value = self.tokens[i]
        if kind == "iri":
            iri = value[1:-1]
            if "\\" in iri:
                iri = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri)
            return urljoin(self.base, iri) if self.base else iri
        if kind == "pname":
            prefix, _, local = value.partition(":")
            namespace = self.prefixes.get(prefix)
            if "\\" in local:
                local = _ESCAPE.sub(r"\1", local)
            return namespace + local if namespace is not None else value
        return None

    def target(self, i: int) -> str | None:
        """The IRI after the keyword at ``i``, skipping ``SILENT``."""
        silent = i + 1 < len(self.tokens) and self.tokens[i + 1][1].upper() == "SILENT"
        return self.iri_at(i + 2 if silent else i + 1)


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
            target = scanner.target(i)
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
            loads.append(scanner.target(i) or "")
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


def refuse(
    found: Inspection, *, max_depth: int, allowlist: tuple[str, ...] = (), reach: bool = True
) -> None:
    """Refuse what an inspected query must not do (see :func:`check`).

    :param reach: check SERVICE and LOAD targets too (``False``: only the nesting).
    :raises QueryRefused: naming the first problem.
    """
    if found.depth > max_depth:
        raise QueryRefused(f"the query nests {found.depth} levels deep; the limit is {max_depth}")
    if not reach:
        return
    if found.dynamic_service:
        raise QueryRefused("SERVICE with a variable endpoint is not allowed")
    for iri in found.services:
        if not allowed(iri, allowlist):
            raise QueryRefused(f"SERVICE <{iri}> is not allowed: this endpoint does not federate")
    for iri in found.loads:
        if not allowed(iri, allowlist):
            raise QueryRefused(f"LOAD <{iri}> is not allowed: this endpoint fetches nothing")
