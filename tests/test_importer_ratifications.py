"""The ratification table importer over every State of the four tables, and the OSCE group.

The bundled ``facts/ratifications-<treaty>.ttl`` files are the validated import of the tables;
the one row the shapes reject (Kazakhstan's self-contradictory ICCPR-OP1 row) is listed as
rejected and kept, with its editorial note, in ``facts/treaties.ttl``.
"""

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.config import Settings
from kg.errors import InputError
from kg.importers import countries, osce
from kg.importers.batch import ImportResult, reference_triples, write_turtle
from kg.importers.ratifications import TREATIES, convert, import_table, output_name
from kg.store import StoreAccess
from kg.validation import fetch_context, load_shapes

ROOT = Path(__file__).parents[1]
RESEARCH_DATA = ROOT.parent / "shared" / "research" / "data"
FACTS = ROOT / "data" / "turtle" / "facts"
DATA = ROOT / "tests" / "data" / "importers"
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
TP = Namespace("https://w3id.org/tpkg/ontology#")
TS = Namespace("https://w3id.org/tpkg/id/treaty-status/")
ST = Namespace("https://w3id.org/tpkg/id/state/")
CONTRADICTS = "The status record contradicts itself"


def table(treaty_key: str) -> Path:
    path = RESEARCH_DATA / ("wpdl_" + TREATIES[treaty_key].file)
    assert path.is_file(), f"research data file missing: {path}"
    return path


def table_rows(treaty_key: str) -> list[dict[str, str]]:
    with table(treaty_key).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def in_store(store_dir: Path) -> Callable[[Graph], Graph]:
    """The context an import gets from a store holding the bundled data (as `kg import`)."""
    access = StoreAccess(Settings.build(overrides={"store": str(store_dir)}))
    return lambda graph: fetch_context(access.reader(), reference_triples(graph))


def run(
    treaty_key: str,
    context: Callable[[Graph], Graph],
    path: Path | None = None,
    states: list[str] | None = None,
) -> ImportResult:
    return import_table(
        path or table(treaty_key),
        treaty_key,
        states,
        context=context,
        shapes=load_shapes(ROOT / "shapes"),
    )


def records(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, TP.TreatyStatusRecord) if isinstance(s, URIRef)}


@pytest.mark.parametrize("treaty_key", sorted(TREATIES))
def test_bundled_file_is_the_validated_import_of_every_row(treaty_key: str, in_store) -> None:
    result = run(treaty_key, in_store)
    bundled = Graph().parse(FACTS / output_name(treaty_key))
    assert isomorphic(result.graph, bundled)
    rows = table_rows(treaty_key)
    assert result.rows_read == len(rows) == 193
    expected_rejected = ["KAZ"] if treaty_key == "ICCPR-OP1" else []
    assert [r.key for r in result.rejected] == expected_rejected
    assert len(records(result.graph)) == result.imported == 193 - len(expected_rejected)


def test_contradictory_kazakhstan_row_is_rejected_by_the_consistency_shape(in_store) -> None:
    result = run("ICCPR-OP1", in_store, states=["KAZ"])
    assert result.imported == 0
    [rejected] = result.rejected
    assert rejected.key == "KAZ" and CONTRADICTS in rejected.reason
    unvalidated = convert(table("ICCPR-OP1"), "ICCPR-OP1", ["KAZ"])
    record = TS["KAZ-ICCPR-OP1-wpdl"]
    assert unvalidated.value(record, TP.isStateParty) == Literal(False)
    assert str(unvalidated.value(record, TP.statusText)) == "state party"
    assert unvalidated.value(record, TP.year) == Literal("2009", datatype=XSD.gYear)


def test_the_kept_kazakhstan_row_carries_its_editorial_note() -> None:
    treaties = Graph().parse(FACTS / "treaties.ttl")
    record = TS["KAZ-ICCPR-OP1-wpdl"]
    assert treaties.value(record, SKOS.editorialNote) is not None
    assert set(records(treaties)) == {record}
    unvalidated = convert(table("ICCPR-OP1"), "ICCPR-OP1", ["KAZ"])
    kept = {(p, o) for p, o in treaties.predicate_objects(record) if p != SKOS.editorialNote}
    assert kept == set(unvalidated.predicate_objects(record))


@pytest.mark.parametrize("treaty_key", sorted(TREATIES))
def test_every_row_becomes_a_record_with_its_year_as_gyear(treaty_key: str) -> None:
    graph = convert(table(treaty_key), treaty_key)
    rows = table_rows(treaty_key)
    assert len(records(graph)) == len(rows)
    years = list(graph.objects(None, TP.year))
    assert len(years) == sum(1 for r in rows if r["year ratification or accession"].strip())
    assert years and all(y.datatype == XSD.gYear and len(str(y)) == 4 for y in years)
    codes = {countries.alpha3_from_alpha2(r["iso2"]) for r in rows}
    assert None not in codes
    assert set(graph.objects(None, TP.state)) == {ST[c] for c in codes if c}


def test_withdrawn_alpha2_code_follows_its_iso_successor() -> None:
    graph = convert(table("ICCPR"), "ICCPR", ["TLS"])
    record = TS["TLS-ICCPR-wpdl"]
    assert graph.value(record, TP.state) == ST.TLS
    assert Literal("East Timor", lang="en") in set(graph.objects(ST.TLS, SKOS.altLabel))
    assert str(graph.value(ST.TLS, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == (
        "Timor-Leste"
    )


def test_state_filter_keeps_only_the_chosen_states() -> None:
    graph = convert(table("CAT"), "CAT", ["kaz", "KGZ"])
    assert records(graph) == {TS["KAZ-CAT-wpdl"], TS["KGZ-CAT-wpdl"]}


def test_import_is_idempotent(in_store, tmp_path: Path) -> None:
    first, second = run("OPCAT", in_store), run("OPCAT", in_store)
    assert set(first.graph) == set(second.graph) and len(first.graph) > 0
    out = tmp_path / "opcat.ttl"
    write_turtle(first.graph, out)
    written = out.read_bytes()
    write_turtle(second.graph, out)
    assert out.read_bytes() == written


def test_bad_rows_are_rejected_and_the_others_imported(tmp_path: Path, in_store) -> None:
    lines = table("OPCAT").read_text(encoding="utf-8").splitlines()
    bad = [
        lines[0],
        "KZ,Kazakhstan,yes,2008,0,0,state party,",
        "XX,Nowhere,1,2008,0,0,state party,",
        "KG,Kyrgyzstan,1,08,0,0,state party,",
        *[line for line in lines[1:] if line.startswith(("TJ,", "UZ,"))],
    ]
    path = tmp_path / "hr_status_opcat.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    result = run("OPCAT", in_store, path)
    reasons = {r.row: r.reason for r in result.rejected}
    assert reasons == {
        2: "'state party' is 'yes', not 0 or 1",
        3: "iso2 'XX' is not an ISO 3166 code",
        4: "year '08' is not a four-digit year",
    }
    assert records(result.graph) == {TS["TJK-OPCAT-wpdl"], TS["UZB-OPCAT-wpdl"]}
    assert result.rows_read == 5 and result.imported == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("OPCAT", None, "wrong-columns.csv"), "expected the columns"),
        (("OPCAT", ["KGZ"], "flag-not-binary.csv"), "no row for KGZ"),
        (("CEDAW", None, "flag-not-binary.csv"), "unknown treaty"),
        (("OPCAT", ["XYZ"], "flag-not-binary.csv"), "not an ISO 3166-1 alpha-3 code"),
        (("OPCAT", None, "missing.csv"), "cannot read"),
    ],
)
def test_unusable_input_raises_input_error(
    args: tuple[str, list[str] | None, str], message: str
) -> None:
    treaty_key, states, name = args
    with pytest.raises(InputError, match=message):
        convert(DATA / name, treaty_key, states)


def test_iso_labels_agree_with_the_bundled_states() -> None:
    states = Graph().parse(ROOT / "data" / "turtle" / "entities" / "states.ttl")
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    bundled = {s: str(o) for s, o in states.subject_objects(label)}
    assert bundled
    for node, label in bundled.items():
        assert countries.iso_name(str(node).rsplit("/", 1)[1]) == label


def test_osce_group_has_the_57_listed_states() -> None:
    listing = RESEARCH_DATA / "osce-participating-states.csv"
    assert listing.is_file()
    group = osce.convert(listing)
    bundled = Graph().parse(ROOT / "data" / "turtle" / "entities" / "osce.ttl")
    assert isomorphic(group.graph, bundled)
    node = URIRef("https://w3id.org/tpkg/id/group/osce-participating-states")
    members = set(bundled.objects(node, TP.includesState))
    with listing.open(encoding="utf-8", newline="") as handle:
        codes = {row["iso3"] for row in csv.DictReader(handle)}
    assert len(members) == group.members == len(codes) == 57
    assert members == {ST[c] for c in codes}
    assert all((m, RDF.type, TP.State) in bundled for m in members)
    assert group.unmatched_names == ["Holy See"]
    assert bundled.value(node, URIRef("http://purl.org/dc/terms/source")) is not None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kazakhstan", "KAZ"),
        ("Kyrgyz Republic", "KGZ"),
        ("Republic of Moldova", "MDA"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Iran (Islamic Republic of)", "IRN"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("The Netherlands", "NLD"),
        ("Türkiye", "TUR"),
        ("russian federation", "RUS"),
        ("Holy See", None),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_state_names_resolve_through_iso_3166_or_not_at_all(name: str, code: str | None) -> None:
    assert countries.alpha3_from_name(name) == code


@pytest.mark.parametrize(
    ("alpha2", "code"), [("KZ", "KAZ"), ("kg", "KGZ"), ("TP", "TLS"), ("XX", None), ("", None)]
)
def test_alpha2_codes_map_to_alpha3(alpha2: str, code: str | None) -> None:
    assert countries.alpha3_from_alpha2(alpha2) == code


@pytest.mark.parametrize("name", ["missing.csv", "wrong-columns.csv"])
def test_cli_unreadable_table_is_one_line_and_changes_nothing(
    kg, store_dir: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out.ttl"
    out.write_text("# earlier output\n", encoding="utf-8")
    args = ("import", "ratifications", str(DATA / name), "--treaty", "OPCAT", "-o", str(out))
    result = kg("--store", str(store_dir), *args)
    assert result.returncode == 2
    assert result.stderr.startswith("kg: error:") and len(result.stderr.splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "# earlier output\n"


def test_cli_imports_every_state_by_default(kg, store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "opcat.ttl"
    result = kg(
        "--store", str(store_dir), "import", "ratifications", str(table("OPCAT")), "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "ratifications OPCAT: 193 rows read, 193 imported, 0 rejected" in result.stderr
    assert out.read_text(encoding="utf-8") == (FACTS / "ratifications-opcat.ttl").read_text(
        encoding="utf-8"
    )


def test_cli_imports_the_four_tables_into_a_folder(kg, store_dir: Path, tmp_path: Path) -> None:
    paths = [str(table(key)) for key in sorted(TREATIES)]
    result = kg("--store", str(store_dir), "import", "ratifications", *paths, "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for key in TREATIES:
        written = (tmp_path / output_name(key)).read_text(encoding="utf-8")
        assert written == (FACTS / output_name(key)).read_text(encoding="utf-8")


def test_cli_several_tables_need_an_output_folder(kg, store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "one-file.ttl"
    paths = [str(table("CAT")), str(table("OPCAT"))]
    result = kg("--store", str(store_dir), "import", "ratifications", *paths, "-o", str(out))
    assert result.returncode == 2 and "need -o FOLDER" in result.stderr
    assert not out.exists()
