"""Reading an OHCHR Universal Human Rights Index "Export to Excel" (``.xlsx``, or a ``.csv``
saved from it) into rows of cells, and the cell formats of that export.

The export has :data:`COLUMNS` (older files spell "Recommending" as "Reccomending", in the
body column and in "UPR Reccomending States"; both spellings are read). Multi-valued cells hold
one value per line, each prefixed ``- `` (:func:`values`); dates are Excel serial numbers
(days since 1899-12-30) or real date cells (:func:`date_of`); ``Text`` begins with the
paragraph number (:func:`split_paragraph`).

>>> values("- Kazakhstan\\n- Kyrgyzstan"), values(" Tajikistan "), values(None)
(['Kazakhstan', 'Kyrgyzstan'], ['Tajikistan'], [])
>>> date_of(45000), date_of("45000"), date_of("2014-12-12"), date_of("")
(datetime.date(2023, 3, 15), datetime.date(2023, 3, 15), datetime.date(2014, 12, 12), None)
>>> split_paragraph("95.102. Ratify the OPCAT"), split_paragraph("No number here")
(('95.102', 'Ratify the OPCAT'), (None, 'No number here'))
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from kg.errors import InputError

COLUMNS = (
    "Text",
    "Countries Concerned",
    "Recommending Body",
    "Document Symbol",
    "Themes",
    "Affected Persons",
    "Sdgs",
    "Document Publication Date",
    "UPR Recommending States",
    "UPR Position",
    "Type",
    "OHCHR Annotation Id",
    "UPR Session",
    "Regions Concerned",
    "Recommending Regions",
    "Date of publication on UHRI",
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: The largest serial number Excel accepts (9999-12-31).
MAX_SERIAL = 2_958_465
_PARAGRAPH = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+(?=\S)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")

Row = dict[str, Any]


def read(path: str | Path) -> list[tuple[int, Row]]:
    """The data rows of the export ``path`` with their row numbers (the header's row is the
    first non-empty one); empty rows are skipped.

    :raises InputError: when the file cannot be read, is not an ``.xlsx`` workbook or a CSV
        file, or lacks a column of :data:`COLUMNS`.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InputError(f"{file}: expected an .xlsx workbook or a .csv file")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}") from None
    records = _xlsx_records(file, data) if suffix == ".xlsx" else _csv_records(file, data)
    numbered = [(n, r) for n, r in enumerate(records, start=1) if any(_blank(c) for c in r)]
    if not numbered:
        raise InputError(f"{file}: no header row, expected the columns {', '.join(COLUMNS)}")
    header = [canonical(str(c or "")) for c in numbered[0][1]]
    absent = [name for name in COLUMNS if name not in header]
    if absent:
        raise InputError(f"{file}: row {numbered[0][0]}: missing the columns {', '.join(absent)}")
    rows = []
    for number, record in numbered[1:]:
        cells = list(record) + [None] * (len(header) - len(record))
        rows.append((number, {name: cells[i] for i, name in enumerate(header) if name}))
    return rows


def canonical(name: str) -> str:
    """A header cell as :data:`COLUMNS` spells it (whitespace collapsed, "Reccomending"
    read as "Recommending")."""
    return re.sub(r"(?i)reccomending", "Recommending", " ".join(name.split()))


def _blank(cell: Any) -> bool:
    return cell is not None and str(cell).strip() != ""


def _xlsx_records(file: Path, data: bytes) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise InputError(f"{file}: not a readable .xlsx workbook ({exc})") from None


def _csv_records(file: Path, data: bytes) -> list[tuple[Any, ...]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"{file}: neither UTF-8 nor Windows-1252 text")
    try:
        return [tuple(r) for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise InputError(f"{file}: not CSV ({exc})") from None


def text_of(cell: Any) -> str:
    """A cell as text, whitespace runs collapsed (a whole number stays without ``.0``)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def values(cell: Any) -> list[str]:
    """The values of a multi-valued cell: one per line, each without its ``- `` prefix."""
    if cell is None:
        return []
    out = []
    for line in re.split(r"[\r\n]+", str(cell)):
        value = " ".join(line.strip().removeprefix("-").split())
        if value:
            out.append(value)
    return out


def date_of(cell: Any) -> dt.date | None:
    """The date in a cell: a real date cell, an Excel serial number (as a number or as text),
    or an ISO date ``YYYY-MM-DD`` (as a CSV saved from the export writes a real date cell);
    ``None`` for an empty cell.

    :raises ValueError: for anything else (e.g. ``31/12/2014``, ``0``, ``not a date``).
    """
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _serial(float(cell), cell)
    text = str(cell).strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return _serial(float(text), cell)
    match = _ISO_DATE.match(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a date (an Excel serial number or YYYY-MM-DD)")


def _serial(number: float, cell: Any) -> dt.date:
    if not 1 <= number <= MAX_SERIAL:
        raise ValueError(f"{text_of(cell)!r} is not an Excel date serial number")
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def split_paragraph(text: str) -> tuple[str | None, str]:
    """The paragraph number at the start of ``text`` (``12``, ``95.102``) and the rest."""
    match = _PARAGRAPH.match(text)
    if match is None:
        return None, text.strip()
    return match.group(1), text[match.end() :].strip()
