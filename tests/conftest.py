"""Fixtures: one app per database backend (SQLite always, PostgreSQL when TEST_DATABASE_URL is
set), built once per session through the real migrations; each test starts from empty tables."""
from __future__ import annotations

import os
import secrets

import pytest
import sqlalchemy as sa

from tests.clients import isolated_client
from tests.mailbox import mailbox, smtp_server  # noqa: F401 - fixtures: a real SMTP server for the mail tests

PG_SKIP = ("PostgreSQL leg skipped: TEST_DATABASE_URL is not set "
           "(.ci/run sets it to postgresql+psycopg://postgres@127.0.0.1:5432/test)")


def _build_app(uri: str, instance_path: str, engine_options: dict | None = None):
    from flask_migrate import upgrade

    from marketplace import create_app

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": uri,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options or {},
        "SERVER_NAME": "localhost",
        "MATCH_INDEX_DIR": "",
        "UPLOAD_DIR": f"{instance_path}/uploads",
        "AGREEMENT_SECRET": "test-agreement-secret",
        "FIGURES_MIN_AGE_SECONDS": 0, "FIGURES_COST_FACTOR": 0,  # tests see a changed figure at once
        "JOBS": "inline",  # follow-up jobs run before the response returns: nothing closes a test response
        "CACHE_BACKGROUND_REFRESH": False,  # a changed figure is recomputed in the request: tests see it at once  # tests/poc_factories.SECRET: keys made there sign on the web too
    })
    app.instance_path = instance_path
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def app(request, tmp_path_factory):
    """The application on one backend; PostgreSQL runs in a throw-away schema."""
    instance = str(tmp_path_factory.mktemp("instance"))
    if request.param == "sqlite":
        yield _build_app(f"sqlite:///{instance}/test.db", instance)
        return
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip(PG_SKIP)
    from marketplace.config import normalize_database_url

    url = normalize_database_url(url)
    schema = f"test_{os.getpid()}_{secrets.token_hex(4)}"
    admin_engine = sa.create_engine(url)
    with admin_engine.begin() as conn:
        _drop_orphan_schemas(conn)
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        app = _build_app(url, instance, {"connect_args": {"options": f"-csearch_path={schema}"}})
        yield app
        with app.app_context():
            from models import db
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin_engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


def _drop_orphan_schemas(conn) -> None:
    """Drop schemas of earlier runs on this machine whose process is gone (a killed run cannot
    clean up after itself), so the database is left as it was found."""
    names = conn.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'test\\_%'")).scalars()
    for name in list(names):
        parts = name.split("_")
        if len(parts) == 3 and parts[1].isdigit() and not _alive(int(parts[1])):
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.fixture
def ctx(app):
    """An app context for the test; afterwards every table is emptied and the taxonomy restored."""
    from marketplace.extensions import limiter
    from models import SEED_FIELDS, Field, db

    from marketplace.services import remembered

    limiter.reset()
    remembered.forget_all()
    app.extensions["match_index"].reset()
    app.extensions["cache"].clear()
    with app.app_context():
        yield app
        from flask import g
        g.pop("jobs_ready", None)  # follow-up jobs the test left unrun would meet the emptied tables
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name == "audit_log" and conn.dialect.name == "postgresql":
                    conn.execute(sa.text("TRUNCATE audit_log"))  # its trigger refuses DELETE (append-only)
                else:
                    conn.execute(table.delete())
            conn.execute(sa.insert(Field.__table__), [
                {"code": c, "name_zh": zh, "name_en": en, "sort_order": (i + 1) * 10}
                for i, (c, zh, en) in enumerate(SEED_FIELDS)])


@pytest.fixture
def client(ctx):
    """A test client (cookies kept between its requests); each request runs in its own app
    context, ``g`` and database session, as in production (see tests/clients.py)."""
    return isolated_client(ctx)


@pytest.fixture
def new_client(ctx):
    """A factory of further independent clients (another browser, another device)."""
    return lambda: isolated_client(ctx)


@pytest.fixture
def live(ctx):
    """The test app served over HTTP on a free port (real concurrent requests; see tests/live.py)."""
    from tests.live import serve

    base, stop = serve(ctx)
    yield base
    stop()


def pytest_terminal_summary(terminalreporter):
    """Say once, at the end, whether the PostgreSQL leg ran."""
    if not os.environ.get("TEST_DATABASE_URL"):
        terminalreporter.write_line(PG_SKIP, yellow=True)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``one_backend`` run once: on PostgreSQL when TEST_DATABASE_URL is set (the
    stricter database), on SQLite otherwise. The SQLite copies are deselected, not skipped."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    kept, dropped = [], []
    for item in items:
        on_sqlite = getattr(item, "callspec", None) is not None and item.callspec.params.get("app") == "sqlite"
        (dropped if on_sqlite and item.get_closest_marker("one_backend") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
