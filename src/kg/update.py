"""SPARQL Update for maintainer mode: guard, protocol dataset (USING), apply.

Updates never reach the public query endpoint. In maintainer mode (``kg serve
--allow-update``) they run here, against the read-write store, one transaction each.

>>> add_using("INSERT { ?s a <C> } WHERE { ?s a <D> }", ("http://g/1",), ())
'INSERT { ?s a <C> } USING <http://g/1> WHERE { ?s a <D> }'
"""

from __future__ import annotations

from kg.config import Settings
from kg.errors import BadRequest, QueryRefused
from kg.query.guard import check, token_spans
from kg.results import UPDATE
from kg.store import Store


def add_using(text: str, using: tuple[str, ...], using_named: tuple[str, ...]) -> str:
    """Insert ``USING`` / ``USING NAMED`` clauses before each top-level operation's WHERE.

    :raises BadRequest: when the update already names its dataset (USING or WITH), which
        the protocol forbids together with ``using-graph-uri`` / ``using-named-graph-uri``.
    """
    if not using and not using_named:
        return text
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
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


def run_update(
    store: Store,
    settings: Settings,
    text: str,
    *,
    using: tuple[str, ...] = (),
    using_named: tuple[str, ...] = (),
    base_iri: str | None = None,
) -> None:
    """Guard and apply one SPARQL Update request.

    :raises QueryRefused: for a query sent as an update, or LOAD of a non-allowlisted IRI.
    :raises QuerySyntaxError: when the update does not parse or fails.
    """
    found = check(
        text,
        max_bytes=settings.max_query_bytes,
        max_depth=settings.max_nesting,
        allowlist=settings.service_allowlist,
    )
    if found.form not in (UPDATE, None):
        raise QueryRefused("this is a query, not an update: send it to /sparql")
    store.update(add_using(text, using, using_named), base_iri=base_iri)
    store.flush()
