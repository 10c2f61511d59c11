"""Idempotency keys: the first response to a create, kept so a repeated request gets it again
instead of creating a second row (API ``Idempotency-Key`` headers and the web forms' one-time
submission tokens)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class IdempotencyKey(db.Model):
    """One user's key, the request it was first used for and the answer that request got."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", name="user_key"),
        sa.Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    fingerprint: Mapped[str] = mapped_column(sa.String(64))  # SHA-256 of method, path and body
    status_code: Mapped[int | None]
    response: Mapped[dict | None] = mapped_column(sa.JSON)  # the API's JSON body
    location: Mapped[str | None] = mapped_column(sa.String(300))  # a web form's redirect
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<IdempotencyKey {self.id} user={self.user_id} {self.key!r}>"
