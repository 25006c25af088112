"""The examples in the docstrings of the importers and the web helpers hold (pytest collects
only tests/, so they would otherwise never run)."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from kg.importers import countries, triples, upr, upr_links, upr_report_text
from kg.web import budget, labels

MODULES = [countries, triples, upr, upr_links, upr_report_text, budget, labels]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_the_docstring_examples_hold(module: ModuleType) -> None:
    failed, tried = doctest.testmod(module)
    assert tried > 0 and failed == 0
