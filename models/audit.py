"""The audit log: who changed what, when and from where, and every security event. Rows are only
ever added: the application has no path that updates or deletes one (services/audit.py refuses
both, and on PostgreSQL a trigger refuses them in the database too)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class AuditEntry(db.Model):
    """One recorded action: ``action`` such as ``user.disable`` or ``auth.login_failed``, the acting
    user (None for the system and for anonymous callers), the client's address, the object acted
    on (kind and id), and the changed fields as ``{field: [before, after]}``."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_object", "object_kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    # No foreign key: an entry outlives whatever it names and is never rewritten by a cascade.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")
    object_kind: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.object_kind}:{self.object_id}>"
