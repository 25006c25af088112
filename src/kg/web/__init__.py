"""The web app: ``create_app(settings)`` builds it; state lives in ``app.extensions["kg"]``."""

from __future__ import annotations

import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from kg.config import Settings
from kg.errors import ConfigError
from kg.query import Executor, make_executor
from kg.store import Store, open_store


@dataclass
class KgState:
    """Per-process state: settings, the query executor, the writer store (maintainer mode)."""

    settings: Settings
    executor: Executor
    update_token_hash: bytes | None = None
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
        """Constant-time comparison of a presented token with the stored hash."""
        if self.update_token_hash is None:
            return True
        digest = hashlib.sha256((presented or "").encode()).digest()
        return hmac.compare_digest(digest, self.update_token_hash)


def read_token_hash(path: str) -> bytes | None:
    """SHA-256 of the token in ``path`` (first line), or None when no file is set.

    :raises ConfigError: when the file is set but unreadable or empty.
    """
    if not path:
        return None
    try:
        token = Path(path).read_text(encoding="utf-8").strip().splitlines()[0].strip()
    except (OSError, IndexError):
        raise ConfigError(f"cannot read a token from {path}") from None
    if not token:
        raise ConfigError(f"the token file {path} is empty")
    return hashlib.sha256(token.encode()).digest()


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app for ``settings`` (default: from the environment)."""
    from kg.contributions import StoreAccess
    from kg.web import contributions, errors, pages, resources, sparql, validate
    from kg.web.access import AccessLog, LineBuffer
    from kg.web.fast import FastQueries
    from kg.web.operations import init_app as init_operations

    settings = settings or Settings.build()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    state = KgState(settings, make_executor(settings), read_token_hash(settings.update_token_file))
    app.extensions["kg"] = state
    writer = state.writer if settings.allow_update else None
    contributions.init_app(app, settings, StoreAccess(settings, writer))
    errors.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(resources.blueprint)
    app.register_blueprint(validate.blueprint)
    app.register_blueprint(contributions.blueprint)
    counted = init_operations(app, state)
    app.wsgi_app = FastQueries(app.wsgi_app, state)  # type: ignore[method-assign]
    lines = LineBuffer() if settings.access_log else None
    app.wsgi_app = AccessLog(app.wsgi_app, lines, counted)  # type: ignore[method-assign]
    return app
