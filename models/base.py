"""Declarative base, naming convention and the shared ``db`` object."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

# Named constraints make migrations deterministic on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the project's naming convention."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

DB_INT_MAX = 2**31 - 1  # the largest id a database integer holds: ids beyond it exist nowhere


def commit_keeping_loaded() -> None:
    """Commit without expiring what the request has loaded: a page that writes in passing (a
    lazy sweep) and then renders the rows it read would otherwise reload each row on first use,
    one query per row."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def utcnow() -> datetime:
    """Timezone-aware current UTC time (stored naive-UTC on SQLite)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def enum_type(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum column type storing the code string, backed by a named CHECK."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


Money = sa.Numeric(12, 2, asdecimal=False)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked, per connection."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@sa.event.listens_for(sa.engine.Engine, "savepoint")
def _sqlite_begin_before_savepoint(conn, name) -> None:
    """pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT as the first
    statement would start one of its own, and releasing it would COMMIT at once (a half-done unit
    of work made durable). Open the real transaction first."""
    import sqlite3

    dbapi_connection = conn.connection.dbapi_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")
