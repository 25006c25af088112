"""`kg validate` and `kg contribute`: check data files in context, and store contributions.

Both parse and validate in an isolated validation process (the gateway), like the server.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import settings_for, store_option
from kg.errors import InputError, KgError, StoreError

#: Statuses of the intake's refusals (unparseable, too large, unsafe): bad input files.
_INPUT_REFUSED = (400, 413, 415, 422)


def _read_body(path: str) -> tuple[bytes, str]:
    """The bytes of a data file and its format key (parsed later, in the gateway).

    :raises InputError: when it is not a triples file or cannot be read.
    """
    from kg.formats import from_extension
    from kg.intake import ACCEPTED

    fmt = from_extension(path)
    if fmt is None or fmt.key not in ACCEPTED:
        raise InputError(f"{path}: not a triples file (.ttl, .nt, .jsonld, .rdf)")
    try:
        return Path(path).read_bytes(), fmt.key
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text")
@store_option
@click.pass_context
def validate(ctx: click.Context, files: tuple[str, ...], fmt: str, store: str | None) -> None:
    """Validate data FILES against the shapes, in the context of the store's graph.

    Exit status: 0 all conform, 1 violations found, 2 a file cannot be read, parsed or
    validated in time.
    """
    import json

    from kg.validation import Limits, PayloadCheck, ValidationGateway, text_report

    settings = settings_for(ctx, store=store)
    gateway = ValidationGateway(settings, warm=False)
    status, summaries = 0, {}
    try:
        for path in files:
            try:
                data, key = _read_body(path)
                report = "turtle" if fmt == "turtle" else ""
                task = PayloadCheck(data, key, Limits.of(settings), settings.shapes, report)
                verdict = gateway.run(task)
            except StoreError:
                raise
            except KgError as exc:
                message = exc.message if exc.message.startswith(path) else f"{path}: {exc.message}"
                click.echo(f"kg: error: {message}", err=True)
                status = 2
                continue
            if not verdict.conforms and status == 0:
                status = 1
            if fmt == "text":
                click.echo(text_report(verdict, path), nl=False)
            elif fmt == "turtle":
                click.echo(f"# {path}")
                sys.stdout.buffer.write(verdict.body)
            summaries[path] = verdict.summary()
    finally:
        gateway.close()
    if fmt == "json":
        click.echo(json.dumps(summaries, indent=2))
    if status:
        sys.exit(status)


@click.command()
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

    from kg import audit
    from kg.contributions import contribute as store_contribution
    from kg.errors import ValidationFailed
    from kg.store import StoreAccess
    from kg.validation import ValidationGateway, Verdict, text_report

    settings = settings_for(ctx, store=store)
    if source is not None and not source.startswith(("http://", "https://")):
        raise InputError("--source must be an absolute http(s) IRI")
    body = _read_body(file)
    access = StoreAccess(settings)
    gateway = ValidationGateway(settings, access, warm=False)
    try:
        receipt = store_contribution(access, gateway, body, contributor, source)
    except ValidationFailed as exc:
        if isinstance(exc.report, Verdict):
            click.echo(text_report(exc.report, file), err=True, nl=False)
        raise
    except KgError as exc:
        if exc.status in _INPUT_REFUSED:
            raise InputError(f"{file}: {exc.message}") from None
        raise
    finally:
        gateway.close()
    audit.record(settings, "contribute", receipt, contributor)
    click.echo(json.dumps(receipt.as_json(), indent=2))
