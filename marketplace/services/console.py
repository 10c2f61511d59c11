"""The operators' console: its home (what waits for them, counted, with the first few of each
queue) and an organization's file (members, listings, pairings, engagements, history)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from models import (
    AuditEntry, Demand, DemandStatus, JoinRequest, JoinStatus, Milestone, MilestoneStatus, ModerationStatus, Organization, OrgKind, Pairing,
    PairingStatus, Report, Result, ResultStatus, User, db, utcnow,
)

from .errors import NotFound, require_operator
from ..localtime import local_date

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


def _queue(query: sa.Select, shown: int = SHOWN) -> Queue:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(db.session.scalars(query.limit(shown)).unique()) if count else []
    return Queue(count, items)


def _awaiting(centers: bool) -> sa.Select:
    kind = Organization.kind == OrgKind.CENTER if centers else Organization.kind != OrgKind.CENTER
    return (sa.select(Organization).where(Organization.verified.is_(False), Organization.rejected_at.is_(None),
                                          Organization.kind != OrgKind.SERVICE, kind)
            .order_by(Organization.created_at, Organization.id))


def queues(actor: User | None, now: datetime | None = None, today: date | None = None) -> Queues:
    """The console's queues (operators only)."""
    require_operator(actor)
    now = now or utcnow()
    today = today or local_date(now)
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


SHOWN_ON_DETAIL = 20  # rows of each list on an organization's console page; the counts say how many


@dataclass(frozen=True)
class OrganizationFile:
    """Everything operators need about one organization."""

    organization: Any
    members: list
    demands: list
    demand_count: int
    results: list
    result_count: int
    pairings: list
    pairing_count: int
    engagements: list
    engagement_count: int
    history: list  # audit entries about the organization, newest first


def organization_file(actor: User | None, organization_id: int) -> OrganizationFile:
    """An organization as operators see it: members (disabled ones too), every listing (drafts and
    hidden ones too), pairings, PoC engagements and the history of its review (operators only)."""
    from models import DB_INT_MAX, Engagement
    from .pairing_views import organization_pairings

    require_operator(actor)
    organization = db.session.get(Organization, organization_id) if 1 <= organization_id <= DB_INT_MAX else None
    if organization is None:
        raise NotFound("机构不存在。")

    def listed(query: sa.Select) -> tuple[list, int]:
        queue = _queue(query, SHOWN_ON_DETAIL)
        return queue.items, queue.count

    demands, demand_count = listed(sa.select(Demand).where(Demand.organization_id == organization.id)
                                   .order_by(Demand.updated_at.desc(), Demand.id.desc()))
    results, result_count = listed(sa.select(Result).where(Result.organization_id == organization.id)
                                   .order_by(Result.updated_at.desc(), Result.id.desc()))
    pairings, pairing_count = listed(sa.select(Pairing).where(organization_pairings(organization.id))
                                     .order_by(Pairing.created_at.desc(), Pairing.id.desc()))
    engagements, engagement_count = listed(sa.select(Engagement).where(sa.or_(
        Engagement.enterprise_id == organization.id, Engagement.institution_id == organization.id,
        Engagement.center_id == organization.id)).order_by(Engagement.created_at.desc(), Engagement.id.desc()))
    members = list(db.session.scalars(sa.select(User).where(User.organization_id == organization.id).order_by(User.id)))
    history = list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_kind == "organization", AuditEntry.object_id == organization.id)
        .order_by(AuditEntry.id.desc()).limit(SHOWN_ON_DETAIL)))
    return OrganizationFile(organization, members, demands, demand_count, results, result_count, pairings,
                            pairing_count, engagements, engagement_count, history)
