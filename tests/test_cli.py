"""The `kg` command line, run as a subprocess on the shared loaded store."""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run_kg
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

SELECT = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?g ?s ?label WHERE { GRAPH ?g { ?s rdfs:label ?label } } ORDER BY ?g ?s ?label LIMIT 40"
)
CONSTRUCT = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "CONSTRUCT { ?s rdfs:label ?label } WHERE { ?s rdfs:label ?label }"
)
COUNT_CONSTRUCTED = (
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?label { ?s rdfs:label ?label } }"
)
RESULT_PARSERS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}


@pytest.fixture(scope="module")
def kgq(store_dir: Path):
    """``kg --store STORE query TEXT --format FMT`` -> stdout (cached), failing on errors."""

    @cache
    def run(text: str, fmt: str) -> str:
        done = run_kg("--store", str(store_dir), "query", text, "--format", fmt)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


def solutions(data: str, fmt: str) -> list[tuple[object, ...]]:
    parsed = ox.parse_query_results(data.encode(), format=RESULT_PARSERS[fmt])
    names = [v.value for v in parsed.variables]
    return [tuple(solution[n] for n in names) for solution in parsed]


def one_line_error(done) -> None:
    assert done.returncode != 0
    assert done.stderr.startswith("kg: error:"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_query_text_file_and_stdin_give_the_same_output(store_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "q.rq").write_text(SELECT, encoding="utf-8")
    store = ("--store", str(store_dir))
    outputs = [
        run_kg(*store, "query", SELECT, "--format", "json").stdout,
        run_kg(*store, "query", f"@{tmp_path / 'q.rq'}", "--format", "json").stdout,
        run_kg(*store, "query", "-", "--format", "json", input=SELECT).stdout,
    ]
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["results"]["bindings"]


@pytest.mark.parametrize("fmt", ["xml", "tsv"])
def test_select_formats_hold_the_json_solutions(kgq, fmt: str) -> None:
    assert solutions(kgq(SELECT, fmt), fmt) == solutions(kgq(SELECT, "json"), "json")


def test_select_csv_holds_the_json_values(kgq) -> None:
    data = json.loads(kgq(SELECT, "json"))
    names = data["head"]["vars"]
    expected = [[b.get(n, {}).get("value", "") for n in names] for b in data["results"]["bindings"]]
    assert list(csv.reader(io.StringIO(kgq(SELECT, "csv"), newline=""))) == [names, *expected]


def test_select_table_shows_every_value_and_the_row_count(kgq) -> None:
    data = json.loads(kgq(SELECT, "json"))
    table = kgq(SELECT, "table")
    values = [cell["value"][:80] for row in data["results"]["bindings"] for cell in row.values()]
    assert all(value in table for value in values)
    assert f"({len(data['results']['bindings'])} rows)" in table


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
@pytest.mark.parametrize(
    ("text", "answer"), [("ASK { ?s ?p ?o }", True), ("ASK { <urn:x:no> ?p ?o }", False)]
)
def test_ask_answers_in_every_results_format(kgq, fmt: str, text: str, answer: bool) -> None:
    output = kgq(text, fmt)
    if fmt in RESULT_PARSERS:
        assert bool(ox.parse_query_results(output.encode(), format=RESULT_PARSERS[fmt])) is answer
    else:
        assert output.strip() == str(answer).lower()


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("ntriples", "nt"), ("rdfxml", "xml")]
)
def test_construct_formats_hold_the_same_graph(kgq, fmt: str, rdflib_format: str) -> None:
    graph = Graph().parse(data=kgq(CONSTRUCT, fmt), format=rdflib_format)
    expected = json.loads(kgq(COUNT_CONSTRUCTED, "json"))["results"]["bindings"][0]["n"]["value"]
    assert len(graph) == int(expected)
    assert isomorphic(graph, Graph().parse(data=kgq(CONSTRUCT, "turtle"), format="turtle"))


def parse_stats(text: str) -> tuple[dict[str, int], int, dict[str, int]]:
    """(triples per graph, total, instances per class) from `kg stats`."""
    graph_part, total_line, class_part = text.split("\n\n")
    rows = [line.rsplit(None, 1) for line in graph_part.splitlines()[1:]]
    classes = [line.rsplit(None, 1) for line in class_part.strip().splitlines()[1:]]
    total = int(re.match(r"(\d+) triples in (\d+) graphs", total_line.strip())[1])
    return {g: int(n) for g, n in rows}, total, {c: int(n) for c, n in classes}


@pytest.fixture(scope="module")
def stats(store_dir: Path) -> tuple[dict[str, int], int, dict[str, int]]:
    done = run_kg("--store", str(store_dir), "stats")
    assert done.returncode == 0, done.stderr
    return parse_stats(done.stdout)


# rdflib's own Dataset.parse (and its TriG parser) still use deprecated parts of rdflib.
@pytest.mark.filterwarnings("ignore:Dataset.default_context:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_dump_round_trips_every_graph(store_dir: Path, stats, fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"dump.{fmt}"
    assert (
        run_kg("--store", str(store_dir), "dump", "--format", fmt, "-o", str(target)).returncode
        == 0
    )
    dataset = Dataset()
    dataset.parse(target, format=fmt)
    per_graph = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    assert per_graph == stats[0] and sum(per_graph.values()) == stats[1]


def test_dump_to_stdout_equals_dump_to_a_file(store_dir: Path, tmp_path: Path) -> None:
    store = ("--store", str(store_dir))
    assert run_kg(*store, "dump", "-o", str(tmp_path / "d.nq")).returncode == 0
    assert run_kg(*store, "dump").stdout == (tmp_path / "d.nq").read_text(encoding="utf-8")


def test_stats_lists_the_stored_graphs(kgq, stats) -> None:
    text = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = json.loads(kgq(text, "json"))["results"]["bindings"]
    assert stats[0] == {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def test_stats_lists_instances_per_class(kgq, stats) -> None:
    text = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c"
    rows = json.loads(kgq(text, "json"))["results"]["bindings"]
    assert stats[2] == {r["c"]["value"]: int(r["n"]["value"]) for r in rows}


ERRORS = {
    "bad-query": ("query", "SELEC * WHERE { ?s ?p ?o }"),
    "missing-file": ("query", "@/no/such/file.rq"),
    "select-as-turtle": ("query", "SELECT * { ?s ?p ?o }", "--format", "turtle"),
    "unknown-format": ("query", "SELECT * { ?s ?p ?o }", "--format", "png"),
    "update": ("query", "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"),
    "service": ("query", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
    "missing-argument": ("query",),
    "unknown-command": ("frobnicate",),
    "load-missing-path": ("load", "/no/such/folder"),
}


@pytest.mark.parametrize("args", ERRORS.values(), ids=ERRORS.keys())
def test_errors_print_one_line_and_exit_non_zero(store_dir: Path, args: tuple[str, ...]) -> None:
    one_line_error(run_kg("--store", str(store_dir), *args))


@pytest.mark.parametrize("command", [("query", "ASK {}"), ("stats",), ("dump",)])
def test_an_unknown_store_path_is_one_line_error(tmp_path: Path, command: tuple[str, ...]) -> None:
    one_line_error(run_kg("--store", str(tmp_path / "nowhere"), *command))


def test_a_bad_setting_in_the_environment_is_one_line_error(store_dir: Path) -> None:
    done = run_kg("--store", str(store_dir), "query", "ASK {}", env={"KG_ROW_LIMIT": "many"})
    one_line_error(done)
    assert "KG_ROW_LIMIT" in done.stderr


def test_serve_refuses_maintainer_mode_on_a_public_address_without_a_token(tmp_path: Path) -> None:
    args = ("--store", str(tmp_path / "store"), "serve", "--allow-update", "--host", "0.0.0.0")
    done = run_kg(*args, "--port", "1", timeout=60)
    one_line_error(done)
    assert "token" in done.stderr
