"""Reports: a signed-in user tells the operators that a listing or a message breaks the rules."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, enum_type, utcnow
from .enums import ModerationStatus, ReportTarget


class Report(db.Model):
    """One report of one target (a demand, a result or a message) and how the operators settled it."""

    __tablename__ = "reports"
    __table_args__ = (
        sa.Index("ix_reports_status_created", "status", "created_at"),
        sa.Index("ix_reports_target", "target", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    target: Mapped[ReportTarget] = mapped_column(enum_type(ReportTarget, "report_target"))
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[ModerationStatus] = mapped_column(enum_type(ModerationStatus, "moderation_status"),
                                                     default=ModerationStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolution_note: Mapped[str] = mapped_column(sa.String(500), default="")

    reporter = relationship("User", foreign_keys=[reporter_id], lazy="joined")

    def __repr__(self) -> str:
        return f"<Report {self.id} {self.target.value}:{self.target_id} {self.status.value}>"
