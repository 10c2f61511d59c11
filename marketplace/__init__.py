"""The InnoBridge Flask application."""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter


NO_SUCH_ID = 0  # ids start at 1: every lookup of 0 finds nothing


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` ids beyond a database integer become 0, which names nothing: the route still
    matches (so a method it serves is answered 404, and one it does not 405 with ``Allow``),
    and no query ever carries a number the database cannot hold (an overflow would be a 500).
    Refusing the value in the converter instead left the route unmatched, and Werkzeug then
    answered 405 for methods the route serves."""

    def to_python(self, value: str) -> int:
        from models import DB_INT_MAX

        number = super().to_python(value)
        return number if number <= DB_INT_MAX else NO_SUCH_ID


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: config → extensions → blueprints → errors → cli."""
    from models import db

    from . import (
        alerts, audit_context, cli, errors, headers, http_cache, jobs, mail, ratelimits, request_limits, security,
        templating,
    )
    from .api import api_bp
    from .cache import Cache
    from .config import load_config
    from .extensions import csrf, migrate
    from .views import register_views

    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="static")
    app.url_map.converters["int"] = DatabaseIntConverter
    load_config(app, test_config)
    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    jobs.init_app(app)  # after db: its teardown runs first; its after_request last, after alerts' and mail's
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    request_limits.init_app(app)
    csrf.init_app(app)
    ratelimits.init_app(app)
    redis_url = app.config["REDIS_URL"]
    app.extensions["cache"] = Cache(redis_url if redis_url and not ratelimits.redis_problem(redis_url) else None)
    security.init_app(app)
    audit_context.init_app(app)
    from .services.match_index import MatchIndex
    app.extensions["match_index"] = MatchIndex(app.config["MATCH_INDEX_DIR"] or None)
    templating.init_app(app)

    register_views(app)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, never with cookies
    app.register_blueprint(api_bp)
    errors.init_app(app)
    alerts.init_app(app)
    mail.init_app(app)
    http_cache.init_app(app)
    headers.init_app(app)
    cli.init_app(app)
    return app
