"""The charts the site offers, in the order the index shows them."""

from __future__ import annotations

from kg.charts import specs
from kg.charts.model import Chart, Row
from kg.errors import NotFound


def _theme_row(row: Row) -> Row:
    count = row["recommendations"]
    noun = "recommendation" if count == 1 else "recommendations"
    return {**row, "label": f"{row['state']}, {row['theme']}: {count} {noun}"}


def _review_row(row: Row) -> Row:
    review = f"{row['state']}, session {row['session']}"
    label = f"{review}: {row['recommendations']} {row['response']}"
    return {**row, "review": review, "label": label}


def _case_row(row: Row) -> Row:
    shown = f"over {row['count']}" if row["qualifier"] == "over" else str(row["count"])
    return {**row, "shown": shown, "label": f"{row['state']}, {row['period']}: {shown} cases"}


def _treaty_row(row: Row) -> Row:
    when = f"{row['year']}" + (f" ({row['date']})" if row["date"] else "")
    return {**row, "label": f"{row['state']}: {row['treaty']} {when}"}


CHARTS: tuple[Chart, ...] = (
    Chart(
        "recommendations-by-state-theme",
        ("addressee", "state", "theme", "recommendations"),
        _theme_row,
        specs.themes,
    ),
    Chart(
        "upr-responses",
        ("state", "session", "report", "reportDate", "response", "recommendations"),
        _review_row,
        specs.responses,
    ),
    Chart(
        "ngo-case-counts",
        ("state", "period", "periodStart", "count", "qualifier", "registeredBy", "source"),
        _case_row,
        specs.case_counts,
    ),
    Chart(
        "ratification-timeline",
        ("code", "state", "treaty", "year", "date"),
        _treaty_row,
        specs.timeline,
    ),
)


def chart(name: str) -> Chart:
    """The chart called ``name``.

    :raises NotFound: no chart has that name.
    """
    for candidate in CHARTS:
        if candidate.name == name:
            return candidate
    raise NotFound(f"no chart is called {name!r}")
