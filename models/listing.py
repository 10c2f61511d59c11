"""Columns shared by demands and results (the two kinds of listing)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import utcnow


class ListingMixin:
    """Owner, title, field, keywords, timestamps."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    keywords: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    # Hidden by an operator (status "hidden"): when, why (the owner reads it), the status it had,
    # and when the owner last edited it since — an edit asks the operators to look again.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    hidden_from: Mapped[str | None] = mapped_column(sa.String(32))
    appealed_at: Mapped[datetime | None]
    # Freshness (services/freshness.py): when the owners last confirmed it is still current (each
    # publish and edit does too), and when the platform asked them, unanswered since.
    confirmed_at: Mapped[datetime | None]
    stale_notified_at: Mapped[datetime | None]

    @declared_attr
    def organization_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("organizations.id"), index=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("users.id"))

    @declared_attr
    def field_code(cls) -> Mapped[str]:
        return mapped_column(sa.ForeignKey("fields.code"), index=True)

    @declared_attr
    def organization(cls):
        return relationship("Organization", lazy="joined")

    @declared_attr
    def field(cls):
        return relationship("Field", lazy="joined")

    def is_owned_by(self, user) -> bool:
        """True when ``user`` belongs to the owning organization."""
        return user is not None and getattr(user, "organization_id", None) == self.organization_id
