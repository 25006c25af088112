"""The UHRI importer on the test exports of tests/data/uhri/ (written from the spec, see the
README there): every quirk of the export, rejected rows, the same graph from .xlsx and .csv."""

import datetime as dt
import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.config import Settings
from kg.errors import InputError
from kg.importers import uhri, uhri_read
from kg.importers.batch import reference_triples
from kg.store import StoreAccess
from kg.validation import fetch_context, load_shapes

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "data" / "uhri"
OLD, NEW, CSV = (
    FIXTURES / name
    for name in ("uhri-old-spelling.xlsx", "uhri-new-spelling.xlsx", "uhri-new-spelling.csv")
)
DCT = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
TP = Namespace("https://w3id.org/tpkg/ontology#")
ID = Namespace("https://w3id.org/tpkg/id/")
CAT_ROW = ID["recommendation/uhri-3f2b8c1e-6a4d-4e8b-9c2a-1d5e7f9a0b11"]
NOTED_ROW = ID["recommendation/uhri-8d0f4a27-1b3c-4f6e-a2d9-5c7b9e1f3a22"]
SUPPORTED_ROW = ID["recommendation/uhri-c41e6b09-7d2a-4b8f-8e3c-9a1f2d4b6c33"]
CCPR_ROW = ID["recommendation/uhri-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c44"]
SR_ROW = ID["recommendation/uhri-6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d55"]
EXPECTED_REJECTED = {
    7: "Document Publication Date: '12/12/2014' is not a date",
    8: "empty Text",
    9: "annotation id repeats row 2",
    10: "Countries Concerned: 'Atlantis' is not a State ISO 3166 knows",
    11: "UPR Position 'Pending' is not Supported or Noted",
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    assert OLD.is_file(), f"fixture missing: {OLD}"
    return uhri.convert(OLD)


@pytest.fixture(scope="module")
def in_store(store_dir: Path) -> Callable[[Graph], Graph]:
    """The context `kg import uhri` gets from a store holding the bundled data."""
    access = StoreAccess(Settings.build(overrides={"store": str(store_dir)}))
    return lambda g: fetch_context(access.reader(), reference_triples(g))


def test_fixture_files_are_what_the_script_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path)
    assert (tmp_path / CSV.name).read_bytes() == CSV.read_bytes()
    for name in (OLD.name, NEW.name):
        assert uhri_read.read(tmp_path / name) == uhri_read.read(FIXTURES / name)


@pytest.mark.parametrize("path", [NEW, CSV], ids=lambda p: p.name)
def test_both_header_spellings_and_the_csv_give_the_same_graph(path: Path, graph: Graph) -> None:
    assert path.is_file()
    other = uhri.convert(path)
    assert len(other) == len(graph) > 100
    assert isomorphic(other, graph)


def test_old_spelling_header_is_read_as_the_new_one() -> None:
    assert uhri_read.canonical("Reccomending Body") == "Recommending Body"
    assert uhri_read.canonical(" UPR  Reccomending States") == "UPR Recommending States"
    assert [set(row) for _, row in uhri_read.read(OLD)] == [
        set(row) for _, row in uhri_read.read(NEW)
    ]


@pytest.mark.parametrize("path", [OLD, NEW, CSV], ids=lambda p: p.name)
def test_bad_rows_are_listed_with_their_reasons_and_the_rest_imported(path: Path) -> None:
    rows, rejected, _, read = uhri.build(path)
    assert read == 10 and len(rows) == 5
    reasons = {r.row: r.reason for r in rejected}
    assert reasons.keys() == EXPECTED_REJECTED.keys()
    for number, start in EXPECTED_REJECTED.items():
        assert reasons[number].startswith(start)


def test_validated_import_keeps_the_five_good_rows(in_store, graph: Graph) -> None:
    result = uhri.import_export(OLD, context=in_store, shapes=load_shapes(ROOT / "shapes"))
    assert (result.rows_read, result.imported, len(result.rejected)) == (10, 5, 5)
    assert isomorphic(result.graph, graph)
    again = uhri.import_export(OLD, context=in_store, shapes=load_shapes(ROOT / "shapes"))
    assert set(again.graph) == set(result.graph)
    assert "10 rows read, 5 imported, 5 rejected" in result.summary("uhri")


def test_multi_line_cells_give_one_value_per_line(graph: Graph) -> None:
    themes = {str(graph.value(c, SKOS.prefLabel)) for c in graph.objects(CAT_ROW, DCT.subject)}
    assert themes == {
        "Torture and other cruel, inhuman or degrading treatment or punishment",
        "Administration of justice & fair trial",
        "16 - Peace, justice and strong institutions",
    }
    persons = set(graph.objects(CAT_ROW, TP.affectedPersons))
    assert {str(graph.value(p, SKOS.prefLabel)) for p in persons} == {
        "Persons deprived of their liberty",
        "Persons in detention",
    }
    assert set(graph.objects(NOTED_ROW, TP.recommendedBy)) == {ID["state/CZE"], ID["state/EST"]}
    assert set(graph.objects(CCPR_ROW, TP.addressee)) == {ID["state/KGZ"], ID["state/TJK"]}


def test_concepts_are_minted_in_their_schemes(graph: Graph) -> None:
    concept = ID["uhri-affected-persons/persons-deprived-of-their-liberty"]
    assert (concept, RDF.type, SKOS.Concept) in graph
    assert graph.value(concept, SKOS.inScheme) == ID["scheme/uhri-affected-persons"]
    assert graph.value(concept, DCT.source) == ID["document/uhri"]
    region = graph.value(CAT_ROW, DCT.spatial)
    assert graph.value(region, SKOS.inScheme) == ID["scheme/uhri-regions"]


@pytest.mark.parametrize(
    ("node", "prop", "expected"),
    [
        (ID["document/CAT-C-KAZ-CO-3"], DCT.date, dt.date(2014, 12, 12)),  # serial number
        (ID["document/A-HRC-19-3"], DCT.date, dt.date(2011, 12, 12)),  # real date cell
        (CAT_ROW, TP.uhriPublicationDate, dt.date(2015, 3, 2)),
        (SUPPORTED_ROW, TP.uhriPublicationDate, dt.date(2015, 5, 4)),
    ],
)
def test_dates_are_xsd_dates(graph: Graph, node: URIRef, prop: URIRef, expected: dt.date) -> None:
    assert graph.value(node, prop) == Literal(expected, datatype=XSD.date)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (41985, dt.date(2014, 12, 12)),
        (41985.75, dt.date(2014, 12, 12)),
        ("41985", dt.date(2014, 12, 12)),
        (dt.datetime(2011, 12, 12, 0, 0), dt.date(2011, 12, 12)),
        ("2011-12-12", dt.date(2011, 12, 12)),
        ("2011-12-12 00:00:00", dt.date(2011, 12, 12)),
        (None, None),
        ("", None),
    ],
)
def test_date_cells(cell: object, expected: dt.date | None) -> None:
    assert uhri_read.date_of(cell) == expected


@pytest.mark.parametrize("cell", ["12/12/2014", "0", "2014-02-30", "soon", 3_000_000])
def test_bad_date_cells_raise(cell: object) -> None:
    with pytest.raises(ValueError, match="not"):
        uhri_read.date_of(cell)


def test_paragraph_number_starts_the_text(graph: Graph) -> None:
    part = ID["document-part/CAT-C-KAZ-CO-3-para-15"]
    assert graph.value(CAT_ROW, PROV.wasDerivedFrom) == part
    assert graph.value(part, TP.paragraphNumber) == Literal("15")
    assert graph.value(part, DCT.isPartOf) == ID["document/CAT-C-KAZ-CO-3"]
    assert str(graph.value(CAT_ROW, SCHEMA.text)).startswith("The State party should ensure")
    upr_part = ID["document-part/A-HRC-19-3-para-88.12"]
    assert graph.value(NOTED_ROW, PROV.wasDerivedFrom) == upr_part
    assert str(graph.value(NOTED_ROW, SCHEMA.text)) == (
        "Ratify the Optional Protocol to the Convention against Torture"
    )
    assert graph.value(CCPR_ROW, PROV.wasDerivedFrom) == ID["document/CCPR-C-KGZ-CO-2"]


def test_annotation_uuid_is_the_key_in_lower_case(graph: Graph) -> None:
    assert (SUPPORTED_ROW, RDF.type, TP.Recommendation) in graph
    assert graph.value(SUPPORTED_ROW, DCT.identifier) == Literal(
        "c41e6b09-7d2a-4b8f-8e3c-9a1f2d4b6c33"
    )
    assert len(set(graph.subjects(RDF.type, TP.Recommendation))) == 5


def test_upr_rows_carry_position_session_and_recommending_states(graph: Graph) -> None:
    assert graph.value(NOTED_ROW, TP.response) == ID["response/noted"]
    assert graph.value(SUPPORTED_ROW, TP.response) == ID["response/accepted"]
    assert graph.value(NOTED_ROW, TP.uprSession) == Literal(12)
    assert set(graph.objects(SUPPORTED_ROW, TP.recommendedBy)) == {
        ID["state/GBR"],
        ID["state/BOL"],
    }
    bolivia = set(graph.objects(ID["state/BOL"], SKOS.altLabel))
    assert Literal("Bolivia (Plurinational State of)", lang="en") in bolivia


def test_treaty_body_rows_name_their_body(graph: Graph) -> None:
    assert graph.value(CAT_ROW, TP.recommendedBy) == ID["organization/CAT"]
    assert graph.value(CCPR_ROW, TP.recommendedBy) == ID["organization/CCPR"]
    body = ID["organization/uhri-body-special-rapporteur-on-torture"]
    assert graph.value(SR_ROW, TP.recommendedBy) == body
    assert str(graph.value(body, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == (
        "Special Rapporteur on torture"
    )
    assert graph.value(CAT_ROW, TP.response) is None
    assert set(graph.objects(CAT_ROW, DCT.source)) == {
        ID["document/uhri"],
        ID["document/CAT-C-KAZ-CO-3"],
    }


def unreadable(tmp_path: Path, kind: str) -> Path:
    if kind == "missing":
        return tmp_path / "missing.xlsx"
    if kind == "not-a-workbook":
        path = tmp_path / "broken.xlsx"
        path.write_bytes(b"this is not a zip file")
        return path
    if kind == "wrong-extension":
        path = tmp_path / "export.txt"
        path.write_bytes(CSV.read_bytes())
        return path
    path = tmp_path / "no-id-column.csv"
    text = CSV.read_text(encoding="utf-8-sig").replace("OHCHR Annotation Id", "Annotation")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["missing", "not-a-workbook", "wrong-extension", "no-column"])
def test_unreadable_file_raises_input_error(tmp_path: Path, kind: str) -> None:
    with pytest.raises(InputError):
        uhri.build(unreadable(tmp_path, kind))


@pytest.mark.parametrize("kind", ["missing", "not-a-workbook", "no-column"])
def test_cli_unreadable_file_is_one_line_and_changes_nothing(
    kg, store_dir: Path, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "out.ttl"
    out.write_text("# earlier output\n", encoding="utf-8")
    result = kg(
        "--store", str(store_dir), "import", "uhri", str(unreadable(tmp_path, kind)), "-o", str(out)
    )
    assert result.returncode == 2
    assert result.stderr.startswith("kg: error:") and len(result.stderr.splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "# earlier output\n"


def test_cli_writes_the_rows_and_lists_the_rejected(
    kg, store_dir: Path, tmp_path: Path, graph: Graph
) -> None:
    out = tmp_path / "uhri.ttl"
    result = kg("--store", str(store_dir), "import", "uhri", str(CSV), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "uhri: 10 rows read, 5 imported, 5 rejected" in result.stderr
    assert "rejected row 8 (8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f77): empty Text" in result.stderr
    assert isomorphic(Graph().parse(out), graph)
    first = Graph().parse(out)
    assert kg("--store", str(store_dir), "import", "uhri", str(OLD), "-o", str(out)).returncode == 0
    assert set(Graph().parse(out)) == set(first)
