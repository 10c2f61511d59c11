"""Bulk writes for generated data: PostgreSQL's COPY (psycopg 3 ``cursor.copy``), batched core
INSERTs (executemany) elsewhere. Never the ORM, one object at a time."""
from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa


class BulkWriter:
    """Writes plain row dicts into tables of ``session``'s database, inside its transaction."""

    def __init__(self, session):
        self.session = session
        self.postgresql = session.get_bind().dialect.name == "postgresql"
        self._next_id: dict[str, int] = {}

    def reserve_ids(self, table: sa.Table, n: int) -> list[int]:
        """``n`` primary keys nobody else will take: from the table's sequence on PostgreSQL; on
        SQLite past the highest id (rows are written in the same transaction, which holds the
        database's write lock from its first write on)."""
        if n <= 0:
            return []
        if self.postgresql:
            return list(self.session.execute(sa.text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
                {"table": table.name, "n": n}).scalars())
        highest = self.session.scalar(sa.select(sa.func.max(table.c.id))) or 0
        start = max(highest, self._next_id.get(table.name, 0)) + 1
        self._next_id[table.name] = start + n - 1
        return list(range(start, start + n))

    def insert(self, table: sa.Table, rows: Sequence[dict]) -> None:
        """Write ``rows`` (dicts with the same keys; JSON columns hold Python lists)."""
        if not rows:
            return
        if not self.postgresql:
            self.session.execute(table.insert(), list(rows))
            return
        # COPY applies no column default of the model (an INSERT through SQLAlchemy does): the
        # scalar ones of the columns the rows leave out are written explicitly
        defaults = {column.name: column.default.arg for column in table.columns
                    if column.name not in rows[0] and column.default is not None and column.default.is_scalar}
        names = [*rows[0], *defaults]
        as_json = [isinstance(table.c[name].type, sa.JSON) for name in names]
        raw = self.session.connection().connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                values = [row.get(name, defaults.get(name)) for name in names]
                copy.write_row([_json(value) if is_json else _plain(value) for value, is_json in zip(values, as_json)])

    def analyze(self, tables: Sequence[sa.Table]) -> None:
        """After a large load has been committed (PostgreSQL; SQLite needs neither): VACUUM marks
        the new pages all-visible, so counts and lists read the indexes alone, as they do on a
        platform autovacuum has caught up with; ANALYZE refreshes the planner's statistics."""
        if self.postgresql:
            engine = self.session.get_bind()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM (ANALYZE) " + ", ".join(t.name for t in tables)))


def _json(value):
    """A JSON column's text; None is SQL NULL (as the ORM writes it), not the JSON null."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _plain(value):
    """Enum members as their code (COPY writes text)."""
    return value.value if hasattr(value, "value") and not isinstance(value, (int, float)) else value
