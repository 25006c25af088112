"""The ontology documentation is generated from the ontology by one command and kept current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def fresh_docs(tmp_path_factory: pytest.TempPathFactory) -> str:
    """HTML built now by `docs/build.py` (the command `make docs` runs) from the ontology."""
    target = tmp_path_factory.mktemp("docs") / "ontology.html"
    command = [sys.executable, "docs/build.py", "ontology/tpkg.ttl", str(target)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return target.read_text(encoding="utf-8")


def test_committed_ontology_docs_match_the_ontology(fresh_docs: str) -> None:
    committed = (ROOT / "docs" / "ontology.html").read_text(encoding="utf-8")
    assert fresh_docs == committed, "docs/ontology.html is stale: run `make docs`"


def test_docs_name_every_tp_class(fresh_docs: str) -> None:
    ontology = (ROOT / "ontology" / "tpkg.ttl").read_text(encoding="utf-8")
    classes = re.findall(r"^tp:([A-Z]\w+)\n    a owl:Class", ontology, re.M)
    assert classes
    assert [name for name in classes if name not in fresh_docs] == []
