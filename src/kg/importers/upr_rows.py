"""Reading a UPR Info export: its rows, and why a row cannot be imported.

An export has the columns :data:`COLUMNS`, one recommendation a row. Real exports are Mac Roman
with bare CR line ends; a copy may have been re-encoded to UTF-8, with LF or CRLF line ends.
The encoding is detected (:mod:`kg.importers.text`), not assumed. A file that cannot be read, is
not CSV or lacks a column is an :class:`InputError`; a bad row is not: :func:`problem` says what
is wrong with it and the importer lists it as rejected.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.importers.text import decode, read_bytes

COLUMNS = tuple(
    "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session".split(",")
)
RESPONSES = {"Accepted": "accepted", "Noted": "noted"}


@dataclass(frozen=True)
class Row:
    """One data row: its line number in the file (the header is row 1) and its cells by column
    (``None`` when the row has the wrong number of cells)."""

    number: int
    cells: dict[str, str] | None
    width: int


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """The rows of the export ``path`` that have one cell per column, each a dict from column
    name to cell.

    :raises InputError: if the file cannot be read, is not CSV or lacks a column of
        :data:`COLUMNS`.
    """
    return [row.cells for row in numbered_rows(path) if row.cells is not None]


def numbered_rows(path: str | Path) -> list[Row]:
    """Every non-blank data row of ``path`` with its row number (see :func:`read_rows`)."""
    file = Path(path)
    text = decode(read_bytes(file)).text
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = [(reader.line_num, record) for record in reader if record]
    except csv.Error as exc:
        raise InputError(f"{file}: row {reader.line_num}: not CSV ({exc})") from None
    if not records:
        raise InputError(f"{file}: empty file, expected the columns {', '.join(COLUMNS)}")
    header = [name.strip() for name in records[0][1]]
    absent = [name for name in COLUMNS if name not in header]
    if absent:
        raise InputError(f"{file}: row 1: missing the columns {', '.join(absent)}")
    rows = []
    for number, (_, record) in enumerate(records[1:], start=2):
        cells = dict(zip(header, record, strict=True)) if len(record) == len(header) else None
        rows.append(Row(number, cells, len(record)))
    return rows


def problem(row: Row, expected_width: int = len(COLUMNS)) -> str | None:
    """Why ``row`` cannot be imported (one line), or ``None`` if it can."""
    if row.cells is None:
        return f"{row.width} cells, expected {expected_width}"
    cells = row.cells
    for column, low, high in (("Session", 1, None), ("Action", 1, 5)):
        message = _number_problem(cells[column].strip(), column, low, high)
        if message:
            return message
    for column in ("To", "From", "Text"):
        if not cells[column].strip():
            return f"empty {column}"
    response = cells["Response"].strip()
    if response and response not in RESPONSES:
        return f"Response is {response!r}, not {' or '.join(RESPONSES)}"
    return None


def issues(cells: dict[str, str]) -> list[str]:
    """The UPR Info issues of a row (the ``Issue`` cell split at commas, trimmed)."""
    return [name.strip() for name in cells["Issue"].split(",") if name.strip()]


def _number_problem(value: str, column: str, low: int, high: int | None) -> str | None:
    number = int(value) if value.isascii() and value.isdigit() else None
    if number is None or number < low or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
        return f"{column} is {value!r}, not an integer {bounds}"
    return None
