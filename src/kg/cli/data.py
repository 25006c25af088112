"""`kg validate` and `kg contribute`: check data files in context, and store contributions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.cli.common import settings_for, store_option
from kg.config import Settings
from kg.errors import InputError, KgError


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


@click.command()
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

    settings = settings_for(ctx, store=store)
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
    from kg.contributions import StoreAccess
    from kg.contributions import contribute as store_contribution
    from kg.errors import ValidationFailed
    from kg.validation import ValidationOutcome, text_report

    settings = settings_for(ctx, store=store)
    if source is not None and not source.startswith(("http://", "https://")):
        raise InputError("--source must be an absolute http(s) IRI")
    payload = _read_payload(settings, file)
    try:
        receipt = store_contribution(StoreAccess(settings), payload, contributor, source)
    except ValidationFailed as exc:
        if isinstance(exc.report, ValidationOutcome):
            click.echo(text_report(exc.report, file), err=True, nl=False)
        raise
    audit.record(settings, "contribute", receipt, contributor)
    click.echo(json.dumps(receipt.as_json(), indent=2))
