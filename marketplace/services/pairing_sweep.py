"""Overdue proposals: flagged once at ``respond_by`` (both sides and operators are told), expired
``EXPIRY_GRACE_DAYS`` later. Run by ``flask pairings sweep`` and lazily when a pairing list opens."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from models import EventKind, NotificationKind, Pairing, PairingStatus, Side, User, db

from .activity import notify, operators, organization_members
from .errors import Conflict
from .pagination import page_rows
from .pairings import EXPIRY_GRACE_DAYS, expires_at, move, pairing_link, record_pairing_event, side_organization_id

SWEEP_BATCH = 500


@dataclass(frozen=True)
class SweepReport:
    """How many proposals one sweep expired and flagged."""

    expired: int
    flagged: int


def _both_sides(pairing: Pairing) -> list[User]:
    return (organization_members(side_organization_id(pairing, Side.DEMAND))
            + organization_members(side_organization_id(pairing, Side.RESULT)))


def _overdue(cutoff: datetime, unflagged: bool = False) -> list[Pairing]:
    query = sa.select(Pairing).where(Pairing.status == PairingStatus.PROPOSED, Pairing.respond_by < cutoff)
    if unflagged:
        query = query.where(Pairing.overdue_notified_at.is_(None))
    # oldest deadline first, read off the (status, respond_by, id) index: ordered by id alone, the
    # planner walked the primary key through every pairing (31 ms at 140,000) to find usually none
    return page_rows(query.order_by(Pairing.respond_by, Pairing.id), SWEEP_BATCH, 0)


def expire_overdue(now: datetime) -> list[Pairing]:
    """Proposals unanswered ``EXPIRY_GRACE_DAYS`` past their window become expired."""
    expired = []
    for pairing in _overdue(now - timedelta(days=EXPIRY_GRACE_DAYS)):
        try:
            move(pairing, PairingStatus.EXPIRED)
        except Conflict:  # answered, or expired by another worker's sweep, meanwhile
            continue
        record_pairing_event(EventKind.PAIRING_EXPIRED, pairing)
        notify(_both_sides(pairing), NotificationKind.PAIRING_EXPIRED,
               f"对接请求已过期（逾期未回复）：“{pairing.demand.title}” ↔ “{pairing.result.title}”。",
               pairing_link(pairing))
        expired.append(pairing)
    return expired


def flag_overdue(now: datetime) -> list[Pairing]:
    """Proposals past ``respond_by`` are flagged once, to both sides and to operators."""
    flagged, admins = [], None
    for pairing in _overdue(now, unflagged=True):
        done = db.session.execute(  # compare-and-set: flagged exactly once across workers
            sa.update(Pairing).where(Pairing.id == pairing.id, Pairing.overdue_notified_at.is_(None))
            .values(overdue_notified_at=now).execution_options(synchronize_session="fetch"))
        if done.rowcount != 1:
            continue
        deadline = expires_at(pairing)
        admins = operators() if admins is None else admins  # read once, and only when needed
        notify(_both_sides(pairing) + admins, NotificationKind.PAIRING_OVERDUE,
               f"对接请求逾期未回复：“{pairing.demand.title}” ↔ “{pairing.result.title}”，"
               f"若 {deadline:%Y-%m-%d} 前仍未回复将自动过期。", pairing_link(pairing))
        flagged.append(pairing)
    return flagged


def sweep(now: datetime) -> SweepReport:
    """Expire first, then flag what is still waiting (an expired proposal is not flagged too)."""
    expired = expire_overdue(now)
    flagged = flag_overdue(now)
    return SweepReport(expired=len(expired), flagged=len(flagged))
