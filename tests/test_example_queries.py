"""Each example query in queries/ returns its expected result over the whole graph.

Every ``queries/<name>.rq`` has an expected ``queries/<name>.tsv``: SPARQL 1.1 TSV results as
pyoxigraph serialises them (for ASK, the single word ``true`` or ``false``). The store holds
every ontology, data and shape file as its own named graph; queries see the union of all graphs
as their default graph. Results are compared line by line when the query has ORDER BY, and as
sets of lines (header first) otherwise.
"""

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.query import make_executor, make_task, prepare

ROOT = Path(__file__).parents[1]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
KG = [sys.executable, "-m", "kg.cli"]
#: The researchers' questions of the domain brief (Q1 to Q10), asked through `kg query`.
QUESTIONS = [q for q in QUERIES if re.match(r"q(0\d|10)-", q.name)]
#: Further examples an issue asks to be answered through `kg query` itself (issue 11: a
#: recommendation with its report paragraph, OSCE States not party to OPCAT, the ratification
#: timeline, UPR responses next to the statement's asks, 2010 recommendations repeated in 2014).
KG_QUERY_EXAMPLES = [q for q in QUERIES if re.match(r"q3[3-8]-", q.name)]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store loaded by `kg load` with the bundled ontology, shapes and data."""
    store = tmp_path_factory.mktemp("queries") / "store"
    subprocess.run([*KG, "--store", str(store), "load"], cwd=ROOT, check=True)
    return store


@pytest.fixture(scope="module")
def run_query(store_dir: Path) -> Iterator[Callable[[str], str]]:
    """Run a query the way `kg query` does (guard, isolated worker) and return TSV text."""
    settings = Settings.build(overrides={"store": str(store_dir), "query_workers": 1})
    executor = make_executor(settings)

    def run(text: str) -> str:
        found = prepare(settings, text)
        return executor.run(make_task(text, "tsv", found)).body.decode("utf-8")

    yield run
    executor.close()


def comparable(tsv: str, ordered: bool) -> list[str]:
    lines = tsv.rstrip("\n").split("\n")
    return lines if ordered else lines[:1] + sorted(lines[1:])


def test_queries_exist() -> None:
    assert len(QUERIES) >= 25


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_query_has_title_and_description(query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    assert re.search(r"^# title: \S", text, re.M)
    assert re.search(r"^# description: \S", text, re.M)


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_query_returns_expected_result(run_query, query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    expected_file = query.with_suffix(".tsv")
    assert expected_file.is_file(), f"missing expected result {expected_file.name}"
    ordered = re.search(r"\bORDER\s+BY\b", text, re.I) is not None
    actual = comparable(run_query(text), ordered)
    expected = comparable(expected_file.read_text(encoding="utf-8"), ordered)
    assert actual == expected


@pytest.mark.parametrize("query", QUERIES, ids=lambda p: p.stem)
def test_query_result_is_not_empty(query: Path) -> None:
    lines = query.with_suffix(".tsv").read_text(encoding="utf-8").strip().split("\n")
    assert lines[0] in {"true", "false"} or len(lines) > 1


def test_every_domain_question_has_a_query() -> None:
    assert [q.name[:3] for q in QUESTIONS] == [f"q{n:02d}" for n in range(1, 11)]


@pytest.mark.parametrize("query", QUESTIONS + KG_QUERY_EXAMPLES, ids=lambda p: p.stem)
def test_kg_query_prints_the_answer(store_dir: Path, query: Path) -> None:
    command = [*KG, "--store", str(store_dir), "query", f"@{query}", "--format", "tsv"]
    printed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    ordered = re.search(r"\bORDER\s+BY\b", query.read_text(encoding="utf-8"), re.I) is not None
    expected = query.with_suffix(".tsv").read_text(encoding="utf-8")
    assert comparable(printed.stdout, ordered) == comparable(expected, ordered)
