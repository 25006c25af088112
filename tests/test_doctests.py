"""The examples in the importers' docstrings hold (pytest collects only tests/, so they would
otherwise never run)."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from kg.importers import triples, upr, upr_links


@pytest.mark.parametrize("module", [triples, upr, upr_links], ids=lambda m: m.__name__)
def test_the_docstring_examples_hold(module: ModuleType) -> None:
    failed, tried = doctest.testmod(module)
    assert tried > 0 and failed == 0
