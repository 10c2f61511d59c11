"""Pairings (对接) between a demand and a result, their message threads and the
confidentiality undertakings and access log of tiered disclosure."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, enum_type, utcnow
from .enums import DeclineReason, PairingStatus, Side


class Pairing(db.Model):
    """A proposal to connect one demand with one result, and its outcome."""

    __tablename__ = "pairings"
    __table_args__ = (
        sa.UniqueConstraint("demand_id", "result_id", name="demand_result"),
        sa.CheckConstraint("status <> 'declined' OR decline_reason IS NOT NULL", name="declined_has_reason"),
        sa.CheckConstraint("decline_reason IS NULL OR decline_reason <> 'other' OR decline_text <> ''",
                           name="other_reason_has_text"),
        sa.Index("ix_pairings_status_respond_by", "status", "respond_by", "id"),  # the sweep, oldest first
        # an organization's pairings, newest first, on either side (the lists and the workspace)
        sa.Index("ix_pairings_demand_organization_created", "demand_organization_id", "created_at", "id"),
        sa.Index("ix_pairings_result_organization_created", "result_organization_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id"), index=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("results.id"), index=True)
    # The two listings' organizations (a listing never changes organization), kept on the pairing
    # so that an organization's pairings are read off an index instead of joined from its listings.
    demand_organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    result_organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    proposer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    proposed_by: Mapped[Side] = mapped_column(enum_type(Side, "side"))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[PairingStatus] = mapped_column(enum_type(PairingStatus, "pairing_status"),
                                                  default=PairingStatus.PROPOSED)
    respond_by: Mapped[datetime]
    responder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    responded_at: Mapped[datetime | None]
    decline_reason: Mapped[DeclineReason | None] = mapped_column(enum_type(DeclineReason, "decline_reason"))
    decline_text: Mapped[str] = mapped_column(sa.String(1000), default="")
    # The matcher's view of the pair when it was proposed: the feedback loop re-fits weights from it.
    score: Mapped[float | None]
    score_components: Mapped[dict | None] = mapped_column(sa.JSON)
    overdue_notified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    demand = relationship("Demand", lazy="joined")
    result = relationship("Result", lazy="joined")
    proposer = relationship("User", foreign_keys=[proposer_id], lazy="joined")

    def is_overdue_at(self, now: datetime) -> bool:
        """Still awaiting an answer past its response window."""
        return self.status is PairingStatus.PROPOSED and self.respond_by < now

    def __repr__(self) -> str:
        return f"<Pairing {self.id} d{self.demand_id}↔r{self.result_id} {self.status.value}>"


@sa.event.listens_for(Pairing, "before_insert")
def _fill_organizations(mapper, connection, pairing: Pairing) -> None:
    """A new pairing takes its listings' organizations (from the listings it was given, or read by id)."""
    from .demand import Demand
    from .result import Result

    for side, model in (("demand", Demand), ("result", Result)):
        if getattr(pairing, f"{side}_organization_id") is None:
            listing = getattr(pairing, side)
            org = listing.organization_id if listing is not None else connection.scalar(
                sa.select(model.organization_id).where(model.id == getattr(pairing, f"{side}_id")))
            setattr(pairing, f"{side}_organization_id", org)


class PairingMessage(db.Model):
    """One message of a pairing's thread between the two parties."""

    __tablename__ = "pairing_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<PairingMessage {self.id} pairing={self.pairing_id}>"


class ConfidentialityUndertaking(db.Model):
    """An organization's one-click undertaking to keep a confidential demand's details secret."""

    __tablename__ = "confidentiality_undertakings"
    __table_args__ = (sa.UniqueConstraint("demand_id", "organization_id", name="demand_organization"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ConfidentialityUndertaking demand={self.demand_id} org={self.organization_id}>"


class DisclosureLog(db.Model):
    """One view of a confidential demand's full details by a non-owner (the owner reads this log)."""

    __tablename__ = "disclosure_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(sa.ForeignKey("demands.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    channel: Mapped[str] = mapped_column(sa.String(10), default="web")
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")

    def __repr__(self) -> str:
        return f"<DisclosureLog demand={self.demand_id} user={self.user_id}>"
