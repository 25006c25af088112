"""The web app: ``create_app(settings)`` builds it; state lives in ``app.extensions["kg"]``."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from kg.config import Settings
from kg.query import Executor, make_executor
from kg.store import Store, StoreAccess
from kg.tokens import Tokens, match, read_tokens
from kg.validation.gateway import ValidationGateway


@dataclass
class KgState:
    """Per-process state: settings, store access, the query executor, the writer store
    (maintainer mode), the validation gateway."""

    settings: Settings
    access: StoreAccess
    executor: Executor
    update_tokens: Tokens | None = None
    validation: ValidationGateway | None = None

    def writer(self) -> Store:
        """The read-write store of maintainer mode, opened on first use."""
        return self.access.writer()

    def after_write(self) -> None:
        """Make query workers reopen their snapshot so the write is seen at once."""
        self.access.after_write()

    def token_ok(self, presented: str | None) -> bool:
        """Constant-time comparison of a presented token with the update tokens' digests."""
        if self.update_tokens is None:
            return True
        return match(self.update_tokens, presented) is not None


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app for ``settings`` (default: from the environment)."""
    from kg.web import (
        budget,
        contribute_page,
        contributions,
        errors,
        pages,
        querypage,
        resources,
        search_page,
        sparql,
        validate,
        vocab,
    )
    from kg.web.access import AccessLog, LineBuffer
    from kg.web.bodies import SizedBodies
    from kg.web.charts import blueprint as charts_blueprint
    from kg.web.fast import FastQueries
    from kg.web.operations import init_app as init_operations

    settings = settings or Settings.build()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    access = StoreAccess(settings, keep_writer=settings.allow_update)
    update_tokens = read_tokens(settings.update_token_file, "maintainer") or None
    validation = ValidationGateway(settings, access)
    state = KgState(settings, access, make_executor(settings, access), update_tokens, validation)
    app.extensions["kg"] = state
    contributions.init_app(app, settings, access)
    errors.register(app)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(querypage.blueprint)
    app.register_blueprint(resources.blueprint)
    app.register_blueprint(vocab.blueprint)
    app.register_blueprint(validate.blueprint)
    app.register_blueprint(contributions.blueprint)
    app.register_blueprint(search_page.blueprint)
    app.register_blueprint(contribute_page.blueprint)
    app.register_blueprint(charts_blueprint)
    counted = init_operations(app, state)
    app.wsgi_app = SizedBodies(app.wsgi_app, settings.max_body_bytes)  # type: ignore[method-assign]
    app.wsgi_app = FastQueries(app.wsgi_app, state)  # type: ignore[method-assign]
    app.wsgi_app = budget.install(app.wsgi_app, settings)  # type: ignore[method-assign,assignment]
    lines = LineBuffer() if settings.access_log else None
    app.wsgi_app = AccessLog(app.wsgi_app, lines, counted)  # type: ignore[method-assign]
    return app
