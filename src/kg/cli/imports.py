"""`kg import`: convert external exports (UPR Info, UPR reports, ratification tables, the UHRI,
the OSCE list) into RDF, validated against the shapes before anything is written.

Every command writes into the store by default (one named graph per imported file, with a
PROV record of the import; see :mod:`kg.importers.store_write`); ``-o FILE`` writes Turtle
instead (``-o -``: standard output). Each command prints what it did on stderr (rejected or
unlinked rows, then a summary of counts) and shows a progress bar there when stderr is a
terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.cli.common import settings_for, store_option

T = TypeVar("T")
OUTPUT_HELP = "Write Turtle to this file (- for stdout) instead of into the store."


@click.group(name="import")
def import_group() -> None:
    """Import an external export: into the store, or as Turtle with -o (review it, then add it
    under data/turtle/)."""


def _progress(items: Iterable[T], label: str) -> Iterable[T]:
    from tqdm import tqdm

    unit = label.rstrip("s")
    return tqdm(items, desc=label, unit=unit, file=sys.stderr, disable=not sys.stderr.isatty())


def _finish(
    ctx: click.Context,
    graph: Any,
    header: str,
    output: str | None,
    importer: str,
    sources: list[str],
) -> None:
    """Write ``graph`` through the one importers' writer: into the store, or Turtle to
    ``output`` (``-``: stdout)."""
    from kg.importers.store_write import deliver

    settings = settings_for(ctx, store=ctx.params.get("store"))
    done = deliver(
        settings,
        graph,
        importer=importer,
        sources=[Path(p) for p in sources],
        output=output,
        header=header,
    )
    click.echo(done, err=True)


def _check(ctx: click.Context, graph: Any, extra: Iterable[Any] = ()) -> None:
    from kg.importers.checks import check, context_graph

    settings = settings_for(ctx)
    outcome = check(graph, settings.shapes, context_graph(".", extra))
    counts = outcome.counts()
    click.echo(
        f"validated: {counts['Violation']} violations, {counts['Warning']} warnings", err=True
    )


def _check_rows(ctx: click.Context, graph: Any, rows: Any) -> list[tuple[int, str]]:
    """Validate as :func:`_check` does, dropping the rows whose output fails (listed)."""
    from kg.importers.checks import context_graph
    from kg.importers.rowcheck import check_rows

    verdict = check_rows(graph, settings_for(ctx).shapes, context_graph("."), rows)
    counts = verdict.outcome.counts()
    click.echo(
        f"validated: {counts['Violation']} violations, {counts['Warning']} warnings", err=True
    )
    return verdict.rejected


@import_group.command(name="upr")
@click.argument("export", type=click.Path(dir_okay=False))
@click.option("--issue", default=None, help="Keep only rows with this UPR Info issue.")
@click.option("--state", "states", multiple=True, help="State under review (repeatable).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
@store_option
@click.pass_context
def import_upr(
    ctx: click.Context,
    export: str,
    issue: str | None,
    states: tuple[str, ...],
    output: str | None,
    store: str | None,
) -> None:
    """Every recommendation of a UPR Info export (CSV; encoding and line ends detected)."""
    from kg.importers import upr

    result = upr.import_export(
        export, issue=issue, states=states or None, progress=lambda r: _progress(r, "rows")
    )
    rejected = [(r.row, r.reason) for r in result.rejected]
    rejected += _check_rows(ctx, result.graph, result.rows)
    for number, reason in sorted(rejected):
        click.echo(f"rejected: row {number}: {reason}", err=True)
    imported = result.imported - (len(rejected) - len(result.rejected))
    click.echo(
        f"rows: {result.read} read, {result.selected} selected, {imported} imported, "
        f"{len(rejected)} rejected; {len(result.graph)} triples",
        err=True,
    )
    _finish(ctx, result.graph, upr.HEADER, output, "upr", [export])


@import_group.command(name="upr-report")
@click.argument("report", type=click.Path(dir_okay=False))
@click.option("--symbol", default=None, help="UN symbol (must be printed in the file).")
@click.option("--key", default=None, help="IRI key of the document when its symbol is not printed.")
@click.option("--claimed-symbol", default=None, help="Unverified symbol, kept as a tp:Claim.")
@click.option("--claim-source", default=None, help="URL of where the claimed symbol is given.")
@click.option("--date", default=None, help="Date of the report (YYYY-MM-DD) if not readable.")
@click.option("--session", type=int, default=None, help="UPR Working Group session number.")
@click.option("--state", default=None, help="ISO alpha-3 code of the State under review.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
@store_option
@click.pass_context
def import_upr_report(
    ctx: click.Context, report: str, output: str | None, store: str | None, **options: Any
) -> None:
    """Recommendation paragraphs of a UPR Working Group report (raw text, any encoding)."""
    from kg.importers.upr_report import ReportOptions, import_report

    result = import_report(
        report, ReportOptions(**options), progress=lambda p: _progress(p, "paragraphs")
    )
    _check(ctx, result.graph)
    groups: dict[str, int] = {}
    for para in result.report.paragraphs:
        groups[para.group] = groups.get(para.group, 0) + 1
    by_group = ", ".join(f"{n} {g}" for g, n in sorted(groups.items()))
    click.echo(
        f"read as {result.report.encoding}, {result.report.line_ends} line ends; "
        f"{len(result.report.paragraphs)} paragraphs ({by_group}); {len(result.graph)} triples",
        err=True,
    )
    header = f"# Generated by `kg import upr-report` from {Path(report).name}; do not edit.\n\n"
    _finish(ctx, result.graph, header, output, "upr-report", [report])


@import_group.command(name="upr-links")
@click.argument("recommendations", type=click.Path(dir_okay=False))
@click.argument("reports", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
@store_option
@click.pass_context
def import_upr_links(
    ctx: click.Context,
    recommendations: str,
    reports: tuple[str, ...],
    output: str | None,
    store: str | None,
) -> None:
    """Link UPR Info recommendations (Turtle) to the report paragraphs (Turtle) they come from."""
    from kg.importers.upr_links import link, read_turtle

    recs = read_turtle([recommendations])
    paragraphs = read_turtle(list(reports))
    result = link(recs, paragraphs, progress=lambda r: _progress(r, "rows"))
    for rec, reason in result.unlinked:
        click.echo(f"unlinked: {rec}: {reason}", err=True)
    _check(ctx, result.graph, (recs, paragraphs))
    total = result.linked + len(result.unlinked)
    share = 100 * result.linked / total if total else 0.0
    click.echo(
        f"recommendations: {total}, linked {result.linked} ({share:.1f}%), "
        f"unlinked {len(result.unlinked)}",
        err=True,
    )
    header = "# Generated by `kg import upr-links`; do not edit. Method: see tp:matchMethod.\n\n"
    _finish(ctx, result.graph, header, output, "upr-links", [recommendations, *reports])


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
    help="Write Turtle to this file (- for stdout) instead of into the store (with several "
    "tables: a folder, one ratifications-<treaty>.ttl each).",
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
    validated in the context of the store; every table is read and checked before anything
    is written (into the store, one graph per table, or as Turtle with -o)."""
    from kg.errors import InputError
    from kg.importers import ratifications

    several = len(tables) > 1
    if several and (treaty or (output and not Path(output).is_dir())):
        raise InputError("several tables need -o FOLDER (an existing folder) or none, no --treaty")
    shapes, context = _in_context(ctx, store)
    done = []
    for table in tables:
        key = treaty or ratifications.treaty_of(table)
        result = ratifications.import_table(
            table, key, states or None, context=context, shapes=shapes
        )
        done.append((table, key, result))
    for table, key, result in done:
        target = output
        if output and several:
            target = str(Path(output) / ratifications.output_name(key))
        click.echo(result.summary(f"ratifications {key}"), err=True)
        _finish(ctx, result.graph, ratifications.header(key), target, "ratifications", [table])


@import_group.command(name="uhri")
@click.argument("export", type=click.Path(dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
@store_option
@click.pass_context
def import_uhri(ctx: click.Context, export: str, output: str | None, store: str | None) -> None:
    """Recommendations from an OHCHR Universal Human Rights Index export (.xlsx, or .csv saved
    from it), validated in the context of the store before anything is written."""
    from kg.importers import uhri

    shapes, context = _in_context(ctx, store)
    result = uhri.import_export(export, context=context, shapes=shapes)
    click.echo(result.summary("uhri"), err=True)
    _finish(ctx, result.graph, uhri.HEADER, output, "uhri", [export])


@import_group.command(name="osce")
@click.argument("listing", type=click.Path(dir_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
@store_option
@click.pass_context
def import_osce(ctx: click.Context, listing: str, output: str | None, store: str | None) -> None:
    """The OSCE participating States as a group (osce-participating-states.csv: the names as
    the OSCE lists them and their ISO 3166-1 alpha-3 codes)."""
    from kg.importers import osce

    group = osce.convert(listing)
    for name in group.unmatched_names:
        click.echo(
            f"name not found in ISO 3166 as written (code from the list used): {name}", err=True
        )
    _check(ctx, group.graph)
    click.echo(f"osce: {group.members} States; {len(group.graph)} triples", err=True)
    _finish(ctx, group.graph, osce.HEADER, output, "osce", [listing])
