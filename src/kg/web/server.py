"""Serve the app with gunicorn (threads per worker process), never the Flask dev server."""

from __future__ import annotations

import ipaddress
from typing import Any

from gunicorn.app.base import BaseApplication

from kg.config import Settings
from kg.errors import ConfigError
from kg.web import create_app


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

    :raises ConfigError: maintainer mode on a non-loopback address without a token file.
    """
    if settings.allow_update and not is_loopback(settings.host):
        if not settings.update_token_file:
            raise ConfigError(
                "refusing --allow-update on a non-loopback address without a token "
                "(set KG_UPDATE_TOKEN_FILE or --token-file)"
            )


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        host = f"[{s.host}]" if ":" in s.host else s.host
        options: dict[str, Any] = {
            "bind": f"{host}:{s.port}",
            "workers": 1 if s.allow_update else s.workers,
            "worker_class": "gthread",
            "threads": s.threads,
            "timeout": int(s.query_timeout) + 30,
            "graceful_timeout": 10,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
            "limit_request_line": 0,
            "proc_name": "kg-serve",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self.settings)


def serve(settings: Settings) -> None:
    """Run the production server in the foreground until interrupted."""
    check_serving(settings)
    _Gunicorn(settings).run()
