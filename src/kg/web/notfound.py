"""The 404 page for browsers: a search for the key, and the nearest IRIs that exist.

For ``/id/<type>/<key>`` the nearest IRIs are the resources of the same type whose keys are
most like the key asked for (rapidfuzz), or, when no resource has that type, the types most
like it. Other clients get the one JSON error as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, render_template, request
from rapidfuzz import fuzz, process

from kg.errors import KgError
from kg.web.labels import LABEL_PATH, QUERY_PREFIXES, iri_ref
from kg.web.reads import select, state
from kg.web.service import wants_html

#: Most suggestions shown, and the least score (0-100) a suggestion needs.
NEAREST = 8
MIN_SCORE = 50.0

_KEYS = (
    "SELECT DISTINCT ?prefix ?key WHERE { ?s ?p ?o FILTER(isIRI(?s)) "
    'BIND(STRAFTER(STR(?s), STR(?prefix)) AS ?key) FILTER(?key != "") }'
)
_TYPES = (
    "SELECT DISTINCT ?prefix ?key WHERE { ?s ?p ?o FILTER(isIRI(?s)) "
    'BIND(STRBEFORE(STRAFTER(STR(?s), STR(?prefix)), "/") AS ?key) FILTER(?key != "") }'
)


@dataclass(frozen=True)
class Suggestion:
    """An IRI that exists, near the one asked for: its path here and the text shown."""

    path: str
    text: str


def _nearest(wanted: str, candidates: list[str], whole: bool = False) -> list[str]:
    """The candidates most like ``wanted``; ``whole`` compares whole strings only (a type
    name), else parts count too (``KAZ`` in ``KAZ-CAT-wpdl``)."""
    scorer = fuzz.ratio if whole else fuzz.WRatio
    found = process.extract(
        wanted, candidates, scorer=scorer, limit=NEAREST, score_cutoff=MIN_SCORE
    )
    return [match for match, _, _ in found]


def _keys(query: str, prefix: str) -> list[str]:
    return [row["key"]["value"] for row in select(query, prefix=prefix)]


def nearest(path: str) -> list[Suggestion]:
    """The existing resources nearest to the ``/id/...`` ``path`` asked for (none for
    other paths); the candidates are the first the row cap lets through."""
    if not path.startswith("/id/") or "/" not in path[4:]:
        return []
    kind, key = path[4:].split("/", 1)
    base = state().settings.base_iri + "id/"
    same_type = _keys(_KEYS, f"{base}{kind}/")
    if not same_type:
        types = _nearest(kind, _keys(_TYPES, base), whole=True)
        if not types:
            return []
        kind, same_type = types[0], _keys(_KEYS, f"{base}{types[0]}/")
    keys = _nearest(key, same_type)
    labels = _labels([f"{base}{kind}/{k}" for k in keys])
    return [
        Suggestion(f"/id/{kind}/{k}", f"{labels.get(f'{base}{kind}/{k}', k)} ({kind}/{k})")
        for k in keys
    ]


def _labels(iris: list[str]) -> dict[str, str]:
    """The labels of ``iris`` (one query)."""
    if not iris:
        return {}
    values = " ".join(map(iri_ref, iris))
    query = f"{QUERY_PREFIXES}SELECT ?s (MIN(STR(?l)) AS ?label) {{ VALUES ?s {{ {values} }}"
    query += f" ?s {LABEL_PATH} ?l }} GROUP BY ?s"
    return {row["s"]["value"]: row["label"]["value"] for row in select(query)}


def search_key(path: str) -> str:
    """What to search for: the last segment of the path, words apart."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.replace("-", " ").replace("_", " ")


def browser_page(error: KgError) -> Response | None:
    """The HTML 404 page when a browser asked, else None (the JSON error is sent)."""
    if error.status != 404 or not wants_html(request.accept_mimetypes):
        return None
    try:
        suggestions = nearest(request.path)
    except KgError:
        suggestions = []  # a busy or failing store leaves the page without suggestions
    html = render_template(
        "not_found.html",
        message=error.message,
        path=request.path,
        key=search_key(request.path),
        suggestions=suggestions,
    )
    return Response(html, 404, content_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
