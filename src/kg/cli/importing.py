"""What every `kg import` command shares: the progress bar, the validation before writing (row
by row: a row whose output fails is dropped and listed), and the one writer into the store or
Turtle."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg.cli.common import settings_for

T = TypeVar("T")
OUTPUT_HELP = "Write Turtle to this file (- for stdout) instead of into the store."


def progress(items: Iterable[T], label: str) -> Iterable[T]:
    """``items`` in a progress bar on stderr (shown when stderr is a terminal)."""
    from tqdm import tqdm

    unit = label.rstrip("s")
    return tqdm(items, desc=label, unit=unit, file=sys.stderr, disable=not sys.stderr.isatty())


def finish(
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


def check_rows_echo(
    ctx: click.Context, graph: Any, rows: Any, extra: Iterable[Any] = ()
) -> list[tuple[Any, str]]:
    """Validate as :func:`check` does, dropping the rows whose output fails (returned)."""
    from kg.importers.checks import context_graph
    from kg.importers.rowcheck import check_rows

    verdict = check_rows(graph, settings_for(ctx).shapes, context_graph(".", extra), rows)
    counts = verdict.outcome.counts()
    click.echo(
        f"validated: {counts['Violation']} violations, {counts['Warning']} warnings", err=True
    )
    return verdict.rejected
