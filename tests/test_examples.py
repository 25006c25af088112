"""The example-query catalogue the web pages offer: every file with a title and a topic."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import NotFound
from kg.examples import by_topic, example, examples

QUERIES = str(Path(__file__).parent.parent / "queries")


def test_every_query_file_is_an_example() -> None:
    names = {e.name for e in examples(QUERIES)}
    assert names == {p.stem for p in Path(QUERIES).glob("*.rq")}
    assert len(names) > 30


def test_every_example_has_a_topic_other_than_the_fallback() -> None:
    assert "Other" not in by_topic(QUERIES)
    assert sum(len(group) for group in by_topic(QUERIES).values()) == len(examples(QUERIES))


def test_example_by_name_carries_its_title_and_text() -> None:
    q01 = example(QUERIES, "q01-recommendations-to-tajikistan")
    assert q01.title.startswith("Q1. Recommendations addressed to Tajikistan")
    assert "SELECT" in q01.text and q01.topic == "Recommendations"


def test_unknown_example_is_not_found() -> None:
    with pytest.raises(NotFound):
        example(QUERIES, "no-such-query")


def test_missing_folder_has_no_examples(tmp_path: Path) -> None:
    assert examples(str(tmp_path / "absent")) == ()
