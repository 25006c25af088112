"""`kg import`: convert external exports (UPR Info, ratification tables) into Turtle."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click


@click.group(name="import")
def import_group() -> None:
    """Convert an external export into Turtle (review it, then add it under data/turtle/)."""


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.write(text)


@import_group.command(name="upr")
@click.argument("export", type=click.Path(dir_okay=False))
@click.option("--issue", default=None, help="UPR Info issue to keep (default: torture).")
@click.option("--state", "states", multiple=True, help="State under review (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write.")
def import_upr(export: str, issue: str | None, states: tuple[str, ...], output: str | None) -> None:
    """Recommendations from a UPR Info export (CSV; UTF-8 or Mac Roman, any line ends)."""
    from kg.importers import upr

    options: dict[str, Any] = {"issue": issue} if issue else {}
    if states:
        options["states"] = states
    _emit(upr.HEADER + upr.convert(export, **options).serialize(format="turtle"), output)


@import_group.command(name="ratifications")
@click.argument("table", type=click.Path(dir_okay=False))
@click.option("--treaty", required=True, help="Treaty key: CAT, OPCAT, ICCPR or ICCPR-OP1.")
@click.option("--state", "states", multiple=True, help="ISO alpha-3 code (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write.")
def import_ratifications(
    table: str, treaty: str, states: tuple[str, ...], output: str | None
) -> None:
    """Ratification status rows from a world-politics-datalab table (hr_status_*.csv)."""
    from kg.importers import ratifications

    graph = ratifications.convert(table, treaty, states or ("KAZ", "KGZ", "TJK"))
    _emit(graph.serialize(format="turtle"), output)
