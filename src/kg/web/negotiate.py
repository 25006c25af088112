"""Content negotiation: pick a format for a query form from ``format=`` or Accept.

``*/*`` or no Accept gets JSON for results and Turtle for graphs; a results type asked for a
graph query gets Turtle (rdflib's SPARQLStore relies on this); 406 only when nothing fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.errors import NotAcceptable
from kg.formats import DEFAULTS, GRAPH, RESULTS, Format, by_key, lookup, of_kind
from kg.results import GRAPH_FORMS


def kind_of(form: str | None) -> str:
    """The format kind a query form produces."""
    return GRAPH if form in GRAPH_FORMS else RESULTS


def choose(
    form: str | None, accept: str | None, format_param: str | Sequence[str] | None = None
) -> Format:
    """The format to answer a query of ``form`` with.

    ``accept`` is the raw Accept header (None when absent). ``format_param`` holds the names
    clients send as ``format=`` / ``output=`` (several are allowed: SPARQLWrapper sends a short
    name and media types); the first one that names a format wins. A single name that fits
    nothing is refused; with several, Accept decides.

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


def choose_by_accept(kind: str, accept: str | None) -> Format:
    """Negotiate among the formats of ``kind`` by the raw Accept header alone.

    Answers are remembered per (kind, header): clients send the same few headers again and
    again, and parsing and matching them costs more than the rest of a small query's handling.

    :raises NotAcceptable: when nothing fits.
    """
    header = accept or ""
    if len(header) > _MAX_CACHED_HEADER:
        found = _negotiate.__wrapped__(kind, header)
    else:
        found = _negotiate(kind, header)
    if found is None:
        offered = ", ".join(f.media_type for f in of_kind(kind))
        raise NotAcceptable(f"none of the accepted types fits; this result can be {offered}")
    return found


#: Longer headers are matched each time, so that odd clients cannot fill the cache.
_MAX_CACHED_HEADER = 1024


@lru_cache(maxsize=256)
def _negotiate(kind: str, header: str) -> Format | None:
    accept = parse_accept_header(header, MIMEAccept)
    if not accept or not list(accept.values()):
        return by_key(DEFAULTS[kind])
    best = accept.best_match(list(_candidates(kind)))
    return None if best is None else _candidates(kind)[best]


@lru_cache(maxsize=4)
def _candidates(kind: str) -> dict[str, Format]:
    """Media types a client may ask for a result of ``kind``, each with the format it gets."""
    candidates: dict[str, Format] = {}
    for fmt in of_kind(kind):
        for media in (fmt.media_type, *fmt.extra_media_types):
            candidates.setdefault(media, fmt)
    if kind == GRAPH:
        candidates.setdefault("application/json", by_key("jsonld"))
        for fmt in of_kind(RESULTS):
            for media in (fmt.media_type, *fmt.extra_media_types):
                candidates.setdefault(media, by_key(DEFAULTS[GRAPH]))
    return candidates
