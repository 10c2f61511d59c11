"""The operators' console home: what waits for them, counted, with the first few of each queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from models import (
    AuditEntry, Demand, DemandStatus, JoinRequest, JoinStatus, Milestone, MilestoneStatus, ModerationStatus, Organization, OrgKind, Pairing,
    PairingStatus, Report, Result, ResultStatus, User, db, utcnow,
)

from .errors import NotFound

SHOWN = 5  # items listed under each queue
EXPIRING_DAYS = 14  # a published demand whose deadline falls within this many days
SECURITY_ACTIONS = ("auth.login_failed", "auth.login_refused", "access.denied", "security.csrf_failed",
                    "security.rate_limited")
SECURITY_HOURS = 24


@dataclass(frozen=True)
class Queue:
    """One queue: how many wait, and the first ``SHOWN`` of them."""

    count: int
    items: list


@dataclass(frozen=True)
class Queues:
    organizations: Queue  # awaiting verification (not centers)
    centers: Queue  # PoC centers awaiting verification
    overdue_proposals: Queue
    overdue_milestones: Queue
    expiring_demands: Queue
    disabled_users: int
    security_events: Queue
    reports: Queue  # open reports, oldest first
    join_requests: Queue  # requests to join an organization, oldest first
    appealed: Queue  # hidden listings their owners edited since (demands and results)  # refused sign-ins, denied access, CSRF failures, rate limits in the last day


def _queue(query: sa.Select) -> Queue:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(db.session.scalars(query.limit(SHOWN)).unique()) if count else []
    return Queue(count, items)


def _awaiting(centers: bool) -> sa.Select:
    kind = Organization.kind == OrgKind.CENTER if centers else Organization.kind != OrgKind.CENTER
    return (sa.select(Organization).where(Organization.verified.is_(False), Organization.rejected_at.is_(None),
                                          Organization.kind != OrgKind.SERVICE, kind)
            .order_by(Organization.created_at, Organization.id))


def queues(actor: User | None, now: datetime | None = None, today: date | None = None) -> Queues:
    """The console's queues (operators only)."""
    if actor is None or not actor.is_admin:
        raise NotFound("页面不存在。")
    now = now or utcnow()
    today = today or now.date()
    return Queues(
        organizations=_queue(_awaiting(centers=False)),
        centers=_queue(_awaiting(centers=True)),
        overdue_proposals=_queue(sa.select(Pairing).where(Pairing.status == PairingStatus.PROPOSED,
                                                          Pairing.respond_by < now)
                                 .order_by(Pairing.respond_by, Pairing.id)),
        overdue_milestones=_queue(sa.select(Milestone).where(
            Milestone.status.in_((MilestoneStatus.PENDING, MilestoneStatus.REJECTED)), Milestone.due_on < today)
            .order_by(Milestone.due_on, Milestone.id)),
        expiring_demands=_queue(sa.select(Demand).where(
            Demand.status == DemandStatus.PUBLISHED, Demand.deadline >= today,
            Demand.deadline <= today + timedelta(days=EXPIRING_DAYS)).order_by(Demand.deadline, Demand.id)),
        disabled_users=db.session.scalar(sa.select(sa.func.count()).select_from(User)
                                         .where(User.is_active.is_(False))) or 0,
        security_events=_queue(sa.select(AuditEntry).where(
            AuditEntry.action.in_(SECURITY_ACTIONS), AuditEntry.at >= now - timedelta(hours=SECURITY_HOURS))
            .order_by(AuditEntry.id.desc())),
        reports=_queue(sa.select(Report).where(Report.status == ModerationStatus.OPEN)
                       .order_by(Report.created_at, Report.id)),
        appealed=_appealed(),
        join_requests=_queue(sa.select(JoinRequest).where(JoinRequest.status == JoinStatus.PENDING)
                             .order_by(JoinRequest.id)),
    )


def _appealed() -> Queue:
    demands = _queue(sa.select(Demand).where(Demand.status == DemandStatus.HIDDEN, Demand.appealed_at.is_not(None))
                     .order_by(Demand.appealed_at))
    results = _queue(sa.select(Result).where(Result.status == ResultStatus.HIDDEN, Result.appealed_at.is_not(None))
                     .order_by(Result.appealed_at))
    items = sorted(demands.items + results.items, key=lambda row: row.appealed_at)[:SHOWN]
    return Queue(demands.count + results.count, items)
