"""A request to join an organization already on the platform, made at sign-up. The account is
created only when the organization's owner (its first member) or an operator approves; until then
nothing can sign in, so nobody can claim an organization by typing its name."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, enum_type, utcnow
from .enums import JoinStatus, Role


class JoinRequest(db.Model):
    """One person asking to join one organization, and how it was decided."""

    __tablename__ = "join_requests"
    __table_args__ = (sa.Index("ix_join_requests_organization_status", "organization_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(60), default="")
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    message: Mapped[str] = mapped_column(sa.String(500), default="")  # to the owner: who they are
    status: Mapped[JoinStatus] = mapped_column(enum_type(JoinStatus, "join_status"), default=JoinStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))  # once approved

    organization = relationship("Organization", lazy="joined")
