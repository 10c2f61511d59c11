"""What happened: in-app notifications, saved searches/match alerts, the funnel's event log and
the listing change log that keeps every worker's match index current."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Money, db, enum_type, utcnow
from .enums import EventKind, ListingKind, NotificationKind, Verdict


class Notification(db.Model):
    """An in-app notification; ``emailed_at`` is for a future email sender."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind, "notification_kind"))
    text: Mapped[str] = mapped_column(sa.String(500))
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind.value} user={self.user_id}>"


class Watch(db.Model):
    """A saved search or a "notify me of new matches above a threshold" alert on a listing."""

    __tablename__ = "watches"
    __table_args__ = (
        sa.CheckConstraint("query_text IS NOT NULL OR demand_id IS NOT NULL OR result_id IS NOT NULL",
                           name="has_subject"),
        sa.CheckConstraint("min_score >= 0 AND min_score <= 1", name="min_score_range"),
        sa.UniqueConstraint("user_id", "subject_key", name="user_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target: Mapped[ListingKind] = mapped_column(enum_type(ListingKind, "listing_kind"))  # what to look for
    query_text: Mapped[str | None] = mapped_column(sa.String(200))
    field_code: Mapped[str | None] = mapped_column(sa.ForeignKey("fields.code"))
    demand_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"))
    result_id: Mapped[int | None] = mapped_column(sa.ForeignKey("results.id", ondelete="CASCADE"))
    min_score: Mapped[float] = mapped_column(default=0.5)
    # What is watched in one comparable string (target, field, query, listing): NULLs never
    # collide in a unique constraint, so the one-watch-per-subject rule is held on this column.
    subject_key: Mapped[str] = mapped_column(sa.String(300))
    last_change_id: Mapped[int] = mapped_column(default=0)  # listing changes already checked
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Watch {self.id} user={self.user_id} {self.target.value}>"


class Event(db.Model):
    """An append-only record of a funnel step; statistics count these, nothing else."""

    __tablename__ = "events"
    __table_args__ = (sa.Index("ix_events_kind_created_at", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "event_kind"))
    demand_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="SET NULL"))
    result_id: Mapped[int | None] = mapped_column(sa.ForeignKey("results.id", ondelete="SET NULL"))
    pairing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("pairings.id", ondelete="SET NULL"))
    field_code: Mapped[str | None] = mapped_column(sa.String(40))
    # The proof-of-concept stage: which request, bid or engagement, the deal amount (万元) and the
    # verdicts of a completed validation.
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("validation_requests.id", ondelete="SET NULL"))
    bid_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bids.id", ondelete="SET NULL"))
    engagement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("engagements.id", ondelete="SET NULL"))
    amount: Mapped[float | None] = mapped_column(Money)
    technical_verdict: Mapped[Verdict | None] = mapped_column(enum_type(Verdict, "technical_verdict"))
    market_verdict: Mapped[Verdict | None] = mapped_column(enum_type(Verdict, "market_verdict"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind.value}>"


class ListingChange(db.Model):
    """A listing was created, edited, moved or deleted: match indexes replay these in id order."""

    __tablename__ = "listing_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ListingKind] = mapped_column(enum_type(ListingKind, "listing_kind"))
    listing_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ListingChange {self.id} {self.kind.value} {self.listing_id}>"
