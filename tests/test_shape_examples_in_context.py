"""Every shape example gives the same verdict through kg's own validator, in store context.

`tests/test_shapes.py` checks the shapes with pySHACL directly; this checks the path that
`kg validate`, `POST /validate` and contributions take: safe intake, the context fetched from a
store, and results kept for the example's own subjects. The store holds the ontology only:
the examples reuse real IRIs (st:KAZ, ag:KGZ-npm...) and validation judges a node on all that
the store knows about it, so against the bundled data an example that leaves out a property
on purpose would find it stored. `tests/test_validation.py` checks every bundled data file
against a store holding all of them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.config import Settings
from kg.contributions import check_payload
from kg.intake import read_payload
from kg.store import EmbeddedStore

ROOT = Path(__file__).parents[1]
EXAMPLES = sorted((ROOT / "tests" / "data" / "shapes").glob("*/*.ttl"))


def test_examples_were_found() -> None:
    assert len([e for e in EXAMPLES if e.name.startswith("invalid-")]) >= 29


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    """A read-only snapshot of a store loaded with the ontology."""
    location = tmp_path_factory.mktemp("context") / "store"
    subprocess.run(
        [sys.executable, "-m", "kg.cli", "--store", str(location), "load", "ontology"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    engine = EmbeddedStore.open(location, read_only=True)
    yield engine
    engine.close()


def _expects_only_a_warning(example: Path) -> bool:
    text = example.read_text(encoding="utf-8")
    return re.search(r"^# .*\bWarning\b", text, re.M | re.I) is not None


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example_verdict_through_kg_validation(store, example: Path) -> None:
    settings = Settings.build(overrides={"shapes": str(ROOT / "shapes")})
    payload = read_payload(example.read_bytes(), "turtle", max_bytes=10**6, max_triples=10**4)
    outcome = check_payload(store, settings, payload)
    severities = {r.severity for r in outcome.results}
    if example.name.startswith("valid-"):
        assert outcome.conforms, [r.message for r in outcome.results]
    elif _expects_only_a_warning(example):
        assert outcome.conforms and "Warning" in severities
    else:
        assert not outcome.conforms and "Violation" in severities
