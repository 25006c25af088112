"""Ratification status tables of the world-politics-datalab as ``tp:TreatyStatusRecord`` nodes.

One record per table row and chosen state, kept as the table gives it (including rows that
contradict themselves, which the SHACL shapes then report), with the table as source document.
The tables restate the UN Treaty Collection and state no licence; the source node says so.

>>> ISO2_BY_ISO3["KAZ"], TREATIES["ICCPR-OP1"].file
('KZ', 'hr_status_iccpr_op1.csv')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kg.errors import InputError
from kg.namespaces import DEFAULT_BASE, TP, resource_iri

DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SCHEMA = Namespace("https://schema.org/")
TPNS = Namespace(TP)

COLUMNS = (
    "iso2",
    "member",
    "state party",
    "year ratification or accession",
    "signatory",
    "no action",
    "status",
    "note",
)
REPOSITORY = (
    "https://github.com/world-politics-datalab/humanrights-treaties-ratification-status/blob/"
    "fdb779e6a4a121c3024b4a72e72833a448a2b62d/"
)
NO_LICENCE = "No licence is stated by the source repository."

#: ISO 3166-1 alpha-3 to alpha-2 for the states this importer knows: Central Asia, the other
#: OSCE participating States of the former Soviet Union, and Mongolia and Afghanistan.
#: Extend the table to import other states.
ISO2_BY_ISO3: dict[str, str] = {
    "KAZ": "KZ",
    "KGZ": "KG",
    "TJK": "TJ",
    "TKM": "TM",
    "UZB": "UZ",
    "RUS": "RU",
    "BLR": "BY",
    "UKR": "UA",
    "MDA": "MD",
    "ARM": "AM",
    "AZE": "AZ",
    "GEO": "GE",
    "MNG": "MN",
    "AFG": "AF",
}


@dataclass(frozen=True)
class Treaty:
    """A treaty the tables cover: the table's file name and the label of its source node."""

    file: str
    label: str


TREATIES: dict[str, Treaty] = {
    "CAT": Treaty("hr_status_cat.csv", "CAT"),
    "OPCAT": Treaty("hr_status_opcat.csv", "OPCAT"),
    "ICCPR": Treaty("hr_status_iccpr.csv", "ICCPR"),
    "ICCPR-OP1": Treaty("hr_status_iccpr_op1.csv", "ICCPR Optional Protocol"),
}


def convert(
    csv_path: str | Path,
    treaty_key: str,
    states: Iterable[str] = ("KAZ", "KGZ", "TJK"),
    *,
    base: str = DEFAULT_BASE,
) -> Graph:
    """The rows of ``states`` in the ratification table ``csv_path`` for ``treaty_key``.

    :param csv_path: a world-politics-datalab ``hr_status_*.csv`` file.
    :param treaty_key: the treaty's key, one of :data:`TREATIES` (e.g. ``"ICCPR-OP1"``).
    :param states: ISO 3166-1 alpha-3 codes, each in :data:`ISO2_BY_ISO3`.
    :param base: the base of resource IRIs.
    :raises InputError: for an unknown treaty or state, a file that is not such a table, or a
        state the table does not list.
    """
    if treaty_key not in TREATIES:
        raise InputError(f"unknown treaty {treaty_key!r}; known: {', '.join(TREATIES)}")
    wanted = {_iso2(code): code for code in states}
    graph = _new_graph(base)
    source = _add_source(graph, treaty_key, base)
    found: set[str] = set()
    for row in _rows(Path(csv_path)):
        iso3 = wanted.get(row["iso2"].strip())
        if iso3 is not None:
            _add_record(graph, row, iso3, treaty_key, source, base)
            found.add(iso3)
    missing = sorted(set(wanted.values()) - found)
    if missing:
        raise InputError(f"{csv_path}: no row for {', '.join(missing)}")
    return graph


def _iso2(iso3: str) -> str:
    try:
        return ISO2_BY_ISO3[iso3]
    except KeyError:
        raise InputError(f"no ISO 3166-1 alpha-2 code known for {iso3!r}") from None


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise InputError(f"{path}: expected the columns {', '.join(COLUMNS)}")
            return list(reader)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def _flag(row: dict[str, str], column: str) -> Literal:
    value = row[column].strip()
    if value not in ("0", "1"):
        raise InputError(f"row {row['iso2']}: {column!r} is {value!r}, not 0 or 1")
    return Literal(value == "1")


def _new_graph(base: str) -> Graph:
    graph = Graph()
    for prefix, iri in (("tp", TP), ("dct", DCT), ("prov", PROV), ("skos", SKOS)):
        graph.bind(prefix, iri)
    graph.bind("schema", SCHEMA)
    graph.bind("ts", resource_iri("treaty-status", "", base))
    return graph


def _add_source(graph: Graph, treaty_key: str, base: str) -> URIRef:
    treaty = TREATIES[treaty_key]
    source = URIRef(resource_iri("document", "wpdl-hr-status-" + treaty_key.lower(), base))
    label = f"world-politics-datalab ratification status table: {treaty.label}"
    graph.add((source, RDF.type, TPNS.Document))
    graph.add((source, RDFS.label, Literal(label, lang="en")))
    graph.add((source, DCT.title, Literal(treaty.file, lang="en")))
    graph.add(
        (
            source,
            DCT.publisher,
            URIRef(resource_iri("organization", "world-politics-datalab", base)),
        )
    )
    graph.add((source, SCHEMA.url, URIRef(REPOSITORY + treaty.file)))
    graph.add(
        (
            source,
            PROV.wasDerivedFrom,
            URIRef(resource_iri("document", "un-treaty-collection", base)),
        )
    )
    graph.add((source, DCT.rights, Literal(NO_LICENCE, lang="en")))
    return source


def _add_record(
    graph: Graph, row: dict[str, str], iso3: str, treaty_key: str, source: URIRef, base: str
) -> None:
    record = URIRef(resource_iri("treaty-status", f"{iso3}-{treaty_key}-wpdl", base))
    status = row["status"].strip()
    label = f"{row['member'].strip()}, {treaty_key}: {status} (world-politics-datalab table)"
    graph.add((record, RDF.type, TPNS.TreatyStatusRecord))
    graph.add((record, RDFS.label, Literal(label, lang="en")))
    graph.add((record, TPNS.state, URIRef(resource_iri("state", iso3, base))))
    graph.add((record, TPNS.treaty, URIRef(resource_iri("treaty", treaty_key, base))))
    graph.add((record, TPNS.isStateParty, _flag(row, "state party")))
    graph.add((record, TPNS.isSignatory, _flag(row, "signatory")))
    graph.add((record, TPNS.statusText, Literal(status)))
    year = row["year ratification or accession"].strip()
    if year:
        graph.add((record, TPNS.year, Literal(year, datatype=XSD.gYear)))
    note = row["note"].strip()
    if note:
        graph.add((record, SKOS.note, Literal(note)))
    graph.add((record, DCT.source, source))
    graph.add((record, PROV.wasDerivedFrom, source))
