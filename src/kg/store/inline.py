"""Bound values for a store that takes only query text: a VALUES block at the start of every
WHERE group (the query's own and each subquery's), so FILTERs and BINDs there see them as the
embedded engine's substitutions do.

Inline data at the end of a query (SPARQL's trailing VALUES) is joined after the WHERE
pattern is evaluated, so a FILTER on a bound variable would see it unbound. Values are
written in N-Triples syntax, never pasted as typed. Known limit: a FILTER inside a nested
OPTIONAL, UNION or MINUS group that is not a subquery does not see them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg.results import Term, ntriples

#: What to skip (strings, IRIs, comments) and what to find (query-form keywords, braces).
_LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
    r"|(?<![\w:?$])(?P<word>SELECT|ASK|DESCRIBE|CONSTRUCT|WHERE)(?![\w:-])"
    r"|(?P<brace>[{}])",
    re.IGNORECASE,
)


def _group_starts(text: str) -> list[int]:
    """Offsets just after the brace that opens the WHERE group of the query and of each
    subquery (the WHERE keyword is optional; a CONSTRUCT template is skipped; none for the
    CONSTRUCT WHERE short form)."""
    starts: list[int] = []
    pending, depth, template_depth = "", 0, -1
    for match in _LEXEMES.finditer(text):
        word, brace = (match.group("word") or "").upper(), match.group("brace")
        if word:
            # CONSTRUCT WHERE { triples }: no group to put VALUES in (it goes at the end).
            short = word == "WHERE" and pending == "template"
            pending = "template" if word == "CONSTRUCT" else "" if short else "group"
        elif brace == "{":
            if pending == "group":
                starts.append(match.end())
            elif pending == "template":
                template_depth = depth
            pending = ""
            depth += 1
        elif brace == "}":
            depth -= 1
            if depth == template_depth:
                pending, template_depth = "group", -1
    return starts


def with_values(text: str, substitutions: Mapping[str, Term]) -> str:
    """``text`` with one VALUES row binding each ``name -> term`` in every WHERE group."""
    names = " ".join(f"?{name}" for name in substitutions)
    row = " ".join(ntriples(term) for term in substitutions.values())
    block = f" VALUES ({names}) {{ ({row}) }} "
    starts = _group_starts(text)
    if not starts:
        return f"{text}\nVALUES ({names}) {{ ({row}) }}"
    pieces, last = [], 0
    for start in starts:
        pieces += [text[last:start], block]
        last = start
    return "".join(pieces) + text[last:]
