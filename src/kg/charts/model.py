"""What a chart is: a SPARQL query, a function from its bindings to data rows, a spec.

The query lives in ``queries/<name>.rq`` beside this module, with ``# title:`` and
``# description:`` header lines that the pages show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

#: One data row of a chart: field -> a JSON value.
Value = str | int | float | bool | None
Row = dict[str, Value]
#: One SPARQL JSON binding: variable -> {"type", "value", "datatype"?, "xml:lang"?}.
Binding = dict[str, dict[str, str]]
#: A Vega-Lite specification (a JSON object).
Spec = dict[str, Any]

QUERIES = Path(__file__).parent / "queries"
_HEADER = re.compile(r"^# (title|description): (.+)$", re.M)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    _XSD + name
    for name in (
        "integer int long short byte nonNegativeInteger positiveInteger"
        " nonPositiveInteger negativeInteger unsignedInt unsignedLong gYear"
    ).split()
}
_DECIMALS = {_XSD + "decimal", _XSD + "double", _XSD + "float"}


def plain(term: dict[str, str] | None) -> Value:
    """The JSON value of one SPARQL JSON term: numbers (and ``xsd:gYear``) as numbers,
    booleans as booleans, anything else as its lexical form; unbound is ``None``.

    >>> plain({"type": "literal", "value": "1994", "datatype": _XSD + "gYear"})
    1994
    >>> plain({"type": "literal", "value": "torture prevention", "xml:lang": "en"})
    'torture prevention'
    """
    if term is None:
        return None
    value, datatype = term["value"], term.get("datatype", "")
    try:
        if datatype in _INTEGERS:
            return int(value)
        if datatype in _DECIMALS:
            return float(value)
    except ValueError:
        return value
    if datatype == _XSD + "boolean":
        return value in ("true", "1")
    return value


@dataclass(frozen=True)
class Chart:
    """One chart.

    :param name: the key in URLs (``/charts/<name>``) and the stem of its query file.
    :param columns: the query's variables, in the order the rows keep them.
    :param derive: adds to one row the fields the chart shows (a label, a display text).
    :param draw: the Vega-Lite spec for the rows (data inlined).
    """

    name: str
    columns: tuple[str, ...]
    derive: Callable[[Row], Row]
    draw: Callable[[Chart, list[Row]], Spec]

    @cached_property
    def query(self) -> str:
        """The SPARQL text behind the chart."""
        return (QUERIES / f"{self.name}.rq").read_text(encoding="utf-8")

    @cached_property
    def _headers(self) -> dict[str, str]:
        return {key: value.strip() for key, value in _HEADER.findall(self.query)}

    @property
    def title(self) -> str:
        """The chart's title (the query's ``# title:`` line)."""
        return self._headers.get("title", self.name)

    @property
    def description(self) -> str:
        """What the chart shows (the query's ``# description:`` line)."""
        return self._headers.get("description", "")

    def rows(self, bindings: list[Binding]) -> list[Row]:
        """The data rows for the query's ``bindings``: one row per binding."""
        return [self.derive({c: plain(b.get(c)) for c in self.columns}) for b in bindings]

    def fields(self, rows: list[Row]) -> list[str]:
        """The fields of ``rows`` in order: the query's columns, then the derived ones."""
        return list(rows[0]) if rows else list(self.columns)

    def spec(self, rows: list[Row]) -> Spec:
        """The Vega-Lite specification drawing ``rows``."""
        return self.draw(self, rows)
