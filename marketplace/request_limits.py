"""No request can stall the others (docs/deployment.md, "Limits"):

- every SQL statement run for a request is cut off after ``DB_STATEMENT_TIMEOUT_MS``
  (PostgreSQL: ``SET LOCAL statement_timeout`` in each request transaction; SQLite: a progress
  handler that interrupts the statement) and answered with 503 and Retry-After — the command
  line and background work (migrations, seeding, rebuilding the index) are not limited;
- a query string longer than ``MAX_QUERY_STRING`` bytes is refused with 414;
- a keyword filter of more than ``browse.MAX_KEYWORD_TERMS`` words is refused with 422
  (``ListingFilters.from_args``, used by the lists of the web and the API alike).
"""
from __future__ import annotations

import time
from contextvars import ContextVar

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from werkzeug.exceptions import RequestURITooLarge

from models import db

_deadline: ContextVar[float | None] = ContextVar("statement_deadline", default=None)
RETRY_AFTER_SECONDS = 5


def _timeout_ms() -> int:
    return int(current_app.config["DB_STATEMENT_TIMEOUT_MS"] or 0) if has_request_context() else 0


def refuse_long_query_string() -> None:
    limit = current_app.config["MAX_QUERY_STRING"]
    if limit and len(request.query_string) > limit:
        raise RequestURITooLarge(f"查询参数过长（超过 {limit} 字节）。")


def is_statement_timeout(error: BaseException) -> bool:
    """A statement cut off by the limit: PostgreSQL's query_canceled, SQLite's interrupt."""
    orig = getattr(error, "orig", None)
    if getattr(orig, "sqlstate", None) == "57014":  # psycopg: QueryCanceled
        return True
    return orig is not None and type(orig).__module__ == "sqlite3" and "interrupted" in str(orig)


def _limit_postgresql_transaction(session, transaction, connection) -> None:
    ms = _timeout_ms()
    if ms and connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(ms)}")


def _start_sqlite_clock(conn, cursor, statement, parameters, context, executemany) -> None:
    ms = _timeout_ms()
    _deadline.set(time.monotonic() + ms / 1000 if ms else None)


def _sqlite_progress() -> int:
    deadline = _deadline.get()
    return 1 if deadline is not None and time.monotonic() > deadline else 0  # non-zero interrupts


def _install_sqlite_handler(dbapi_connection, connection_record) -> None:
    dbapi_connection.set_progress_handler(_sqlite_progress, 20_000)


def init_app(app) -> None:
    """Install the limits on the app and its engine (listeners are idempotent per engine)."""
    app.before_request(refuse_long_query_string)
    if not sa.event.contains(db.session, "after_begin", _limit_postgresql_transaction):
        sa.event.listen(db.session, "after_begin", _limit_postgresql_transaction)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite" and not sa.event.contains(engine, "connect", _install_sqlite_handler):
        sa.event.listen(engine, "connect", _install_sqlite_handler)
        sa.event.listen(engine, "before_cursor_execute", _start_sqlite_clock)
