"""Validation requests (申请概念验证) on connected pairings and the centers' bids with their term
sheets (milestones, funding, IP terms) and revision history."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Money, db, enum_type, utcnow
from .enums import BidStatus, FundingModel, LicenseKind, RequestStatus, ValidationNeed

OPEN = "status = 'open_for_bids'"
LIVE_BID = "status IN ('submitted', 'accepted')"


class ValidationRequest(db.Model):
    """A connected pairing opened to PoC centers: what to verify, the budget cap, the bid deadline.
    Each party's chosen bid is kept here; when both choose the same one, it is engaged."""

    __tablename__ = "validation_requests"
    __table_args__ = (
        sa.CheckConstraint("budget_cap > 0", name="budget_cap_positive"),
        sa.CheckConstraint("max_duration_months BETWEEN 1 AND 36", name="max_duration_range"),
        # one open request per pairing (a cancelled one may be followed by a new one)
        sa.Index("uq_validation_requests_open_pairing", "pairing_id", unique=True,
                 sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN)),
        sa.Index("ix_validation_requests_status_deadline", "status", "bid_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairings.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    needs: Mapped[ValidationNeed] = mapped_column(enum_type(ValidationNeed, "validation_need"))
    budget_cap: Mapped[float] = mapped_column(Money)
    bid_deadline: Mapped[date]
    max_duration_months: Mapped[int] = mapped_column(default=12)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus, "request_status"),
                                                  default=RequestStatus.OPEN)
    # The bid each party has accepted so far (a bid of this request; no foreign key, which would
    # make the two tables refer to each other).
    enterprise_choice_id: Mapped[int | None]
    institution_choice_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    pairing = relationship("Pairing", lazy="joined")

    def accepts_bids_on(self, day: date) -> bool:
        """Open and the bid deadline (inclusive) not yet passed."""
        return self.status is RequestStatus.OPEN and day <= self.bid_deadline

    def __repr__(self) -> str:
        return f"<ValidationRequest {self.id} pairing={self.pairing_id} {self.status.value}>"


class Bid(db.Model):
    """A center's offer to run the validation, under a structured term sheet."""

    __tablename__ = "bids"
    __table_args__ = (
        sa.CheckConstraint("total_cost > 0", name="total_cost_positive"),
        sa.CheckConstraint("center_cofund >= 0 AND center_cofund <= total_cost", name="cofund_range"),
        sa.CheckConstraint("duration_months BETWEEN 1 AND 36", name="duration_range"),
        sa.CheckConstraint("split_enterprise + split_institution + split_center = 100", name="split_sums_to_100"),
        sa.CheckConstraint("split_enterprise BETWEEN 0 AND 100 AND split_institution BETWEEN 0 AND 100 "
                           "AND split_center BETWEEN 0 AND 100", name="split_range"),
        sa.CheckConstraint("(funding_model = 'invest_for_equity') = (equity_option_pct IS NOT NULL)",
                           name="equity_only_for_equity"),
        sa.CheckConstraint("equity_option_pct IS NULL OR (equity_option_pct > 0 AND equity_option_pct <= 100)",
                           name="equity_range"),
        sa.CheckConstraint("revenue_share_pct >= 0 AND revenue_share_pct <= 100", name="revenue_share_range"),
        sa.CheckConstraint("publication_review_days BETWEEN 0 AND 365", name="review_days_range"),
        sa.CheckConstraint("revision >= 1", name="revision_positive"),
        # one live bid per center per request
        sa.Index("uq_bids_live_center_request", "request_id", "center_id", unique=True,
                 sqlite_where=sa.text(LIVE_BID), postgresql_where=sa.text(LIVE_BID)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("validation_requests.id"), index=True)
    center_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[BidStatus] = mapped_column(enum_type(BidStatus, "bid_status"), default=BidStatus.SUBMITTED)
    revision: Mapped[int] = mapped_column(default=1)
    approach: Mapped[str] = mapped_column(sa.Text)
    total_cost: Mapped[float] = mapped_column(Money)
    center_cofund: Mapped[float] = mapped_column(Money, default=0)
    duration_months: Mapped[int]
    funding_model: Mapped[FundingModel] = mapped_column(enum_type(FundingModel, "funding_model"))
    equity_option_pct: Mapped[float | None] = mapped_column(sa.Numeric(5, 2, asdecimal=False))
    split_enterprise: Mapped[int]
    split_institution: Mapped[int]
    split_center: Mapped[int]
    license: Mapped[LicenseKind] = mapped_column(enum_type(LicenseKind, "license_kind"))
    license_field: Mapped[str] = mapped_column(sa.String(200), default="")
    territory: Mapped[str] = mapped_column(sa.String(200), default="")
    revenue_share_pct: Mapped[float] = mapped_column(sa.Numeric(5, 2, asdecimal=False), default=0)
    publication_review_days: Mapped[int] = mapped_column(default=30)
    confidentiality: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    request: Mapped[ValidationRequest] = relationship(foreign_keys=[request_id], lazy="joined")
    center = relationship("Organization", lazy="joined")
    milestones: Mapped[list["BidMilestone"]] = relationship(
        back_populates="bid", cascade="all, delete-orphan", order_by="BidMilestone.position", lazy="selectin")

    @property
    def is_live(self) -> bool:
        return self.status in (BidStatus.SUBMITTED, BidStatus.ACCEPTED)

    def __repr__(self) -> str:
        return f"<Bid {self.id} request={self.request_id} center={self.center_id} {self.status.value}>"


class BidMilestone(db.Model):
    """One milestone of a bid: what is delivered by which week, and what it pays."""

    __tablename__ = "bid_milestones"
    __table_args__ = (
        sa.CheckConstraint("due_week >= 1", name="due_week_positive"),
        sa.CheckConstraint("payment >= 0", name="payment_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(120))
    deliverable: Mapped[str] = mapped_column(sa.Text)
    due_week: Mapped[int]
    payment: Mapped[float] = mapped_column(Money)

    bid: Mapped[Bid] = relationship(back_populates="milestones")

    def __repr__(self) -> str:
        return f"<BidMilestone {self.bid_id}.{self.position} {self.title!r}>"


class BidRevision(db.Model):
    """The terms of one revision of a bid, as submitted (the history a revision keeps)."""

    __tablename__ = "bid_revisions"
    __table_args__ = (sa.UniqueConstraint("bid_id", "revision", name="bid_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int]
    terms: Mapped[dict] = mapped_column(sa.JSON)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<BidRevision bid={self.bid_id} r{self.revision}>"
