"""Proof-of-concept centers' capability profiles (概念验证中心能力档案)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Money, db, enum_type, utcnow
from .enums import QualificationKind


class CenterProfile(db.Model):
    """What a PoC center covers and can take on; keyed by its organization (one profile each).
    Whether it is verified is the organization's ``verified``; its completed validations come from
    the platform's engagements, never from this row."""

    __tablename__ = "center_profiles"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1 AND capacity <= 1000", name="capacity_range"),
        sa.CheckConstraint("fund_size IS NULL OR fund_size >= 0", name="fund_size_non_negative"),
        sa.CheckConstraint("typical_ticket IS NULL OR typical_ticket >= 0", name="ticket_non_negative"),
        sa.CheckConstraint("alert_min_fit >= 0 AND alert_min_fit <= 1", name="alert_min_fit_range"),
    )

    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), primary_key=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # field codes covered
    services: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # CenterService codes
    equipment: Mapped[str] = mapped_column(sa.Text, default="")  # equipment and laboratories
    capacity: Mapped[int] = mapped_column(default=3)  # engagements it can run at once
    fund_size: Mapped[float | None] = mapped_column(Money)  # its PoC fund, 万元
    typical_ticket: Mapped[float | None] = mapped_column(Money)  # a typical engagement, 万元
    region: Mapped[str] = mapped_column(sa.String(80), default="")
    alert_min_fit: Mapped[float] = mapped_column(default=0.3)  # notify of requests fitting at least this
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization = relationship("Organization", lazy="joined")
    qualifications: Mapped[list["CenterQualification"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="CenterQualification.position",
        lazy="selectin")

    def __repr__(self) -> str:
        return f"<CenterProfile org={self.organization_id}>"


class CenterQualification(db.Model):
    """A qualification with its certificate number and scope (CNAS, CMA, other)."""

    __tablename__ = "center_qualifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        sa.ForeignKey("center_profiles.organization_id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QualificationKind] = mapped_column(enum_type(QualificationKind, "qualification_kind"))
    number: Mapped[str] = mapped_column(sa.String(60))
    scope: Mapped[str] = mapped_column(sa.String(300), default="")

    profile: Mapped[CenterProfile] = relationship(back_populates="qualifications")

    def __repr__(self) -> str:
        return f"<CenterQualification {self.kind.value} {self.number}>"
