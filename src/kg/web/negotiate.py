"""Content negotiation: pick a format for a query form from ``format=`` or Accept.

``*/*`` or no Accept gets JSON for results and Turtle for graphs; a results type asked for a
graph query gets Turtle (rdflib's SPARQLStore relies on this); 406 only when nothing fits.
"""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept

from kg.errors import NotAcceptable
from kg.formats import DEFAULTS, GRAPH, RESULTS, Format, by_key, lookup, of_kind
from kg.results import GRAPH_FORMS


def kind_of(form: str | None) -> str:
    """The format kind a query form produces."""
    return GRAPH if form in GRAPH_FORMS else RESULTS


def choose(
    form: str | None, accept: MIMEAccept, format_param: str | Sequence[str] | None = None
) -> Format:
    """The format to answer a query of ``form`` with.

    ``format_param`` holds the names clients send as ``format=`` / ``output=`` (several are
    allowed: SPARQLWrapper sends a short name and media types); the first one that names a
    format wins. A single name that fits nothing is refused; with several, Accept decides.

    :raises NotAcceptable: when neither the parameters nor the Accept header name a usable
        format.
    """
    kind = kind_of(form)
    names = [format_param] if isinstance(format_param, str) else list(format_param or ())
    for name in names:
        found = lookup(name, kind)
        if found is None and kind == GRAPH and lookup(name, RESULTS):
            found = by_key(DEFAULTS[GRAPH])
        if found is not None:
            return found
    if len(names) == 1:
        raise NotAcceptable(f"format {names[0]!r} cannot express a {form} result")
    return choose_by_accept(kind, accept)


def choose_by_accept(kind: str, accept: MIMEAccept) -> Format:
    """Negotiate among the formats of ``kind`` by the Accept header alone.

    :raises NotAcceptable: when nothing fits.
    """
    if not accept or not list(accept.values()):
        return by_key(DEFAULTS[kind])
    candidates: dict[str, Format] = {}
    for fmt in of_kind(kind):
        for media in (fmt.media_type, *fmt.extra_media_types):
            candidates.setdefault(media, fmt)
    if kind == GRAPH:
        candidates.setdefault("application/json", by_key("jsonld"))
        for fmt in of_kind(RESULTS):
            for media in (fmt.media_type, *fmt.extra_media_types):
                candidates.setdefault(media, by_key(DEFAULTS[GRAPH]))
    best = accept.best_match(list(candidates))
    if best is None:
        offered = ", ".join(f.media_type for f in of_kind(kind))
        raise NotAcceptable(f"none of the accepted types fits; this result can be {offered}")
    return candidates[best]
