"""Charts to files: SVG drawn on the server (vl-convert, no JavaScript in the page) and CSV."""

from __future__ import annotations

import csv
import io
import json
import threading

import vl_convert

from kg.charts.model import Row, Spec

_LOCK = threading.Lock()


def svg(spec: Spec) -> str:
    """The chart drawn as an SVG document. The spec may load nothing: its data is inline,
    and no URL is allowed."""
    with _LOCK:
        drawn: str = vl_convert.vegalite_to_svg(json.dumps(spec), allowed_base_urls=[])
    return drawn


def csv_text(rows: list[Row], fields: list[str]) -> str:
    """The rows as CSV (RFC 4180, header first); unbound values are empty cells."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
