"""Faults answer 503 with Retry-After and a generic body (no internals): a database that cannot
be reached, a locked SQLite file; a bug stays a 500. Liveness and readiness are distinct and
truthful; connections are checked before use (pool_pre_ping)."""
from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from marketplace.services import browse
from models import db


class FakePsycopgError(Exception):
    """Stands for psycopg.OperationalError: SQLAlchemy wraps whatever the driver raises."""


FakePsycopgError.__module__ = "psycopg"


def raising(error):
    def search(*args, **kwargs):
        raise error
    return search


OUTAGES = {
    "postgresql connection refused": sa.exc.OperationalError(
        "SELECT 1", {}, FakePsycopgError("connection failed: Connection refused")),
    "connection invalidated": sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"),
                                                      connection_invalidated=True),
    "interface error": sa.exc.InterfaceError("SELECT 1", {}, Exception("connection already closed")),
    "sqlite locked": sa.exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked")),
}


@pytest.mark.parametrize("outage", sorted(OUTAGES))
def test_an_unreachable_database_answers_503_in_json(client, monkeypatch, outage):
    monkeypatch.setattr(browse, "search_demands", raising(OUTAGES[outage]))
    response = client.get("/api/v1/demands")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {"error": {"code": "unavailable", "message": "服务暂时不可用，请稍后重试。",
                                             "fields": {}}}


def test_an_unreachable_database_answers_a_generic_503_page(client, monkeypatch):
    monkeypatch.setattr(browse, "search_demands", raising(OUTAGES["postgresql connection refused"]))
    response = client.get("/demands/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "服务暂时不可用" in page
    assert "Connection refused" not in page and "SELECT" not in page  # no internals


@pytest.mark.parametrize("error", [
    sa.exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: nope")),
    sa.exc.ProgrammingError("SELECT", {}, FakePsycopgError("syntax error")),
    sa.exc.IntegrityError("INSERT", {}, FakePsycopgError("duplicate key")),
])
def test_a_bug_in_a_statement_stays_a_500(client, monkeypatch, error):
    monkeypatch.setattr(browse, "search_demands", raising(error))
    response = client.get("/api/v1/demands")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    assert response.get_json()["error"]["code"] == "server_error"


def test_liveness_does_not_touch_the_database(client, monkeypatch):
    def down(*args, **kwargs):
        raise OUTAGES["postgresql connection refused"]
    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readiness_needs_the_database_and_the_match_index(client, ctx, monkeypatch):
    not_loaded = client.get("/readyz")
    assert not_loaded.status_code == 503 and not_loaded.headers["Retry-After"] == "5"
    assert not_loaded.get_json() == {"status": "not ready", "checks": {"database": "ok", "match_index": "not loaded"}}
    ctx.extensions["match_index"].ready()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ready", "checks": {"database": "ok", "match_index": "ok"}}
    assert ready.headers["Cache-Control"] == "no-store"

    real = db.session.execute

    def down(statement, *args, **kwargs):
        if "SELECT 1" in str(statement):
            raise OUTAGES["postgresql connection refused"]
        return real(statement, *args, **kwargs)
    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "unavailable", "match_index": "ok"}


def test_readiness_checks_redis_when_it_is_configured(client, ctx, monkeypatch):
    ctx.extensions["match_index"].ready()
    monkeypatch.setitem(ctx.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "redis": "unavailable", "match_index": "ok"}


def test_connections_are_checked_before_use(ctx):
    assert db.engine.pool._pre_ping is True


@pytest.mark.parametrize(("error", "level", "traceback"), [
    (OUTAGES["postgresql connection refused"], "WARNING", False),  # an outage: one line
    (RuntimeError("a bug in the watches"), "ERROR", True),  # a bug: the traceback
])
def test_an_alert_check_that_fails_after_a_write_is_logged_by_kind(ctx, monkeypatch, caplog, error, level, traceback):
    from marketplace import alerts
    from marketplace.services import watches

    monkeypatch.setattr(watches, "check_watches", raising(error))
    with caplog.at_level("WARNING"):
        assert alerts.check_alerts() == 0  # never raises: the write that triggered it succeeded
    [record] = [r for r in caplog.records if "alert check" in r.getMessage()]
    assert record.levelname == level
    assert (record.exc_info is not None) is traceback
