"""An organization's public profile: who it is, whether the platform has verified it, what it has
published and what it has achieved here (connected pairings, completed validations). Anyone may
read it. An anonymous demand is never listed under its organization (that would name it), and a
confidential one shows only what lists show (services/visibility.py). The platform's own
operators' organization has no public profile."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from models import (
    DB_INT_MAX, Demand, DemandStatus, Engagement, EngagementStatus, Organization, OrgKind, Pairing, PairingStatus,
    Result, ResultStatus, User, Visibility, db,
)

from .errors import NotFound

SHOWN = 20  # listings of each kind on the profile (newest first); the count says how many in all


@dataclass(frozen=True)
class Profile:
    organization: Organization
    demands: list[Demand]
    demand_count: int
    results: list[Result]
    result_count: int
    connected_pairings: int
    completed_validations: int


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def public_profile(viewer: User | None, organization_id: int) -> Profile:
    """The profile of an organization (NotFound for no such organization and for the operators')."""
    organization = db.session.get(Organization, organization_id) if 1 <= organization_id <= DB_INT_MAX else None
    if organization is None or organization.kind is OrgKind.SERVICE:
        raise NotFound("机构不存在。")
    demands = (sa.select(Demand).where(Demand.organization_id == organization.id,
                                       Demand.status.in_((DemandStatus.PUBLISHED, DemandStatus.FULFILLED)),
                                       Demand.visibility != Visibility.ANONYMOUS)
               .order_by(Demand.published_at.desc(), Demand.id.desc()))
    results = (sa.select(Result).where(Result.organization_id == organization.id,
                                       Result.status.in_((ResultStatus.PUBLISHED, ResultStatus.VALIDATED)))
               .order_by(Result.published_at.desc(), Result.id.desc()))
    # an anonymous demand's pairings are not counted either: the count would betray it
    named = sa.select(Demand.id).where(Demand.visibility != Visibility.ANONYMOUS)
    pairings = sa.select(Pairing.id).where(
        Pairing.status == PairingStatus.CONNECTED,
        sa.or_(sa.and_(Pairing.demand_organization_id == organization.id, Pairing.demand_id.in_(named)),
               Pairing.result_organization_id == organization.id))
    named_pairings = sa.select(Pairing.id).where(Pairing.demand_id.in_(named))
    validations = sa.select(Engagement.id).where(
        Engagement.status == EngagementStatus.COMPLETED,
        sa.or_(sa.and_(Engagement.enterprise_id == organization.id, Engagement.pairing_id.in_(named_pairings)),
               Engagement.institution_id == organization.id, Engagement.center_id == organization.id))
    return Profile(
        organization=organization,
        demands=list(db.session.scalars(demands.limit(SHOWN)).unique()), demand_count=_count(demands),
        results=list(db.session.scalars(results.limit(SHOWN)).unique()), result_count=_count(results),
        connected_pairings=_count(pairings), completed_validations=_count(validations),
    )
