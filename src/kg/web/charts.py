"""Chart pages: ``/charts`` (every chart, drawn on the server so it shows without
JavaScript) and ``/charts/<name>`` with its files ``.svg``, ``.json`` (data rows), ``.csv``,
``.vl.json`` (Vega-Lite spec, data inlined) and ``.rq`` (the SPARQL query behind it).

A chart's rows come from its query, run like any page query (guarded, in the isolated
workers); rows, spec and SVG are kept per store version, so a write shows at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote

from flask import Blueprint, Response, render_template
from markupsafe import Markup

from kg.charts import CHARTS, Chart, Row, Spec, chart
from kg.charts.render import csv_text, svg
from kg.errors import NotFound
from kg.web.reads import select, state

blueprint = Blueprint("charts", __name__, template_folder="templates")

#: A remote store gives no version: its charts are drawn again after this many seconds.
REMOTE_SECONDS = 60


@dataclass
class Drawn:
    """One chart over one version of the store: its rows, spec and (on demand) SVG."""

    chart: Chart
    rows: list[Row]
    spec: Spec = field(init=False)

    def __post_init__(self) -> None:
        self.spec = self.chart.spec(self.rows)

    @cached_property
    def svg(self) -> str:
        """The chart drawn on the server."""
        return svg(self.spec)


_drawn: dict[str, tuple[object, Drawn]] = {}
_lock = threading.Lock()


def _version() -> object:
    current = state()
    if current.settings.is_remote:
        return int(time.monotonic() // REMOTE_SECONDS)
    return current.access.version()


def drawn(name: str) -> Drawn:
    """The chart ``name`` over the store as it is now (kept until the store changes).

    :raises NotFound: no chart has that name.
    """
    found, version = chart(name), _version()
    with _lock:
        kept = _drawn.get(name)
    if kept is not None and kept[0] == version:
        return kept[1]
    fresh = Drawn(found, found.rows(select(found.query)))
    with _lock:
        _drawn[name] = (version, fresh)
    return fresh


def query_link(found: Chart) -> str:
    """The query page opened with the chart's query."""
    return "/query?query=" + quote(found.query, safe="")


def _html(template: str, **context: object) -> Response:
    html = render_template(template, page="charts", query_link=query_link, **context)
    return Response(html, content_type="text/html; charset=utf-8")


def _file(body: str, content_type: str) -> Response:
    return Response(body, content_type=content_type, headers={"Access-Control-Allow-Origin": "*"})


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


#: The files of a chart by suffix: (media type, body).
FILES: dict[str, tuple[str, Callable[[Drawn], str]]] = {
    "svg": ("image/svg+xml; charset=utf-8", lambda d: d.svg),
    "json": ("application/json", lambda d: _json(d.rows)),
    "csv": ("text/csv; charset=utf-8", lambda d: csv_text(d.rows, d.chart.fields(d.rows))),
    "vl.json": ("application/json", lambda d: _json(d.spec)),
    "rq": ("application/sparql-query; charset=utf-8", lambda d: d.chart.query),
}


@blueprint.route("/charts")
def index() -> Response:
    """Every chart, each drawn as SVG on the server (vega-embed redraws it when it can)."""
    shown = [(drawn(c.name), Markup(drawn(c.name).svg)) for c in CHARTS]
    return _html("charts.html", shown=shown)


@blueprint.route("/charts/<name>")
def one(name: str) -> Response:
    """One chart as a page (``/charts/<name>``) or one of its files (``<name>.<suffix>``)."""
    base, _, suffix = name.partition(".")
    if not suffix:
        found = drawn(base)
        return _html("charts_one.html", drawn=found, svg=Markup(found.svg))
    if suffix not in FILES:
        raise NotFound(f"charts have no .{suffix} file (try {', '.join(FILES)})")
    content_type, body = FILES[suffix]
    return _file(body(drawn(base)), content_type)
