"""The web app: ``create_app(settings)`` builds it; state lives in ``app.extensions["kg"]``."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask

from kg.config import Settings
from kg.query import Executor, make_executor
from kg.store import Store, open_store
from kg.tokens import Tokens, match, read_tokens


@dataclass
class KgState:
    """Per-process state: settings, the query executor, the writer store (maintainer mode)."""

    settings: Settings
    executor: Executor
    update_tokens: Tokens | None = None
    _writer: Store | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def writer(self) -> Store:
        """The read-write store, opened on first use (only maintainer mode writes)."""
        with self._lock:
            if self._writer is None:
                self._writer = open_store(self.settings)
            return self._writer

    def after_write(self) -> None:
        """Make query workers reopen their snapshot so the write is seen at once."""
        self.executor.generation += 1

    def token_ok(self, presented: str | None) -> bool:
        """Constant-time comparison of a presented token with the update tokens' digests."""
        if self.update_tokens is None:
            return True
        return match(self.update_tokens, presented) is not None


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app for ``settings`` (default: from the environment)."""
    from kg.contributions import StoreAccess
    from kg.web import budget, contributions, errors, pages, resources, sparql, validate
    from kg.web.access import AccessLog, LineBuffer
    from kg.web.bodies import SizedBodies
    from kg.web.fast import FastQueries

    settings = settings or Settings.build()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    update_tokens = read_tokens(settings.update_token_file, "maintainer") or None
    state = KgState(settings, make_executor(settings), update_tokens)
    app.extensions["kg"] = state
    writer = state.writer if settings.allow_update else None
    contributions.init_app(app, settings, StoreAccess(settings, writer))
    errors.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(resources.blueprint)
    app.register_blueprint(validate.blueprint)
    app.register_blueprint(contributions.blueprint)
    app.wsgi_app = SizedBodies(app.wsgi_app, settings.max_body_bytes)  # type: ignore[method-assign]
    app.wsgi_app = FastQueries(app.wsgi_app, state)  # type: ignore[method-assign]
    app.wsgi_app = budget.install(app.wsgi_app, settings)  # type: ignore[method-assign,assignment]
    if settings.access_log:
        app.wsgi_app = AccessLog(app.wsgi_app, LineBuffer())  # type: ignore[method-assign]
    return app
