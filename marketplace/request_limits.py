"""No request can stall the others (docs/deployment.md, "Limits"):

- every SQL statement run for a request is cut off after ``DB_STATEMENT_TIMEOUT_MS``
  (PostgreSQL: ``SET LOCAL statement_timeout`` in each request transaction; SQLite: a progress
  handler that interrupts the statement) and answered with 503 and Retry-After — the command
  line and background work (migrations, seeding, rebuilding the index) are not limited;
- a query string longer than ``MAX_QUERY_STRING`` bytes is refused with 414, a chunked body over
  the request's size limit with 413 (as one with a Content-Length already is);
- a keyword filter of more than ``browse.MAX_KEYWORD_TERMS`` words is refused with 422
  (``ListingFilters.from_args``, used by the lists of the web and the API alike).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from werkzeug.exceptions import RequestEntityTooLarge, RequestURITooLarge

from models import db

_deadline: ContextVar[float | None] = ContextVar("statement_deadline", default=None)
_unlimited: ContextVar[bool] = ContextVar("statements_unlimited", default=False)
RETRY_AFTER_SECONDS = 5


def _timeout_ms() -> int:
    if _unlimited.get() or not has_request_context():
        return 0
    return int(current_app.config["DB_STATEMENT_TIMEOUT_MS"] or 0)


@contextmanager
def unlimited():
    """Lift the statement limit for platform work a request happens to start, such as computing
    the statistics on a cold cache (once, then kept: marketplace/public_figures.py)."""
    token = _unlimited.set(True)
    session = db.session()
    postgres = session.in_transaction() and session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(sa.text("SET LOCAL statement_timeout = 0"))
    try:
        yield
    finally:
        _unlimited.reset(token)
        ms = _timeout_ms()
        if postgres and ms and session.in_transaction():
            session.execute(sa.text(f"SET LOCAL statement_timeout = {int(ms)}"))


def refuse_long_query_string() -> None:
    limit = current_app.config["MAX_QUERY_STRING"]
    if limit and len(request.query_string) > limit:
        raise RequestURITooLarge(f"查询参数过长（超过 {limit} 字节）。")


def refuse_oversized_chunked_body() -> None:
    """A chunked body (no Content-Length) over the request's limit is a 413, like a declared one.
    Werkzeug stops reading such a stream at the limit without saying so, so a JSON body cut at
    1 MiB would be answered as malformed (422) after reading it: read up to the limit here (kept
    for the view), and refuse if the client sent more."""
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return
    limit = request.max_content_length
    if limit is None or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if len(request.get_data(cache=True)) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


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
    app.before_request(refuse_oversized_chunked_body)
    if not sa.event.contains(db.session, "after_begin", _limit_postgresql_transaction):
        sa.event.listen(db.session, "after_begin", _limit_postgresql_transaction)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite" and not sa.event.contains(engine, "connect", _install_sqlite_handler):
        sa.event.listen(engine, "connect", _install_sqlite_handler)
        sa.event.listen(engine, "before_cursor_execute", _start_sqlite_clock)
