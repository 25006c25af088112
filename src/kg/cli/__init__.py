"""The ``kg`` command line: load, query, serve, dump, stats, settings (validate and contribute
live in :mod:`kg.cli.data`, import in :mod:`kg.cli.imports`).

Errors print one line (``kg: error: ...``) and exit non-zero; never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.cli.common import HELP as _HELP
from kg.cli.common import settings_for as _settings
from kg.cli.common import store_option
from kg.cli.data import contribute, validate
from kg.cli.followup import import_upr_followup
from kg.cli.imports import import_group
from kg.config import SETTINGS, settings_table
from kg.errors import ConfigError, InputError, KgError

_QUERY_FORMATS = ["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", default=None, metavar="PATH|URL", help=_HELP["store"])
@click.version_option(package_name="tpkg")
@click.pass_context
def cli(ctx: click.Context, store: str | None) -> None:
    """Torture Prevention Knowledge Graph: load, query and serve the graph.

    Settings come from defaults, then KG_* environment variables, then flags
    (see `kg settings`).
    """
    ctx.obj = {"store": store} if store else {}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--force", is_flag=True, help="Reload every file, changed or not.")
@store_option
@click.pass_context
def load(ctx: click.Context, paths: tuple[str, ...], force: bool, store: str | None) -> None:
    """Load RDF files (default: the bundled ontology, shapes and data), one graph per file.

    Unchanged files are skipped; with no PATHS, graphs whose source file is gone are removed.
    """
    from tqdm import tqdm

    from kg.loader import discover, keep_union, load_files, prune
    from kg.store import open_store

    settings = _settings(ctx, store=store)
    roots = paths or settings.sources
    sources = discover(roots, settings, Path.cwd())
    if not sources:
        raise InputError(f"no RDF files found in {', '.join(roots)}")
    db = open_store(settings)
    total = sum(s.size for s in sources)
    with tqdm(
        total=total, unit="B", unit_scale=True, desc="loading", leave=False, disable=None
    ) as bar:
        report = load_files(
            db, settings, sources, force=force, progress=lambda s: bar.update(s.size)
        )
    removed = [] if paths else prune(db, settings, roots, {s.graph for s in sources})
    if not settings.is_remote and not db.materialized:
        click.echo("building the default graph (the union of the named graphs) ...", err=True)
        if not keep_union(db):
            click.echo("left as is: the default graph holds triples of its own", err=True)
    db.close()
    click.echo(
        f"loaded {len(report.loaded)} file(s), {len(report.unchanged)} unchanged"
        + (f", removed {len(removed)}" if removed else "")
        + f" in {report.seconds:.1f} s into {settings.store}"
    )


def _read_query(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {path}: {exc}") from None
    return text


@cli.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(_QUERY_FORMATS), default="table")
@store_option
@click.pass_context
def query(ctx: click.Context, query: str, fmt: str, store: str | None) -> None:
    """Run QUERY (text, @file.rq, or - for standard input) and print the result."""
    from kg.query import make_executor, make_task, prepare
    from kg.results import GRAPH_FORMS
    from kg.sandbox import require as require_sandbox

    settings = _settings(ctx, store=store)
    text = _read_query(query)
    found = prepare(settings, text)
    graph = found.form in GRAPH_FORMS
    if graph and fmt in ("table", "json", "csv", "tsv", "xml"):
        fmt = "turtle"
    if not graph and fmt in ("turtle", "ntriples", "jsonld", "rdfxml"):
        raise InputError(f"a {found.form} result cannot be written as {fmt}")
    if not settings.is_remote:
        warning = require_sandbox(settings.allow_guard_only)
        if warning:
            click.echo(f"kg: {warning}", err=True)
    executor = make_executor(settings)
    try:
        outcome = executor.run(make_task(text, fmt, found))
    finally:
        executor.close()
    sys.stdout.buffer.write(outcome.body)
    if outcome.truncated:
        click.echo(f"kg: warning: truncated at {settings.row_limit} rows", err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["nquads", "trig"]), default="nquads")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write.")
@store_option
@click.pass_context
def dump(ctx: click.Context, fmt: str, output: str | None, store: str | None) -> None:
    """Write every graph of the store as N-Quads or TriG."""
    from kg.store import open_store

    settings = _settings(ctx, store=store)
    data = open_store(settings, read_only=not settings.is_remote).dump(fmt)
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@cli.command()
@store_option
@click.pass_context
def stats(ctx: click.Context, store: str | None) -> None:
    """Print triples per graph and instances per class."""
    from kg.stats import collect

    settings = _settings(ctx, store=store)
    click.echo(collect(settings), nl=False)


def _settings_epilog() -> str:
    rows = "\n".join(f"  {s.env:<26} {s.name}" for s in SETTINGS)
    return (
        "Every setting can also come from its environment variable:\n\n\b\n"
        + rows
        + "\n\nSee `kg settings` for defaults and meanings."
    )


@cli.command(epilog=_settings_epilog())
@click.option("--host", default=None, help=_HELP["host"])
@click.option("--port", type=int, default=None, help=_HELP["port"])
@click.option(
    "--server", type=click.Choice(["gunicorn", "granian"]), default=None, help=_HELP["server"]
)
@click.option("--workers", type=int, default=None, help=_HELP["workers"])
@click.option("--threads", type=int, default=None, help=_HELP["threads"])
@click.option("--allow-update", is_flag=True, default=None, help=_HELP["allow_update"])
@click.option("--token-file", default=None, help=_HELP["update_token_file"])
@store_option
@click.pass_context
def serve(ctx: click.Context, token_file: str | None, **options: Any) -> None:
    """Serve the SPARQL endpoint (granian, WSGI) until interrupted."""
    from kg.store import ensure_created
    from kg.web.server import serve as run

    settings = _settings(ctx, update_token_file=token_file, **options)
    ensure_created(settings)
    mode = "maintainer mode: /update open" if settings.allow_update else "read-only"
    click.echo(f"serving {settings.store} on http://{settings.host}:{settings.port}/ ({mode})")
    run(settings)


@cli.command(name="settings")
def show_settings() -> None:
    """Print every setting with its environment variable, default and meaning."""
    click.echo(settings_table())


import_group.add_command(import_upr_followup)
cli.add_command(import_group)
cli.add_command(validate)
cli.add_command(contribute)


def main() -> None:
    """Entry point: run the CLI, printing errors as one line."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("kg: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"kg: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except InputError as exc:
        click.echo(f"kg: error: {exc.message}", err=True)
        sys.exit(2)
    except (KgError, ConfigError) as exc:
        click.echo(f"kg: error: {exc.message}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
