"""The operations routes and hooks, installed together: ``/healthz``, ``/metrics``,
``/openapi.json``, and request ids in the app's log records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

from kg.web import health, metrics, openapi, requestid

if TYPE_CHECKING:
    from kg.web import KgState


def init_app(app: Flask, state: KgState) -> metrics.Metrics:
    """Register the operations routes; return the metrics the access middleware feeds."""
    app.register_blueprint(health.blueprint)
    app.register_blueprint(openapi.blueprint)
    requestid.install_log_handler()
    return metrics.init_app(app, state)
