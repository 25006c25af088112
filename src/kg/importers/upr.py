"""UPR Info database exports as ``tp:Recommendation`` nodes.

An export has the columns :data:`COLUMNS`, one recommendation a row, ``Issue`` holding UPR
Info's issues separated by commas. Real exports are Mac Roman with bare CR line ends; a copy
may have been re-encoded to UTF-8, with LF or CRLF line ends. :func:`read_rows` reads any of
these. :func:`convert` keeps the rows addressed to the chosen states that carry the chosen issue
and models them as ``data/turtle/README.md`` describes:

* the key is ``recommendation/upr-<h>``, ``<h>`` the first 16 hex digits of the SHA-256 of
  ``To|Session|From|Text`` (UTF-8; cells trimmed, the text whitespace-normalised);
* ``schema:text`` (the normalised text), ``rdfs:label``, ``tp:recommendedBy`` (a
  ``schema:Country`` node ``country/<slug>``), ``tp:addressee`` (``state/<ISO alpha-3>``),
  ``tp:uprSession``, ``tp:uprActionCategory``, ``tp:response`` (``response/accepted`` or
  ``response/noted``), ``dct:source`` and ``prov:wasDerivedFrom`` the export's document node
  (described in ``data/turtle/facts/sources.ttl``, not here);
* ``dct:subject``: each UPR Info issue (``upr-info-issue/<slug>``), the theme "torture
  prevention", and the keyword themes of :func:`keyword_themes`.

>>> slug("Women's rights"), slug("Asylum-seekers - refugees"), slug("Côte d’Ivoire")
('women-s-rights', 'asylum-seekers-refugees', 'cote-d-ivoire')
>>> recommendation_key("Kazakhstan", "7", "Germany", " Ratify  OPCAT ")
'upr-bcff41600665ca6b'
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg.errors import InputError
from kg.namespaces import DEFAULT_BASE, TP, resource_iri

DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
TPNS = Namespace(TP)

COLUMNS = tuple(
    "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session".split(",")
)
TORTURE_ISSUE = "Torture and other CID treatment"
SOURCE_KEY = "upr-info-database"
RESPONSES = {"Accepted": "accepted", "Noted": "noted"}

#: The ISO 3166-1 alpha-3 code of each state under review this importer knows, by its name in
#: UPR Info exports (the UN short name). Each needs a ``tp:State`` node in
#: ``data/turtle/entities/states.ttl``; extend both to import other states.
ISO3_BY_NAME: dict[str, str] = {
    "Kazakhstan": "KAZ",
    "Kyrgyzstan": "KGZ",
    "Tajikistan": "TJK",
}

#: Editorial keyword rules (``data/turtle/README.md``, "Themes of UPR rows"): a theme key and
#: the patterns that must all occur in the text (case-insensitive). "OPCAT ratification" needs
#: OPCAT named (OP-CAT, OPCAT, Optional Protocol to the CAT or to the Convention against
#: Torture) and a word for becoming party (ratify, accede, sign); "national preventive
#: mechanism" needs the words "national preventive mechanism" or "national preventative
#: mechanism".
KEYWORD_THEMES: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    (
        "opcat-ratification",
        (
            re.compile(
                r"\bOP-?CAT\b|\bOptional Protocol to the (?:CAT|Convention against Torture)\b",
                re.IGNORECASE,
            ),
            re.compile(r"\b(?:ratif\w*|acced\w*|accession|sign|signs|signed|signing)\b", re.I),
        ),
    ),
    ("npm", (re.compile(r"\bnational prevent(?:ive|ative) mechanism", re.IGNORECASE),)),
)


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """The rows of the UPR Info export ``path``, each a dict from column name to cell.

    The file is read as UTF-8 if it decodes strictly as UTF-8 (a byte order mark is dropped),
    otherwise as Mac Roman; CR, LF and CRLF line ends are accepted, blank lines skipped.

    :raises InputError: if the file cannot be read, lacks a column of :data:`COLUMNS`, has a
        row with the wrong number of cells, or a ``Session`` or ``Action`` that is not a number
        (Session a positive integer, Action an integer from 1 to 5).
    """
    return [row for _, row in _numbered_rows(Path(path))]


def convert(
    path: str | Path,
    *,
    issue: str = TORTURE_ISSUE,
    states: Iterable[str] = ("Kazakhstan", "Kyrgyzstan", "Tajikistan"),
    base: str = DEFAULT_BASE,
) -> Graph:
    """The recommendations of the export ``path`` to ``states`` whose issues include ``issue``.

    :param path: a UPR Info export (see :func:`read_rows`).
    :param issue: a UPR Info issue, as the export spells it.
    :param states: states under review, as the ``To`` column names them, each a key of
        :data:`ISO3_BY_NAME`.
    :param base: the base of resource IRIs.
    :raises InputError: for bad input (see :func:`read_rows`), an unknown state, a state the
        export has no row for, an empty ``Text`` or a ``Response`` other than Accepted, Noted
        or empty in a kept row.
    """
    wanted = {name: _iso3(name) for name in states}
    file = Path(path)
    graph = _new_graph(base)
    source = URIRef(resource_iri("document", SOURCE_KEY, base))
    found: set[str] = set()
    for number, row in _numbered_rows(file):
        to = row["To"].strip()
        if to not in wanted:
            continue
        found.add(to)
        if issue in _issues(row):
            _add_recommendation(graph, row, wanted[to], source, base, f"{file}: row {number}")
    missing = [name for name in wanted if name not in found]
    if missing:
        raise InputError(f"{file}: no row for {', '.join(missing)}")
    return graph


def normalise(text: str) -> str:
    """``text`` with each whitespace run replaced by one space, trimmed."""
    return " ".join(text.split())


def slug(label: str) -> str:
    """The IRI key of a label: accents dropped, lower case, each run of other characters than
    a-z and 0-9 one hyphen."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")


def recommendation_key(to: str, session: str, recommender: str, text: str) -> str:
    """The key of a UPR row: ``upr-`` and 16 hex digits of SHA-256 of ``To|Session|From|Text``."""
    fields = (to.strip(), session.strip(), recommender.strip(), normalise(text))
    return "upr-" + hashlib.sha256("|".join(fields).encode("utf-8")).hexdigest()[:16]


def keyword_themes(text: str) -> list[str]:
    """The keys of the themes :data:`KEYWORD_THEMES` gives ``text``."""
    return [key for key, patterns in KEYWORD_THEMES if all(p.search(text) for p in patterns)]


def _iso3(name: str) -> str:
    try:
        return ISO3_BY_NAME[name]
    except KeyError:
        raise InputError(f"no ISO 3166-1 alpha-3 code known for {name!r}") from None


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("mac_roman")
    return text.removeprefix("\ufeff")


def _numbered_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The data rows with their row number in the file (the header is row 1)."""
    reader = csv.reader(io.StringIO(_decode(path), newline=""))
    try:
        records = [record for record in reader if record]
    except csv.Error as exc:
        raise InputError(f"{path}: row {reader.line_num}: not CSV ({exc})") from None
    if not records:
        raise InputError(f"{path}: empty file, expected the columns {', '.join(COLUMNS)}")
    header = [name.strip() for name in records[0]]
    absent = [name for name in COLUMNS if name not in header]
    if absent:
        raise InputError(f"{path}: row 1: missing the columns {', '.join(absent)}")
    rows = []
    for number, record in enumerate(records[1:], start=2):
        where = f"{path}: row {number}"
        if len(record) != len(header):
            raise InputError(f"{where}: {len(record)} cells, expected {len(header)}")
        row = dict(zip(header, record, strict=True))
        _number(row, "Session", 1, None, where)
        _number(row, "Action", 1, 5, where)
        rows.append((number, row))
    return rows


def _number(row: dict[str, str], column: str, low: int, high: int | None, where: str) -> int:
    value = row[column].strip()
    number = int(value) if value.isascii() and value.isdigit() else None
    if number is None or number < low or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise InputError(f"{where}: {column} is {value!r}, not an integer {bounds}")
    return number


def _issues(row: dict[str, str]) -> list[str]:
    return [name.strip() for name in row["Issue"].split(",") if name.strip()]


def _new_graph(base: str) -> Graph:
    graph = Graph()
    for prefix, iri in (("tp", TP), ("dct", DCT), ("prov", PROV), ("schema", SCHEMA)):
        graph.bind(prefix, iri)
    for prefix, kind in (
        ("st", "state"),
        ("doc", "document"),
        ("rec", "recommendation"),
        ("theme", "theme"),
        ("uprissue", "upr-info-issue"),
        ("country", "country"),
    ):
        graph.bind(prefix, resource_iri(kind, "", base))
    return graph


def _add_recommendation(
    graph: Graph, row: dict[str, str], iso3: str, source: URIRef, base: str, where: str
) -> None:
    to, recommender, session = row["To"].strip(), row["From"].strip(), row["Session"].strip()
    text = normalise(row["Text"])
    if not text or not recommender:
        raise InputError(f"{where}: empty {'Text' if not text else 'From'}")
    response = row["Response"].strip()
    if response and response not in RESPONSES:
        raise InputError(f"{where}: Response is {response!r}, not {' or '.join(RESPONSES)}")
    key = recommendation_key(to, session, recommender, text)
    node = URIRef(resource_iri("recommendation", key, base))
    country = _add_country(graph, recommender, base)
    label = f"UPR session {int(session)}: {recommender} to {to}"
    graph.add((node, RDF.type, TPNS.Recommendation))
    graph.add((node, RDFS.label, Literal(label, lang="en")))
    graph.add((node, SCHEMA.text, Literal(text, lang="en")))
    graph.add((node, TPNS.recommendedBy, country))
    graph.add((node, TPNS.addressee, URIRef(resource_iri("state", iso3, base))))
    graph.add((node, TPNS.uprSession, Literal(int(session))))
    graph.add((node, TPNS.uprActionCategory, Literal(int(row["Action"].strip()))))
    if response:
        concept = resource_iri("response", RESPONSES[response], base)
        graph.add((node, TPNS.response, URIRef(concept)))
    subjects = [resource_iri("upr-info-issue", slug(name), base) for name in _issues(row)]
    themes = ["torture-prevention", *keyword_themes(text)]
    subjects += [resource_iri("theme", key, base) for key in themes]
    for subject in subjects:
        graph.add((node, DCT.subject, URIRef(subject)))
    graph.add((node, DCT.source, source))
    graph.add((node, PROV.wasDerivedFrom, source))


def _add_country(graph: Graph, name: str, base: str) -> URIRef:
    country = URIRef(resource_iri("country", slug(name), base))
    graph.add((country, RDF.type, SCHEMA.Country))
    graph.add((country, RDFS.label, Literal(name, lang="en")))
    graph.add((country, SCHEMA.name, Literal(name, lang="en")))
    return country


HEADER = """\
# Generated by kg.importers.upr from the UPR Info database export (rows to Kazakhstan,
# Kyrgyzstan and Tajikistan, sessions 7, 8, 12 and 20, with the issue "Torture and other CID
# treatment"); do not edit by hand. Source: the export in the rochelleterman/uprs repository,
# v.2/Data/CSVs at commit 986898e98047b8828c47a515b24e161910b88134. The source states no
# licence. Key recipe and theme rules: data/turtle/README.md.

"""


def write_turtle(path: str | Path, out: str | Path) -> None:
    """Convert the export ``path`` (:func:`convert` defaults) and write it to ``out`` as Turtle
    after :data:`HEADER`; ``python -m kg.importers.upr EXPORT.csv OUT.ttl`` does the same."""
    text = HEADER + convert(path).serialize(format="turtle")
    Path(out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_turtle(*sys.argv[1:3])
