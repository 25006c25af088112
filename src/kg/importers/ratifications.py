"""Ratification status tables of the world-politics-datalab as ``tp:TreatyStatusRecord`` nodes.

One record per table row (every state by default, or the chosen ones), kept as the table gives
it, with the table as source document and the row's state as a ``tp:State`` node (alpha-2 code
mapped to alpha-3 through :mod:`kg.importers.countries`). :func:`convert` keeps rows that
contradict themselves; :func:`import_table` validates them against the shapes, so such a row
is listed as rejected with the shape's message. A row with a bad cell or an unknown code is
rejected with its reason; the other rows are imported. The tables restate the UN Treaty
Collection and state no licence; the source node says so.

>>> TREATIES["ICCPR-OP1"].file, output_name("ICCPR-OP1")
('hr_status_iccpr_op1.csv', 'ratifications-iccpr-op1.ttl')
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from kg.errors import InputError
from kg.importers import countries
from kg.importers.batch import ImportResult, Rejected, RowGraph, check, merge, progress
from kg.namespaces import DEFAULT_BASE, TP, resource_iri
from kg.validation import ShapesBundle

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


def output_name(treaty_key: str) -> str:
    """The file name of a treaty's records under ``data/turtle/facts/``."""
    return f"ratifications-{treaty_key.lower()}.ttl"


def read_table(path: str | Path) -> list[dict[str, str]]:
    """The rows of a ratification table, each a dict from column to cell.

    :raises InputError: if the file cannot be read or decoded, or lacks the columns
        :data:`COLUMNS`.
    """
    file = Path(path)
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise InputError(f"{file}: expected the columns {', '.join(COLUMNS)}")
            return list(reader)
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{file}: not a UTF-8 CSV table ({exc})") from None


def build(
    csv_path: str | Path,
    treaty_key: str,
    states: Iterable[str] | None = None,
    *,
    base: str = DEFAULT_BASE,
) -> tuple[list[RowGraph], list[Rejected], Graph, int]:
    """The row graphs, the rows rejected while reading, the shared graph (the source node)
    and the number of rows read, for the table ``csv_path`` of ``treaty_key``.

    :param states: ISO 3166-1 alpha-3 codes to keep (default: every state in the table).
    :raises InputError: for an unknown treaty, an unreadable table, a code in ``states``
        that is not an alpha-3 code, or a chosen state the table does not list.
    """
    if treaty_key not in TREATIES:
        raise InputError(f"unknown treaty {treaty_key!r}; known: {', '.join(TREATIES)}")
    wanted = None if states is None else {code.strip().upper() for code in states}
    for code in sorted(wanted or ()):
        if not countries.is_alpha3(code):
            raise InputError(f"{code!r} is not an ISO 3166-1 alpha-3 code")
    table = read_table(csv_path)
    common = _new_graph(base)
    source = _add_source(common, treaty_key, base)
    rows: list[RowGraph] = []
    rejected: list[Rejected] = []
    found: set[str] = set()
    for number, row in enumerate(progress(table, treaty_key), start=2):
        iso2 = (row["iso2"] or "").strip()
        iso3 = countries.alpha3_from_alpha2(iso2)
        if iso3 is None:
            rejected.append(Rejected(number, iso2, f"iso2 {iso2!r} is not an ISO 3166 code"))
            continue
        if wanted is not None and iso3 not in wanted:
            continue
        found.add(iso3)
        try:
            rows.append(_row_graph(number, row, iso3, treaty_key, source, base))
        except ValueError as exc:
            rejected.append(Rejected(number, iso3, str(exc)))
    missing = sorted((wanted or set()) - found)
    if missing:
        raise InputError(f"{csv_path}: no row for {', '.join(missing)}")
    return rows, rejected, common, len(table)


def convert(
    csv_path: str | Path,
    treaty_key: str,
    states: Iterable[str] | None = None,
    *,
    base: str = DEFAULT_BASE,
) -> Graph:
    """The rows of ``states`` (default: all) in the table ``csv_path`` for ``treaty_key`` as
    one graph, unvalidated (see :func:`build`; rows rejected while reading are left out)."""
    rows, _, common, _ = build(csv_path, treaty_key, states, base=base)
    return merge(common, rows)


def treaty_of(path: str | Path) -> str:
    """The treaty key whose table file name ``path`` ends with (``wpdl_hr_status_cat.csv``
    -> ``CAT``).

    :raises InputError: when no treaty's file name matches.
    """
    name = Path(path).name
    for key, treaty in TREATIES.items():
        if name.endswith(treaty.file):
            return key
    raise InputError(f"{name}: cannot tell the treaty from the file name; give --treaty")


def header(treaty_key: str) -> str:
    """The comment block at the top of a generated ratification file."""
    return (
        "# Generated by `kg import ratifications` from the world-politics-datalab table\n"
        f"# {TREATIES[treaty_key].file}, every state in it; do not edit by hand. Source:\n"
        f"# {REPOSITORY}\n"
        "# The table restates the UN Treaty Collection and states no licence. Rows that fail\n"
        "# the shapes are listed by the import and left out (the contradictory Kazakhstan\n"
        "# ICCPR-OP1 row is kept, with an editorial note, in facts/treaties.ttl).\n\n"
    )


def import_table(
    csv_path: str | Path,
    treaty_key: str,
    states: Iterable[str] | None = None,
    *,
    context: Callable[[Graph], Graph],
    shapes: ShapesBundle,
    base: str = DEFAULT_BASE,
) -> ImportResult:
    """The validated import of a table: rows with a Violation are listed as rejected.

    :param context: gives, for the unvalidated output, what it refers to (treaties, the class
        hierarchy), e.g. from the store.
    """
    rows, rejected, common, read = build(csv_path, treaty_key, states, base=base)
    known = context(merge(common, rows))
    result = check(rows, rejected, common, context=known, shapes=shapes, rows_read=read)
    result.graph.namespace_manager = common.namespace_manager
    return result


def _flag(row: dict[str, str], column: str) -> Literal:
    value = (row[column] or "").strip()
    if value not in ("0", "1"):
        raise ValueError(f"{column!r} is {value!r}, not 0 or 1")
    return Literal(value == "1")


def _row_graph(
    number: int, row: dict[str, str], iso3: str, treaty_key: str, source: URIRef, base: str
) -> RowGraph:
    year = (row["year ratification or accession"] or "").strip()
    if year and not (len(year) == 4 and year.isascii() and year.isdigit()):
        raise ValueError(f"year {year!r} is not a four-digit year")
    out = RowGraph(number, iso3)
    _add_record(out.graph, row, iso3, treaty_key, source, base)
    countries.add_state(
        out.graph, iso3, source=source, name_in_source=row["member"] or "", base=base
    )
    return out


def _new_graph(base: str) -> Graph:
    graph = Graph()
    for prefix, iri in (("tp", TP), ("dct", DCT), ("prov", PROV), ("skos", SKOS)):
        graph.bind(prefix, iri)
    graph.bind("schema", SCHEMA)
    graph.bind("ts", resource_iri("treaty-status", "", base))
    graph.bind("st", resource_iri("state", "", base))
    graph.bind("doc", resource_iri("document", "", base))
    graph.bind("treaty", resource_iri("treaty", "", base))
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
    status = (row["status"] or "").strip()
    label = f"{row['member'].strip()}, {treaty_key}: {status} (world-politics-datalab table)"
    graph.add((record, RDF.type, TPNS.TreatyStatusRecord))
    graph.add((record, RDFS.label, Literal(label, lang="en")))
    graph.add((record, TPNS.state, URIRef(resource_iri("state", iso3, base))))
    graph.add((record, TPNS.treaty, URIRef(resource_iri("treaty", treaty_key, base))))
    party, signatory = _flag(row, "state party"), _flag(row, "signatory")
    graph.add((record, TPNS.isStateParty, party))
    graph.add((record, TPNS.isSignatory, signatory))
    graph.add((record, TPNS.statusText, Literal(status)))
    year = row["year ratification or accession"].strip()
    if year:
        graph.add((record, TPNS.year, Literal(year, datatype=XSD.gYear)))
    note = (row["note"] or "").strip()
    if note:
        graph.add((record, SKOS.note, Literal(note)))
    graph.add((record, DCT.source, source))
    graph.add((record, PROV.wasDerivedFrom, source))
