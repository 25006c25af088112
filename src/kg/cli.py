"""The ``kg`` command line: load, query, serve, dump, stats, settings.

Errors print one line (``kg: error: ...``) and exit non-zero; never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg.cli_import import import_group
from kg.config import SETTINGS, Settings, settings_table
from kg.errors import ConfigError, InputError, KgError

_HELP = {s.name: s.help for s in SETTINGS}
_QUERY_FORMATS = ["table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml"]


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    merged = dict(ctx.obj or {})
    merged.update({k: v for k, v in overrides.items() if v is not None})
    return Settings.build(overrides=merged)


def store_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--store PATH`` on a subcommand (the same as on ``kg`` itself)."""
    return click.option("--store", "store", default=None, help=_HELP["store"])(func)


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
    if not getattr(db, "materialized", True):
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

    settings = _settings(ctx, store=store)
    text = _read_query(query)
    found = prepare(settings, text)
    graph = found.form in GRAPH_FORMS
    if graph and fmt in ("table", "json", "csv", "tsv", "xml"):
        fmt = "turtle"
    if not graph and fmt in ("turtle", "ntriples", "jsonld", "rdfxml"):
        raise InputError(f"a {found.form} result cannot be written as {fmt}")
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


def _read_payload(settings: Settings, path: str) -> Any:
    """Read and safely parse a data file; every failure is an :class:`InputError`."""
    from kg.formats import from_extension
    from kg.intake import ACCEPTED, read_payload

    fmt = from_extension(path)
    if fmt is None or fmt.key not in ACCEPTED:
        raise InputError(f"{path}: not a triples file (.ttl, .nt, .jsonld, .rdf)")
    try:
        data = Path(path).read_bytes()
        return read_payload(
            data,
            fmt.key,
            max_bytes=settings.max_contribution_bytes,
            max_triples=settings.max_triples,
            base=settings.base_iri,
        )
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except KgError as exc:
        raise InputError(f"{path}: {exc.message}") from None


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text")
@store_option
@click.pass_context
def validate(ctx: click.Context, files: tuple[str, ...], fmt: str, store: str | None) -> None:
    """Validate data FILES against the shapes, in the context of the store's graph.

    Exit status: 0 all conform, 1 violations found, 2 a file cannot be read or parsed.
    """
    import json

    from kg.contributions import StoreAccess, check_payload
    from kg.validation import serialize_report, text_report

    settings = _settings(ctx, store=store)
    reader = StoreAccess(settings).reader()
    status, summaries = 0, {}
    for path in files:
        try:
            payload = _read_payload(settings, path)
        except InputError as exc:
            click.echo(f"kg: error: {exc.message}", err=True)
            status = 2
            continue
        outcome = check_payload(reader, settings, payload)
        if not outcome.conforms and status == 0:
            status = 1
        if fmt == "text":
            click.echo(text_report(outcome, path), nl=False)
        elif fmt == "turtle":
            click.echo(f"# {path}")
            sys.stdout.buffer.write(serialize_report(outcome, "turtle"))
        summaries[path] = outcome.summary()
    if fmt == "json":
        click.echo(json.dumps(summaries, indent=2))
    if status:
        sys.exit(status)


@cli.command()
@click.argument("file", type=click.Path())
@click.option("--contributor", default="kg-cli", show_default=True, help="Who contributes.")
@click.option("--source", default=None, help="IRI of the source the data comes from.")
@store_option
@click.pass_context
def contribute(
    ctx: click.Context, file: str, contributor: str, source: str | None, store: str | None
) -> None:
    """Validate FILE in context and store it as a new contribution graph with its record."""
    import json

    from kg.contributions import StoreAccess
    from kg.contributions import contribute as store_contribution
    from kg.errors import ValidationFailed
    from kg.validation import ValidationOutcome, text_report

    settings = _settings(ctx, store=store)
    if source is not None and not source.startswith(("http://", "https://")):
        raise InputError("--source must be an absolute http(s) IRI")
    payload = _read_payload(settings, file)
    try:
        receipt = store_contribution(StoreAccess(settings), payload, contributor, source)
    except ValidationFailed as exc:
        if isinstance(exc.report, ValidationOutcome):
            click.echo(text_report(exc.report, file), err=True, nl=False)
        raise
    click.echo(json.dumps(receipt.as_json(), indent=2))


@cli.command(name="settings")
def show_settings() -> None:
    """Print every setting with its environment variable, default and meaning."""
    click.echo(settings_table())


cli.add_command(import_group)


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


if __name__ == "__main__":
    main()
