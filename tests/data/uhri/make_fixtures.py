"""Write the UHRI test exports of this folder from the rows below (run from anywhere:
``python tests/data/uhri/make_fixtures.py``).

The rows are written from the export's description in the domain brief, not copied from a real
export (none is available here): texts, annotation ids, themes, SDGs, affected persons and
regions are invented for the tests; the UN symbols have the real form. Files:

* ``uhri-old-spelling.xlsx``: the header as older exports spell it ("Reccomending Body",
  "UPR Reccomending States"), dates as Excel serial numbers except one real date cell;
* ``uhri-new-spelling.xlsx``: the same rows, header spelt correctly, columns in another order;
* ``uhri-new-spelling.csv``: that workbook as Excel saves it as CSV UTF-8 (serial numbers as
  text, the real date cell as YYYY-MM-DD, multi-line cells quoted).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
EPOCH = dt.date(1899, 12, 30)
OLD_HEADER = [
    "Text",
    "Countries Concerned",
    "Reccomending Body",
    "Document Symbol",
    "Themes",
    "Affected Persons",
    "Sdgs",
    "Document Publication Date",
    "UPR Reccomending States",
    "UPR Position",
    "Type",
    "OHCHR Annotation Id",
    "UPR Session",
    "Regions Concerned",
    "Recommending Regions",
    "Date of publication on UHRI",
]
NEW_HEADER = [name.replace("Reccomending", "Recommending") for name in OLD_HEADER]


def serial(day: dt.date) -> int:
    """The Excel serial number of ``day``."""
    return (day - EPOCH).days


TORTURE = "Torture and other cruel, inhuman or degrading treatment or punishment"
DETENTION = "- Persons deprived of their liberty"
SDG16 = "- 16 - Peace, justice and strong institutions"
# One dict per row, keyed by the new spelling; the comment says which quirk the row carries.
ROWS = [
    {  # treaty-body row: paragraph number, multi-line "- " cells, serial dates
        "Text": "15. The State party should ensure that all persons deprived of their liberty "
        "have access to a lawyer from the outset of deprivation of liberty.",
        "Countries Concerned": "- Kazakhstan",
        "Recommending Body": "CAT",
        "Document Symbol": "CAT/C/KAZ/CO/3",
        "Themes": f"- {TORTURE}\n- Administration of justice & fair trial",
        "Affected Persons": f"{DETENTION}\n- Persons in detention",
        "Sdgs": SDG16,
        "Document Publication Date": serial(dt.date(2014, 12, 12)),
        "Type": "Recommendation",
        "OHCHR Annotation Id": "3f2b8c1e-6a4d-4e8b-9c2a-1d5e7f9a0b11",
        "Regions Concerned": "- Asia-Pacific States",
        "Date of publication on UHRI": serial(dt.date(2015, 3, 2)),
    },
    {  # UPR row, noted, two recommending States, real date cell for the document date
        "Text": "88.12 Ratify the Optional Protocol to the Convention against Torture",
        "Countries Concerned": "- Tajikistan",
        "Recommending Body": "UPR",
        "Document Symbol": "A/HRC/19/3",
        "Themes": f"- {TORTURE}\n- Acceptance of international norms",
        "Affected Persons": DETENTION,
        "Sdgs": SDG16,
        "Document Publication Date": dt.datetime(2011, 12, 12),
        "UPR Recommending States": "- Czechia\n- Estonia",
        "UPR Position": "Noted",
        "Type": "Recommendation",
        "OHCHR Annotation Id": "8d0f4a27-1b3c-4f6e-a2d9-5c7b9e1f3a22",
        "UPR Session": 12,
        "Regions Concerned": "- Asia-Pacific States",
        "Recommending Regions": "- Eastern European States",
        "Date of publication on UHRI": serial(dt.date(2012, 6, 1)),
    },
    {  # UPR row, supported, recommending States in the UN's long forms
        "Text": "122.5 Establish an effective national preventive mechanism",
        "Countries Concerned": "- Kazakhstan",
        "Recommending Body": "UPR",
        "Document Symbol": "A/HRC/28/10",
        "Themes": f"- {TORTURE}",
        "Affected Persons": DETENTION,
        "Document Publication Date": serial(dt.date(2014, 12, 10)),
        "UPR Recommending States": "- United Kingdom of Great Britain and Northern Ireland\n"
        "- Bolivia (Plurinational State of)",
        "UPR Position": "Supported",
        "Type": "Recommendation",
        "OHCHR Annotation Id": "C41E6B09-7D2A-4B8F-8E3C-9A1F2D4B6C33",
        "UPR Session": 20,
        "Regions Concerned": "- Asia-Pacific States",
        "Recommending Regions": "- Western European and other States\n"
        "- Latin American and Caribbean States",
        "Date of publication on UHRI": serial(dt.date(2015, 5, 4)),
    },
    {  # treaty-body row without a paragraph number, two countries concerned
        "Text": "Ensure prompt, impartial and effective investigation of all allegations of "
        "torture.",
        "Countries Concerned": "- Kyrgyzstan\n- Tajikistan",
        "Recommending Body": "Human Rights Committee",
        "Document Symbol": "CCPR/C/KGZ/CO/2",
        "Themes": f"- {TORTURE}\n- Impunity",
        "Document Publication Date": serial(dt.date(2014, 4, 23)),
        "Type": "Recommendation",
        "OHCHR Annotation Id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c44",
        "Regions Concerned": "- Asia-Pacific States",
        "Date of publication on UHRI": serial(dt.date(2014, 9, 1)),
    },
    {  # a body the graph has no node for
        "Text": "41. The Special Rapporteur recommends that all places of detention be "
        "monitored by an independent body.",
        "Countries Concerned": "- Kazakhstan",
        "Recommending Body": "Special Rapporteur on torture",
        "Document Symbol": "A/HRC/13/39/Add.3",
        "Themes": f"- {TORTURE}",
        "Affected Persons": DETENTION,
        "Document Publication Date": serial(dt.date(2009, 12, 16)),
        "Type": "Recommendation",
        "OHCHR Annotation Id": "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d55",
        "Date of publication on UHRI": serial(dt.date(2010, 3, 1)),
    },
    {  # rejected: a date in neither form
        "Text": "16. The State party should abolish the statute of limitations for torture.",
        "Countries Concerned": "- Kazakhstan",
        "Recommending Body": "CAT",
        "Document Symbol": "CAT/C/KAZ/CO/3",
        "Themes": f"- {TORTURE}",
        "Document Publication Date": "12/12/2014",
        "Type": "Recommendation",
        "OHCHR Annotation Id": "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e66",
        "Date of publication on UHRI": serial(dt.date(2015, 3, 2)),
    },
    {  # rejected: no text
        "Text": "",
        "Countries Concerned": "- Kyrgyzstan",
        "Recommending Body": "CAT",
        "Document Symbol": "CAT/C/KGZ/CO/2",
        "Themes": f"- {TORTURE}",
        "Document Publication Date": serial(dt.date(2013, 12, 20)),
        "Type": "Recommendation",
        "OHCHR Annotation Id": "8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f77",
        "Date of publication on UHRI": serial(dt.date(2014, 2, 3)),
    },
    {  # rejected: the annotation id of the first row again
        "Text": "15. The State party should ensure access to a lawyer.",
        "Countries Concerned": "- Kazakhstan",
        "Recommending Body": "CAT",
        "Document Symbol": "CAT/C/KAZ/CO/3",
        "Document Publication Date": serial(dt.date(2014, 12, 12)),
        "Type": "Recommendation",
        "OHCHR Annotation Id": "3f2b8c1e-6a4d-4e8b-9c2a-1d5e7f9a0b11",
        "Date of publication on UHRI": serial(dt.date(2015, 3, 2)),
    },
    {  # rejected: a country ISO 3166 does not know
        "Text": "12. Ratify the Convention.",
        "Countries Concerned": "- Atlantis",
        "Recommending Body": "CAT",
        "Document Symbol": "CAT/C/ATL/CO/1",
        "Document Publication Date": serial(dt.date(2014, 1, 1)),
        "Type": "Recommendation",
        "OHCHR Annotation Id": "9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a88",
        "Date of publication on UHRI": serial(dt.date(2014, 2, 1)),
    },
    {  # rejected: a UPR position that is neither Supported nor Noted
        "Text": "95.3 Adopt a comprehensive definition of torture",
        "Countries Concerned": "- Kazakhstan",
        "Recommending Body": "UPR",
        "Document Symbol": "A/HRC/14/10",
        "Document Publication Date": serial(dt.date(2010, 3, 23)),
        "UPR Recommending States": "- Sweden",
        "UPR Position": "Pending",
        "Type": "Recommendation",
        "OHCHR Annotation Id": "0f1a2b3c-4d5e-4f6a-9b7c-8d9e0f1a2b99",
        "UPR Session": 7,
        "Date of publication on UHRI": serial(dt.date(2010, 6, 1)),
    },
]


def cells(row: dict[str, object], header: list[str]) -> list[object]:
    """The row's cells in the order of ``header`` (either spelling)."""
    return [row.get(name.replace("Reccomending", "Recommending")) for name in header]


def save_xlsx(path: Path, header: list[str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Export"
    sheet.append(header)
    for row in ROWS:
        sheet.append(cells(row, header))
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    book.properties.creator = "tpkg test fixtures"
    book.properties.created = dt.datetime(2026, 12, 1)
    book.properties.modified = dt.datetime(2026, 12, 1)
    book.save(path)


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def main(folder: Path = HERE) -> None:
    """Write the three files into ``folder``."""
    save_xlsx(folder / "uhri-old-spelling.xlsx", OLD_HEADER)
    new_order = NEW_HEADER[11:] + NEW_HEADER[:11]
    save_xlsx(folder / "uhri-new-spelling.xlsx", new_order)
    with (folder / "uhri-new-spelling.csv").open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(new_order)
        for row in ROWS:
            writer.writerow([csv_cell(v) for v in cells(row, new_order)])


if __name__ == "__main__":
    main()
