"""UPR Info database exports as ``tp:Recommendation`` nodes.

:func:`import_export` models every row of the export (options may keep only some states or one
issue) as ``data/turtle/README.md`` describes, and lists each row it cannot import with the
reason:

* the key is ``recommendation/upr-<h>``, ``<h>`` the first 16 hex digits of the SHA-256 of
  ``To|Session|From|Text`` (UTF-8; cells trimmed, the text whitespace-normalised);
* ``schema:text`` (the normalised text), ``rdfs:label``, ``tp:recommendedBy`` (the
  ``tp:State`` of the name, or a ``schema:Country`` node ``country/<slug>`` when the ISO data
  does not know it: :func:`recommending_state`), ``tp:addressee`` (``state/<ISO alpha-3>``),
  ``tp:uprSession``, ``tp:uprActionCategory``, ``tp:response`` (``response/accepted`` or
  ``response/noted``),
  ``dct:source`` and ``prov:wasDerivedFrom`` the export's document node;
* ``dct:subject``: each UPR Info issue (``upr-info-issue/<slug>``) and the themes of
  :func:`themes`.

>>> slug("Women's rights"), slug("Asylum-seekers - refugees"), slug("Côte d’Ivoire")
('women-s-rights', 'asylum-seekers-refugees', 'cote-d-ivoire')
>>> recommendation_key("Kazakhstan", "7", "Germany", " Ratify  OPCAT ")
'upr-bcff41600665ca6b'
>>> themes("Consider ratifying the OP-CAT", ["International instruments"])
['torture-prevention', 'opcat-ratification']
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kg.errors import InputError
from kg.importers.countries import SKOS, Sink, add_state, alpha3_from_name
from kg.importers.triples import Triples, nt_iri, nt_literal, nt_term
from kg.importers.upr_rows import RESPONSES, Row, issues, numbered_rows, problem
from kg.namespaces import DEFAULT_BASE, TP, resource_iri

DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
TPNS = Namespace(TP)

TORTURE_ISSUE = "Torture and other CID treatment"
SOURCE_KEY = "upr-info-database"

#: The ISO 3166-1 alpha-3 code of each state under review this importer knows, by its name in
#: UPR Info exports (the UN short name). Each needs a ``tp:State`` node in
#: ``data/turtle/entities/states.ttl``; extend both to import other states.
ISO3_BY_NAME: dict[str, str] = {"Kazakhstan": "KAZ", "Kyrgyzstan": "KGZ", "Tajikistan": "TJK"}

_OPCAT = re.compile(
    r"\bOP-?CAT\b|\bOptional Protocol to the (?:CAT|Convention against Torture)\b", re.I
)
_BECOME_PARTY = re.compile(r"\b(?:ratif\w*|acced\w*|accession|sign|signs|signed|signing)\b", re.I)
_NPM = re.compile(r"\bnational prevent(?:ive|ative) mechanism", re.I)
_TORTURE = re.compile(r"\btortur\w*|\bill-treatment\b|\bcruel, inhuman\b", re.I)

#: Editorial keyword rules (``data/turtle/README.md``, "Themes of UPR rows"): a theme key and
#: the patterns that must all occur in the text (case-insensitive).
KEYWORD_THEMES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    ("opcat-ratification", (_OPCAT, _BECOME_PARTY)),
    ("npm", (_NPM,)),
)


@dataclass
class Rejected:
    """A row that was not imported: its row number and the reason."""

    row: int
    reason: str


@dataclass
class ImportResult:
    """The triples of the imported rows, how many rows were read, kept by the filters and
    imported, and the rejected rows."""

    graph: Triples
    read: int = 0
    selected: int = 0
    imported: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    #: Each imported row's own node (its recommendation) -> the row number.
    rows: dict[URIRef, int] = field(default_factory=dict)


def import_export(
    path: str | Path,
    *,
    issue: str | None = None,
    states: Iterable[str] | None = None,
    base: str = DEFAULT_BASE,
    progress: Callable[[Iterable[Row]], Iterable[Row]] = lambda rows: rows,
) -> ImportResult:
    """Every row of the export ``path`` (to ``states`` and with ``issue`` if given).

    :param issue: keep only rows whose issues include this one, as the export spells it.
    :param states: keep only rows to these states under review (names as in ``To``), each a
        key of :data:`ISO3_BY_NAME`.
    :param progress: wraps the rows, e.g. in a progress bar.
    :raises InputError: if the file cannot be read or lacks a column, for an unknown state in
        ``states`` or a state of ``states`` the export has no row for.
    """
    wanted = None if states is None else {name: _iso3(name) for name in states}
    rows = numbered_rows(path)
    result = ImportResult(_new_graph(base), read=len(rows))
    source = URIRef(resource_iri("document", SOURCE_KEY, base))
    seen: dict[str, int] = {}
    countries: dict[str, URIRef] = {}
    found: set[str] = set()
    for row in progress(rows):
        reason = problem(row)
        if reason is None and row.cells is not None:
            to = row.cells["To"].strip()
            if wanted is not None and to not in wanted:
                continue
            found.add(to)
            if issue is not None and issue not in issues(row.cells):
                continue
            reason = _add_row(result, row, (source, base), seen, countries)
        result.selected += 1
        if reason is None:
            result.imported += 1
        else:
            result.rejected.append(Rejected(row.number, reason))
    missing = [name for name in wanted or () if name not in found]
    if missing:
        raise InputError(f"{path}: no row for {', '.join(missing)}")
    return result


def convert(path: str | Path, **options: object) -> Graph:
    """The graph of :func:`import_export` (same options), rejected rows dropped."""
    return import_export(path, **options).graph.to_graph()  # type: ignore[arg-type]


def normalise(text: str) -> str:
    """``text`` with each whitespace run replaced by one space, trimmed."""
    return " ".join(text.split())


@functools.lru_cache(maxsize=4096)
def slug(label: str) -> str:
    """The IRI key of a label: accents dropped, lower case, each run of other characters than
    a-z and 0-9 one hyphen."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")


def recommendation_key(to: str, session: str, recommender: str, text: str) -> str:
    """The key of a UPR row: ``upr-`` and 16 hex digits of SHA-256 of ``To|Session|From|Text``."""
    fields = (to.strip(), session.strip(), recommender.strip(), normalise(text))
    return "upr-" + hashlib.sha256("|".join(fields).encode("utf-8")).hexdigest()[:16]


def themes(text: str, row_issues: Iterable[str]) -> list[str]:
    """The theme keys of a row: "torture prevention" when UPR Info files it under
    :data:`TORTURE_ISSUE`, the text names torture or ill-treatment, or a keyword theme applies;
    then the keyword themes of :data:`KEYWORD_THEMES`."""
    keyword = [key for key, patterns in KEYWORD_THEMES if all(p.search(text) for p in patterns)]
    torture = TORTURE_ISSUE in row_issues or _TORTURE.search(text) is not None
    return (["torture-prevention"] if torture or keyword else []) + keyword


def _iso3(name: str) -> str:
    try:
        return ISO3_BY_NAME[name]
    except KeyError:
        raise InputError(f"no ISO 3166-1 alpha-3 code known for {name!r}") from None


def _new_graph(base: str) -> Triples:
    graph = Triples()
    bind_prefixes(
        graph,
        (
            ("st", "state"),
            ("doc", "document"),
            ("rec", "recommendation"),
            ("theme", "theme"),
            ("uprissue", "upr-info-issue"),
            ("country", "country"),
            ("response", "response"),
        ),
        base,
    )
    return graph


def bind_prefixes(graph: Graph | Triples, kinds: Iterable[tuple[str, str]], base: str) -> None:
    """Bind the namespaces the UPR imports use (``tp``, ``dct``, ``prov``, ``schema``,
    ``skos``) and, for each ``(prefix, kind)``, the prefix of that kind's resources."""
    for prefix, iri in (("tp", TP), ("dct", DCT), ("prov", PROV), ("schema", SCHEMA)):
        graph.bind(prefix, iri)
    graph.bind("skos", SKOS)
    for prefix, kind in kinds:
        graph.bind(prefix, resource_iri(kind, "", base))


def _add_row(
    result: ImportResult,
    row: Row,
    origin: tuple[URIRef, str],
    seen: dict[str, int],
    countries: dict[str, URIRef],
) -> str | None:
    """Add the recommendation of ``row`` to ``result`` (its triples, its node in
    ``result.rows``; ``origin``: the source document and the base IRI; ``countries``: the
    recommending countries added so far, each added once); the reason it cannot be added."""
    source, base = origin
    graph = result.graph
    assert row.cells is not None
    cells = row.cells
    to, recommender, session = cells["To"].strip(), cells["From"].strip(), cells["Session"].strip()
    if to not in ISO3_BY_NAME:
        return f"no ISO 3166-1 alpha-3 code known for the state under review {to!r}"
    text = normalise(cells["Text"])
    key = recommendation_key(to, session, recommender, text)
    if key in seen:
        return f"same To, Session, From and Text as row {seen[key]}"
    seen[key] = row.number
    iri = resource_iri("recommendation", key, base)
    result.rows[URIRef(iri)] = row.number
    node = nt_iri(iri)
    country = countries.get(recommender)
    if country is None:
        country = countries[recommender] = recommending_state(graph, recommender, source, base)
    label = f"UPR session {int(session)}: {recommender} to {to}"
    add = graph.add_nt
    add(node, _P["type"], _RECOMMENDATION)
    add(node, _P["label"], nt_literal(label, "en"))
    add(node, _P["text"], nt_literal(text, "en"))
    add(node, _P["recommendedBy"], nt_term(country))
    add(node, _P["addressee"], _node("state", ISO3_BY_NAME[to], base))
    add(node, _P["uprSession"], nt_literal(str(int(session)), datatype=_INTEGER))
    add(node, _P["uprActionCategory"], nt_literal(str(int(cells["Action"])), datatype=_INTEGER))
    response = cells["Response"].strip()
    if response:
        add(node, _P["response"], _node("response", RESPONSES[response], base))
    row_issues = issues(cells)
    subjects = [_node("upr-info-issue", slug(name), base) for name in row_issues]
    subjects += [_node("theme", key, base) for key in themes(text, row_issues)]
    for subject in subjects:
        add(node, _P["subject"], subject)
    add(node, _P["source"], nt_term(source))
    add(node, _P["wasDerivedFrom"], nt_term(source))
    return None


@functools.lru_cache(maxsize=4096)
def _node(kind: str, key: str, base: str) -> str:
    """The node of a resource that many rows name (states, issues, themes, responses), in
    N-Triples form."""
    return nt_iri(resource_iri(kind, key, base))


#: The predicates of a row, in N-Triples form.
_P = {
    name: nt_term(term)
    for name, term in {
        "type": RDF.type,
        "label": RDFS.label,
        "text": SCHEMA.text,
        "recommendedBy": TPNS.recommendedBy,
        "addressee": TPNS.addressee,
        "uprSession": TPNS.uprSession,
        "uprActionCategory": TPNS.uprActionCategory,
        "response": TPNS.response,
        "subject": DCT.subject,
        "source": DCT.source,
        "wasDerivedFrom": PROV.wasDerivedFrom,
    }.items()
}
_RECOMMENDATION = nt_term(TPNS.Recommendation)
_INTEGER = str(XSD.integer)


def recommending_state(graph: Sink, name: str, source: URIRef, base: str = DEFAULT_BASE) -> URIRef:
    """The node of the recommending State a source names ``name``, added to ``graph``: its
    ``tp:State`` (``state/<alpha-3>``, the source's spelling as ``skos:altLabel`` where it
    differs) when the ISO 3166 data knows the name, else a ``schema:Country`` node
    ``country/<slug>`` named as the source names it; either sourced to ``source``.

    >>> g = Graph()
    >>> str(recommending_state(g, "United Kingdom of Great Britain and Northern Ireland", SCHEMA.x))
    'https://w3id.org/tpkg/id/state/GBR'
    >>> str(recommending_state(g, "Libyan Arab Jamahiriya", SCHEMA.x))
    'https://w3id.org/tpkg/id/country/libyan-arab-jamahiriya'
    """
    alpha3 = alpha3_from_name(name)
    if alpha3 is not None:
        return add_state(graph, alpha3, source=source, name_in_source=name, base=base)
    country = URIRef(resource_iri("country", slug(name), base))
    graph.add((country, RDF.type, SCHEMA.Country))
    graph.add((country, RDFS.label, Literal(name, lang="en")))
    graph.add((country, SCHEMA.name, Literal(name, lang="en")))
    graph.add((country, DCT.source, source))
    return country


HEADER = """\
# Generated by `kg import upr` from the UPR Info database export (every row to Kazakhstan,
# Kyrgyzstan and Tajikistan, sessions 7, 8, 12 and 20); do not edit by hand. Source: the export
# in the rochelleterman/uprs repository, v.2/Data/CSVs at commit
# 986898e98047b8828c47a515b24e161910b88134. The source states no licence. Key recipe and theme
# rules: data/turtle/README.md.

"""
