"""SPARQL Update for maintainer mode: guard, protocol dataset (USING), apply.

Updates never reach the public query endpoint. In maintainer mode (``kg serve
--allow-update``) they run here, against the read-write store, one transaction each. They
run in the web process, outside the sandbox, so LOAD is checked twice whatever ``KG_GUARD``
says: by the guard, and by a full parse of the final text.

>>> add_using("INSERT { ?s a <C> } WHERE { ?s a <D> }", ("http://g/1",), ())
'INSERT { ?s a <C> } USING <http://g/1> WHERE { ?s a <D> }'
"""

from __future__ import annotations

import re

from kg.config import Settings
from kg.errors import BadRequest, QueryRefused
from kg.query.guard import allowed, check, token_spans
from kg.results import UPDATE
from kg.store import Store

#: An absolute IRI as SPARQL writes one between ``<`` and ``>``: a scheme, then no space and
#: none of ``<>"{}|^`\\``.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\\x7f]*")


def absolute_iri(value: str, parameter: str) -> str:
    """``value`` when it is an absolute IRI.

    >>> absolute_iri("http://g/1", "using-graph-uri")
    'http://g/1'

    :raises BadRequest: naming the parameter, when it is not.
    """
    if not _ABSOLUTE_IRI.fullmatch(value):
        raise BadRequest(f"{parameter} must be an absolute IRI, got {value!r}")
    return value


def add_using(text: str, using: tuple[str, ...], using_named: tuple[str, ...]) -> str:
    """Insert ``USING`` / ``USING NAMED`` clauses before each top-level operation's WHERE.

    :raises BadRequest: when a graph is not an absolute IRI, or when the update already names
        its dataset (USING or WITH), which the protocol forbids together with
        ``using-graph-uri`` / ``using-named-graph-uri``.
    """
    if not using and not using_named:
        return text
    clauses = [f"USING <{absolute_iri(g, 'using-graph-uri')}>" for g in using]
    clauses += [f"USING NAMED <{absolute_iri(g, 'using-named-graph-uri')}>" for g in using_named]
    clause = " ".join(clauses)
    out: list[str] = []
    depth, previous, position = 0, "", 0
    for kind, value, offset in token_spans(text):
        word = value.upper() if kind == "word" else ""
        if word in ("USING", "WITH"):
            raise BadRequest(
                f"the update names its dataset with {word} and the request names one too"
            )
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif word == "WHERE" and depth == 0 and previous != "DELETE":
            out.append(text[position:offset] + clause + " ")
            position = offset
        previous = word
    out.append(text[position:])
    return "".join(out)


def parsed_loads(text: str) -> tuple[str, ...] | None:
    """The IRIs the update's LOAD operations name, by a full parse; None when rdflib cannot
    parse the text."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        operations = translateUpdate(parseUpdate(text)).algebra
    except Exception:  # any failure of the parser: the caller decides
        return None
    return tuple(str(op.get("iri")) for op in operations if op.name == "Load")


def refuse_loads(text: str, allowlist: tuple[str, ...]) -> None:
    """Refuse an update whose LOAD names an IRI off the allowlist, as a full parse reads it;
    an update that contains "load" and does not parse fully is refused too.

    :raises QueryRefused: naming the IRI.
    """
    loads = parsed_loads(text)
    if loads is None and "load" in text.lower():
        raise QueryRefused("this update mentions LOAD and cannot be checked: it is refused")
    for iri in loads or ():
        if not allowed(iri, allowlist):
            raise QueryRefused(f"LOAD <{iri}> is not allowed: this endpoint fetches nothing")


def run_update(
    store: Store,
    settings: Settings,
    text: str,
    *,
    using: tuple[str, ...] = (),
    using_named: tuple[str, ...] = (),
    base_iri: str | None = None,
) -> None:
    """Guard and apply one SPARQL Update request: the text as sent, then the final text
    (with the request's USING clauses) again, and its LOAD operations by a full parse.

    :raises BadRequest: for a USING graph that is not an absolute IRI.
    :raises QueryRefused: for a query sent as an update, or LOAD of a non-allowlisted IRI.
    :raises QuerySyntaxError: when the update does not parse or fails.
    """
    limits = {"max_bytes": settings.max_query_bytes, "max_depth": settings.max_nesting}
    found = check(text, allowlist=settings.service_allowlist, **limits)
    if found.form not in (UPDATE, None):
        raise QueryRefused("this is a query, not an update: send it to /sparql")
    final = add_using(text, using, using_named)
    check(final, allowlist=settings.service_allowlist, **limits)
    refuse_loads(final, settings.service_allowlist)
    store.update(final, base_iri=base_iri)
    store.flush()
