"""Outgoing e-mail: every message the platform sends, written in the transaction that caused it
and delivered after the commit (marketplace/mail.py), so nothing is lost when the mail server is
down and nothing is sent for work that was rolled back."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, enum_type, utcnow
from .enums import MailStatus


class OutboundEmail(db.Model):
    """One message to one address, and how its delivery went."""

    __tablename__ = "outbound_emails"
    # The sender claims what is due: queued rows by the time they may next be tried.
    __table_args__ = (sa.Index("ix_outbound_emails_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    kind: Mapped[str] = mapped_column(sa.String(40))  # a notification kind, "digest", "password_reset", …
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")  # emptied once sent when it holds a secret link
    unsubscribe_url: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[MailStatus] = mapped_column(enum_type(MailStatus, "mail_status"), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
