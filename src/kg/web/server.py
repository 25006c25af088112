"""Serve the app with a production HTTP server (gunicorn or granian), never the dev server."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from kg import sandbox
from kg.config import Settings, export, export_metrics_folder
from kg.errors import ConfigError
from kg.web import create_app
from kg.web.budget import shared_table


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_serving(settings: Settings) -> None:
    """Refuse unsafe combinations before starting.

    :raises ConfigError: maintainer mode on a non-loopback address without a token file;
        an embedded store where query processes cannot be sandboxed, unless guard-only mode
        is accepted (then a warning line goes to standard error).
    """
    if settings.allow_update and not is_loopback(settings.host):
        if not settings.update_token_file:
            raise ConfigError(
                "refusing --allow-update on a non-loopback address without a token "
                "(set KG_UPDATE_TOKEN_FILE or --token-file)"
            )
    if not settings.is_remote:
        warning = sandbox.require(settings.allow_guard_only)
        if warning:
            print(f"kg: {warning}", file=sys.stderr, flush=True)


def app_from_environment() -> Flask:
    """The app of one worker process, built from the settings ``serve`` exported."""
    return create_app(Settings.build())


def _workers(settings: Settings) -> int:
    # Maintainer mode runs one worker process: the store has a single writer.
    return 1 if settings.allow_update else settings.workers


def _gunicorn(settings: Settings) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            host = f"[{settings.host}]" if ":" in settings.host else settings.host
            options: dict[str, Any] = {
                "bind": f"{host}:{settings.port}",
                "workers": _workers(settings),
                "worker_class": "gthread",
                "threads": settings.threads,
                "timeout": int(settings.query_timeout) + 30,
                "graceful_timeout": 10,
                "errorlog": "-",
                "limit_request_line": 0,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return create_app(settings)

    Application().run()


def _blocking_threads(settings: Settings) -> int:
    """Request threads per granian worker: one per query worker (more would only queue on
    the pool; granian serves fastest so, measured), plus one per validation that may run or
    wait, so that validations never hold the threads lookups need; at most ``threads``
    more than the query workers."""
    validations = settings.validation_workers + settings.validation_queue
    return settings.query_workers + min(settings.threads, validations)


def _granian(settings: Settings) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    export(settings)
    Granian(
        "kg.web.server:app_from_environment",
        factory=True,
        interface=Interfaces.WSGI,
        address=settings.host,
        port=settings.port,
        workers=_workers(settings),
        blocking_threads=_blocking_threads(settings),
        websockets=False,
        # The app writes the access log itself (kg.web.access): buffered, far cheaper.
        log_access=False,
        respawn_failed_workers=True,
    ).serve()


def metrics_folder(settings: Settings) -> Path:
    """The metrics folder: the setting, or ``metrics/<port>`` next to the store (a folder
    per port, so two servers on one store keep apart)."""
    if settings.metrics_dir:
        return Path(settings.metrics_dir)
    base = Path("var") if settings.is_remote else Path(settings.store).absolute().parent
    return base / "metrics" / str(settings.port)


def prepare_folder(folder: Path) -> None:
    """Create ``folder`` and remove the values a previous server left there.

    :raises OSError: when the folder cannot be made or emptied.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db"):
        old.unlink()


def _metrics_folder(settings: Settings) -> Settings:
    """Empty the metrics folder and have every worker process count into it (before any
    module of this process imports prometheus-client, which reads the folder at import).

    :raises ConfigError: when the folder cannot be made or emptied.
    """
    folder = metrics_folder(settings)
    try:
        prepare_folder(folder)
    except OSError as exc:
        raise ConfigError(f"cannot prepare the metrics folder {folder}: {exc.strerror}") from None
    export_metrics_folder(str(folder))
    return settings.replace(metrics_dir=str(folder))


def serve(settings: Settings) -> None:
    """Run the configured production server in the foreground until interrupted."""
    check_serving(settings)
    settings = _metrics_folder(settings)
    with shared_table(settings) as settings:
        if settings.server == "granian":
            _granian(settings)
        else:
            _gunicorn(settings)
