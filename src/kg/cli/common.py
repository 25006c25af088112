"""What every `kg` subcommand shares: setting help texts, the settings object, ``--store``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from kg.config import SETTINGS, Settings

#: Each setting's help text, for the options that set it.
HELP = {s.name: s.help for s in SETTINGS}


def settings_for(ctx: click.Context, **overrides: Any) -> Settings:
    """The one settings object: defaults, ``KG_*`` variables, then ``kg``'s and the command's
    flags (``None`` means the flag was not given)."""
    merged = dict(ctx.obj or {})
    merged.update({k: v for k, v in overrides.items() if v is not None})
    return Settings.build(overrides=merged)


def store_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--store PATH`` on a subcommand (the same as on ``kg`` itself)."""
    return click.option("--store", "store", default=None, help=HELP["store"])(func)
