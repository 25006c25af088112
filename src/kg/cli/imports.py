"""`kg import`: convert external exports (UPR Info, ratification tables) into Turtle."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.cli.common import settings_for, store_option


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


# --- Ratification tables and the UHRI ---------------------------------------------------------


def _in_context(ctx: click.Context, store: str | None) -> tuple[Any, Any]:
    """The shapes bundle, and a function giving the context an imported graph refers to from
    the store (the types and labels of the nodes it names, and the class hierarchy)."""
    from rdflib import Graph

    from kg.importers.batch import reference_triples
    from kg.store import StoreAccess
    from kg.validation import fetch_context, load_shapes

    settings = settings_for(ctx, store=store)
    access = StoreAccess(settings)

    def context(graph: Graph) -> Graph:
        return fetch_context(access.reader(), reference_triples(graph))

    return load_shapes(settings.shapes), context


def _finish(result: Any, name: str, output: str | None, header: str) -> None:
    """Print the summary on standard error, then write the accepted triples."""
    from kg.importers.batch import write_turtle

    click.echo(result.summary(name), err=True)
    if output:
        write_turtle(result.graph, output, header)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.write(header + result.graph.serialize(format="turtle"))


@import_group.command(name="ratifications")
@click.argument("tables", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--treaty", default=None, help="CAT, OPCAT, ICCPR or ICCPR-OP1 (default: from the file name)."
)
@click.option(
    "--state", "states", multiple=True, help="ISO alpha-3 code (repeatable; default: all)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(),
    help="File to write (with several tables: a folder, one ratifications-<treaty>.ttl each).",
)
@store_option
@click.pass_context
def import_ratifications(
    ctx: click.Context,
    tables: tuple[str, ...],
    treaty: str | None,
    states: tuple[str, ...],
    output: str | None,
    store: str | None,
) -> None:
    """Ratification status rows from world-politics-datalab tables (hr_status_*.csv),
    validated in the context of the store; every table is read and checked before any file
    is written."""
    from kg.errors import InputError
    from kg.importers import ratifications

    if len(tables) > 1 and (treaty or not output or not Path(output).is_dir()):
        raise InputError("several tables need -o FOLDER (an existing folder) and no --treaty")
    shapes, context = _in_context(ctx, store)
    done = []
    for table in tables:
        key = treaty or ratifications.treaty_of(table)
        result = ratifications.import_table(
            table, key, states or None, context=context, shapes=shapes
        )
        done.append((key, result))
    for key, result in done:
        target = output
        if output and len(tables) > 1:
            target = str(Path(output) / ratifications.output_name(key))
        _finish(result, f"ratifications {key}", target, ratifications.header(key))


@import_group.command(name="uhri")
@click.argument("export", type=click.Path(dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write.")
@store_option
@click.pass_context
def import_uhri(ctx: click.Context, export: str, output: str | None, store: str | None) -> None:
    """Recommendations from an OHCHR Universal Human Rights Index export (.xlsx, or .csv saved
    from it), validated in the context of the store before anything is written."""
    from kg.importers import uhri

    shapes, context = _in_context(ctx, store)
    result = uhri.import_export(export, context=context, shapes=shapes)
    _finish(result, "uhri", output, uhri.HEADER)
