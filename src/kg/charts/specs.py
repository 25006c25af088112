"""The Vega-Lite specifications of the charts, with their data inlined.

Every spec names its data layer ``data`` (its marks are the SVG group ``data_marks``, one
mark per data row) and gives each mark the row's ``label`` as its accessible description.
"""

from __future__ import annotations

from typing import Any

from kg.charts.model import Chart, Row, Spec

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Colour-blind-safe colours for the two UPR responses and the two treaties.
RESPONSES = {"domain": ["accepted", "noted"], "range": ["#2166ac", "#e08214"]}
TREATIES = {"domain": ["CAT", "OPCAT"], "range": ["#2166ac", "#e08214"]}
DESCRIBED = {"field": "label", "type": "nominal"}


def _base(chart: Chart, rows: list[Row], **extra: Any) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": chart.title,
        "description": chart.description,
        "data": {"values": rows},
        "config": {"font": "sans-serif", "view": {"stroke": None}},
        **extra,
    }


def _tooltip(*fields: tuple[str, str]) -> list[dict[str, str]]:
    return [{"field": field, "title": title} for field, title in fields]


def themes(chart: Chart, rows: list[Row]) -> Spec:
    """A heat map: addressee by theme, the cell's colour and number the count."""
    shared = {
        "x": {
            "field": "theme",
            "type": "nominal",
            "title": "Theme",
            "axis": {"labelAngle": -40, "labelLimit": 240},
        },
        "y": {"field": "state", "type": "nominal", "title": "Addressee"},
    }
    cells = {
        "name": "data",
        "mark": {"type": "rect", "stroke": "white"},
        "encoding": {
            "color": {
                "field": "recommendations",
                "type": "quantitative",
                "title": "Recommendations",
                "scale": {"type": "log", "scheme": "blues"},
            },
            "description": DESCRIBED,
            "tooltip": _tooltip(
                ("state", "Addressee"), ("theme", "Theme"), ("recommendations", "Recommendations")
            ),
        },
    }
    numbers = {
        "mark": {"type": "text", "aria": False},
        "encoding": {
            "text": {"field": "recommendations", "type": "quantitative"},
            "color": {
                "condition": {"test": "datum.recommendations >= 8", "value": "white"},
                "value": "black",
            },
        },
    }
    return _base(
        chart,
        rows,
        width={"step": 38},
        height={"step": 38},
        encoding=shared,
        layer=[cells, numbers],
    )


def responses(chart: Chart, rows: list[Row]) -> Spec:
    """Stacked bars: per review (State and session), the recommendations accepted and noted."""
    return _base(
        chart,
        rows,
        width=520,
        height={"step": 34},
        layer=[
            {
                "name": "data",
                "mark": {"type": "bar"},
                "encoding": {
                    "y": {"field": "review", "type": "nominal", "title": None, "sort": None},
                    "x": {
                        "field": "recommendations",
                        "type": "quantitative",
                        "title": "UPR recommendations",
                        "stack": "zero",
                    },
                    "color": {
                        "field": "response",
                        "type": "nominal",
                        "title": "Response",
                        "scale": RESPONSES,
                    },
                    "order": {"field": "response"},
                    "description": DESCRIBED,
                    "tooltip": _tooltip(
                        ("state", "State under review"),
                        ("session", "Session"),
                        ("response", "Response"),
                        ("recommendations", "Recommendations"),
                        ("report", "Report"),
                        ("reportDate", "Report date"),
                    ),
                },
            }
        ],
    )


def case_counts(chart: Chart, rows: list[Row]) -> Spec:
    """Grouped bars: per State, the cases registered since the start of each period."""
    position = {
        "x": {"field": "state", "type": "nominal", "title": "State", "axis": {"labelAngle": 0}},
        "xOffset": {"field": "period", "type": "nominal"},
        "y": {"field": "count", "type": "quantitative", "title": "Cases registered"},
    }
    bars = {
        "name": "data",
        "mark": {"type": "bar"},
        "encoding": {
            "color": {
                "field": "period",
                "type": "nominal",
                "title": "Period",
                "scale": {"range": ["#92c5de", "#2166ac"]},
            },
            "description": DESCRIBED,
            "tooltip": _tooltip(
                ("state", "State"),
                ("period", "Period"),
                ("shown", "Cases"),
                ("registeredBy", "Registered by"),
                ("source", "Source"),
            ),
        },
    }
    numbers = {
        "mark": {"type": "text", "dy": -7, "aria": False},
        "encoding": {"text": {"field": "shown", "type": "nominal"}},
    }
    return _base(chart, rows, width=420, height=260, encoding=position, layer=[bars, numbers])


def timeline(chart: Chart, rows: list[Row]) -> Spec:
    """Dots on a time line: per State, the year of each treaty (a line joins the two)."""
    year = {
        "field": "year",
        "type": "quantitative",
        "title": "Year",
        "scale": {"zero": False, "nice": False, "padding": 12},
        "axis": {"format": "d"},
    }
    state = {"field": "state", "type": "nominal", "title": None}
    span = {
        "mark": {"type": "rule", "color": "#bbbbbb", "aria": False},
        "encoding": {
            "y": state,
            "x": {**year, "aggregate": "min"},
            "x2": {"field": "year", "aggregate": "max"},
        },
    }
    dots = {
        "name": "data",
        "mark": {"type": "point", "filled": True, "size": 70},
        "encoding": {
            "y": state,
            "x": year,
            "color": {"field": "treaty", "type": "nominal", "title": "Treaty", "scale": TREATIES},
            "shape": {"field": "treaty", "type": "nominal", "title": "Treaty"},
            "description": DESCRIBED,
            "tooltip": [
                *_tooltip(("state", "State"), ("treaty", "Treaty")),
                {"field": "year", "title": "Year", "format": "d"},
                {"field": "date", "title": "Date (treaty action)"},
            ],
        },
    }
    return _base(chart, rows, width=560, height={"step": 15}, layer=[span, dots])
