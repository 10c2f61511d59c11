"""The one way a row changes state when two requests may race: an UPDATE that names the state it
expects (``UPDATE … WHERE id = :id AND status = :expected``). Exactly one of two concurrent
requests changes the row; the other changes nothing and gets a Conflict (409), never a 500."""
from __future__ import annotations

import sqlalchemy as sa

from models import db

from . import audit
from .errors import Conflict


def compare_and_set(row, conflict: str, *expected, **values) -> None:
    """Apply ``values`` to ``row`` only while ``expected`` (SQL conditions) still hold, then
    re-read it; Conflict(``conflict``) when another request changed it first. The change is
    recorded in the audit log with the values before and after."""
    model = type(row)
    before = {name: getattr(row, name) for name in values}
    done = db.session.execute(sa.update(model).where(model.id == row.id, *expected).values(**values)
                              .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict(conflict)
    db.session.refresh(row)
    audit.record_change(row, before, {name: getattr(row, name) for name in values})
