"""Engagements: a selected bid in progress — the frozen, signed agreement (tamper-evident, chained),
its milestones with deliverables and payments, and the validation report."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Money, db, enum_type, utcnow
from .enums import (
    EngagementStatus, MilestoneStatus, Party, PaymentStatus, Recommendation, ReportStatus, Verdict,
)


class Engagement(db.Model):
    """The validation of one connected pairing by one center under one accepted bid."""

    __tablename__ = "engagements"
    __table_args__ = (
        sa.UniqueConstraint("pairing_id", name="one_per_pairing"),
        sa.UniqueConstraint("request_id", name="one_per_request"),
        sa.UniqueConstraint("bid_id", name="one_per_bid"),
        sa.CheckConstraint("deal_amount IS NULL OR deal_amount >= 0", name="deal_amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairings.id"))
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("validation_requests.id"))
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id"))
    center_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    institution_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    status: Mapped[EngagementStatus] = mapped_column(enum_type(EngagementStatus, "engagement_status"),
                                                     default=EngagementStatus.AWAITING_SIGNATURES)
    deal_amount: Mapped[float | None] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    pairing = relationship("Pairing", lazy="joined")
    request = relationship("ValidationRequest", lazy="joined")
    bid = relationship("Bid", lazy="joined")
    center = relationship("Organization", foreign_keys=[center_id], lazy="joined")
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="engagement", order_by="Milestone.position", lazy="selectin")

    def __repr__(self) -> str:
        return f"<Engagement {self.id} pairing={self.pairing_id} {self.status.value}>"


class Agreement(db.Model):
    """The accepted terms frozen as canonical JSON. ``hash`` is SHA-256 over that JSON, which
    includes ``prev_hash`` (the agreement before it in ``sequence``): editing, deleting or
    reordering any stored agreement breaks the chain where it happened."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), unique=True)
    sequence: Mapped[int] = mapped_column(unique=True)
    content: Mapped[str] = mapped_column(sa.Text)  # the canonical JSON, byte for byte as hashed
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    signatures: Mapped[list["AgreementSignature"]] = relationship(
        back_populates="agreement", order_by="AgreementSignature.signed_at", lazy="selectin")

    def __repr__(self) -> str:
        return f"<Agreement {self.id} #{self.sequence} {self.hash[:12]}>"


class SigningKey(db.Model):
    """A person's Ed25519 key pair, made by the platform; the private key is stored encrypted
    with the platform's agreement key (config), the public key in the clear."""

    __tablename__ = "signing_keys"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    public_key: Mapped[str] = mapped_column(sa.String(64))  # raw 32 bytes, hex
    encrypted_private_key: Mapped[str] = mapped_column(sa.Text)  # nonce + AES-GCM ciphertext, base64
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SigningKey user={self.user_id}>"


class AgreementSignature(db.Model):
    """One party's signature: Ed25519 by the signer's key over the agreement's hash."""

    __tablename__ = "agreement_signatures"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "party", name="one_per_party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id"), index=True)
    party: Mapped[Party] = mapped_column(enum_type(Party, "party"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    public_key: Mapped[str] = mapped_column(sa.String(64))
    signature: Mapped[str] = mapped_column(sa.String(128))  # 64 bytes, hex
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="signatures")
    user = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<AgreementSignature agreement={self.agreement_id} {self.party.value}>"


class Milestone(db.Model):
    """A milestone of an engagement (copied from the accepted bid), its state and payment."""

    __tablename__ = "milestones"
    __table_args__ = (
        sa.UniqueConstraint("engagement_id", "position", name="engagement_position"),
        sa.CheckConstraint("payment >= 0", name="payment_non_negative"),
        sa.CheckConstraint("payment_status <> 'paid' OR status = 'approved'", name="paid_only_when_approved"),
        sa.Index("ix_milestones_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(120))
    deliverable: Mapped[str] = mapped_column(sa.Text)
    due_week: Mapped[int]
    due_on: Mapped[date | None]  # set when the engagement becomes active
    payment: Mapped[float] = mapped_column(Money)
    status: Mapped[MilestoneStatus] = mapped_column(enum_type(MilestoneStatus, "milestone_status"),
                                                    default=MilestoneStatus.PENDING)
    payment_status: Mapped[PaymentStatus] = mapped_column(enum_type(PaymentStatus, "payment_status"),
                                                          default=PaymentStatus.NOT_DUE)
    paid_at: Mapped[datetime | None]
    overdue_notified_at: Mapped[datetime | None]

    engagement: Mapped[Engagement] = relationship(back_populates="milestones")
    submissions: Mapped[list["MilestoneSubmission"]] = relationship(
        back_populates="milestone", order_by="MilestoneSubmission.id", lazy="selectin")

    def is_overdue_on(self, day: date) -> bool:
        """Not delivered (or sent back) past its due date."""
        return (self.due_on is not None and self.due_on < day
                and self.status in (MilestoneStatus.PENDING, MilestoneStatus.REJECTED))

    def __repr__(self) -> str:
        return f"<Milestone {self.engagement_id}.{self.position} {self.status.value}>"


class MilestoneSubmission(db.Model):
    """One delivery of a milestone by the center (text, optional file) and the parties' decision."""

    __tablename__ = "milestone_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("milestones.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    file_name: Mapped[str | None] = mapped_column(sa.String(200))  # as uploaded, for display only
    stored_name: Mapped[str | None] = mapped_column(sa.String(80), unique=True)  # server-generated
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None]
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[MilestoneStatus | None] = mapped_column(enum_type(MilestoneStatus, "decision"))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    milestone: Mapped[Milestone] = relationship(back_populates="submissions")

    def __repr__(self) -> str:
        return f"<MilestoneSubmission {self.id} milestone={self.milestone_id}>"


class ValidationReport(db.Model):
    """The center's validation report: the double verdict, TRL before and after, recommendation."""

    __tablename__ = "validation_reports"
    __table_args__ = (
        sa.CheckConstraint("trl_before BETWEEN 1 AND 9 AND trl_after BETWEEN 1 AND 9", name="trl_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(sa.ForeignKey("engagements.id"), unique=True)
    technical_verdict: Mapped[Verdict] = mapped_column(enum_type(Verdict, "technical_verdict"))
    market_verdict: Mapped[Verdict] = mapped_column(enum_type(Verdict, "market_verdict"))
    trl_before: Mapped[int]
    trl_after: Mapped[int]
    recommendation: Mapped[Recommendation] = mapped_column(enum_type(Recommendation, "recommendation"))
    summary: Mapped[str] = mapped_column(sa.Text)
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ReportStatus] = mapped_column(enum_type(ReportStatus, "report_status"),
                                                 default=ReportStatus.SUBMITTED)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)
    enterprise_accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    institution_accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    return_comment: Mapped[str] = mapped_column(sa.Text, default="")
    accepted_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ValidationReport engagement={self.engagement_id} {self.status.value}>"
