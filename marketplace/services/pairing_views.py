"""Read models of pairings for pages and the API: the caller's list (which sweeps overdue
proposals first), one pairing with what the viewer may do, a listing's pairing panel, and the
choices of the proposal form."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from models import (
    Demand, DemandStatus, Pairing, PairingStatus, Result, ResultStatus, Side, User, Visibility, db, utcnow,
)

from .demands import get_demand
from .disclosure import has_undertaking, needs_undertaking
from .errors import Conflict, FieldErrors, NotFound, ValidationFailed
from .pagination import Page, paginate
from .pairing_sweep import sweep
from .pairings import OWN_PAIR_MESSAGE, find_pairing, get_pairing, side_of
from .results import get_result
from .visibility import disclosure

DIRECTIONS = ("all", "incoming", "outgoing")


def organization_pairings(org: int, direction: str = "all"):
    """The condition "a pairing of the organization's demands or results" (incoming = proposed by
    the other side, outgoing = by this one), on the organizations each pairing keeps: each branch
    of the ``OR`` is read off its (organization, created) index, so the cost follows the
    organization's pairings, never the whole table."""
    by_demand, by_result = Pairing.demand_organization_id == org, Pairing.result_organization_id == org
    if direction == "incoming":
        by_demand, by_result = (sa.and_(by_demand, Pairing.proposed_by == Side.RESULT),
                                sa.and_(by_result, Pairing.proposed_by == Side.DEMAND))
    elif direction == "outgoing":
        by_demand, by_result = (sa.and_(by_demand, Pairing.proposed_by == Side.DEMAND),
                                sa.and_(by_result, Pairing.proposed_by == Side.RESULT))
    return sa.or_(by_demand, by_result)


def list_pairings(viewer: User, direction: str, status: str, page: int, per_page: int,
                  now: datetime | None = None) -> Page:
    """The viewer's pairings (operators: all), newest first; overdue proposals are swept first."""
    sweep(now or utcnow())
    errors = FieldErrors()
    if direction not in DIRECTIONS:
        errors.add("direction", "应为 all、incoming 或 outgoing。")
    if status and status not in PairingStatus.codes():
        errors.add("status", "未知的对接状态。")
    errors.raise_if_any("筛选条件有误。")
    query = sa.select(Pairing)
    if not viewer.is_admin:
        query = query.where(organization_pairings(viewer.organization_id, direction))
    if status:
        query = query.where(Pairing.status == PairingStatus(status))
    return paginate(query.order_by(Pairing.created_at.desc(), Pairing.id.desc()), page, per_page)


@dataclass(frozen=True)
class PairingDetail:
    """One pairing and what the viewer may do with it."""

    pairing: Pairing
    side: Side | None
    can_respond: bool
    can_withdraw: bool
    can_post: bool
    needs_undertaking: bool
    overdue: bool
    demand_organization_shown: bool  # an anonymous demand's enterprise shows once connected


def pairing_detail(viewer: User, pairing_id: int, now: datetime | None = None) -> PairingDetail:
    """The pairing (404 unless a party or an operator) with the viewer's possible actions."""
    pairing = get_pairing(viewer, pairing_id)
    side, proposed = side_of(viewer, pairing), pairing.status is PairingStatus.PROPOSED
    return PairingDetail(
        pairing=pairing, side=side,
        can_respond=proposed and side is not None and side is not pairing.proposed_by,
        can_withdraw=proposed and side is pairing.proposed_by,
        can_post=side is not None and pairing.status in (PairingStatus.PROPOSED, PairingStatus.CONNECTED),
        needs_undertaking=side is Side.RESULT and needs_undertaking(pairing.demand, viewer),
        overdue=pairing.is_overdue_at(now or utcnow()),
        demand_organization_shown=(disclosure(pairing.demand, viewer).organization
                                   or pairing.status is PairingStatus.CONNECTED))


@dataclass(frozen=True)
class ListingPanel:
    """What a demand or result page shows about pairings to this viewer."""

    kind: str  # "demand" or "result"
    listing_id: int
    can_propose: bool
    pairings: list[Pairing] = field(default_factory=list)
    needs_undertaking: bool = False
    undertaken: bool = False


def listing_panel(viewer: User | None, listing: Demand | Result) -> ListingPanel:
    """The viewer's organization's pairings on this listing, whether it may propose one, and the
    confidentiality undertaking state of a confidential demand."""
    kind = "demand" if isinstance(listing, Demand) else "result"
    if viewer is None:
        return ListingPanel(kind, listing.id, can_propose=False)
    column = Pairing.demand_id if kind == "demand" else Pairing.result_id
    query = (sa.select(Pairing).where(column == listing.id, organization_pairings(viewer.organization_id))
             .order_by(Pairing.id.desc()).limit(20))
    pairings = list(db.session.scalars(query).unique())
    wanted = Demand if kind == "result" else Result
    confidential = kind == "demand" and listing.visibility is Visibility.CONFIDENTIAL
    return ListingPanel(
        kind, listing.id, pairings=pairings,
        can_propose=listing.is_published and not listing.is_owned_by(viewer) and bool(_own_listings(viewer, wanted)),
        needs_undertaking=confidential and needs_undertaking(listing, viewer),
        undertaken=confidential and not listing.is_owned_by(viewer) and has_undertaking(listing, viewer.organization_id))


def _own_listings(actor: User, model) -> list:
    published = DemandStatus.PUBLISHED if model is Demand else ResultStatus.PUBLISHED
    return list(db.session.scalars(sa.select(model).where(
        model.organization_id == actor.organization_id, model.status == published)
        .order_by(model.published_at.desc(), model.id.desc()).limit(200)).unique())


@dataclass(frozen=True)
class ProposalContext:
    """The proposal form: the other side's listing and the actor's own published listings to pair it with."""

    side: Side  # the actor's side
    target: Demand | Result
    own: list
    selected: int | None
    existing: Pairing | None = None  # the pairing of the preselected pair, if there is one


def proposal_context(actor: User, demand_id: int | None, result_id: int | None) -> ProposalContext:
    """Choices for proposing: the listing that is not the actor's is the target."""
    demand = get_demand(actor, demand_id) if demand_id else None
    result = get_result(actor, result_id) if result_id else None
    if demand is None and result is None:
        raise NotFound("请从需求或成果页面发起对接。")
    if demand is not None and result is not None and demand.is_owned_by(actor) and result.is_owned_by(actor):
        raise ValidationFailed(OWN_PAIR_MESSAGE, {"result_id": OWN_PAIR_MESSAGE})
    # Only a pairing of the actor's own organization: another pair's status is none of its business.
    existing = existing_pairing(actor, demand.id, result.id) if demand is not None and result is not None else None
    if demand is not None and not demand.is_owned_by(actor):
        own = _own_listings(actor, Result)
        return ProposalContext(Side.RESULT, demand, own, result.id if result else None, existing)
    if result is not None and not result.is_owned_by(actor):
        own = _own_listings(actor, Demand)
        return ProposalContext(Side.DEMAND, result, own, demand.id if demand else None, existing)
    raise Conflict("请在对方的需求或成果页面上（或推荐列表中）发起对接。")


def existing_pairing(viewer: User, demand_id: int, result_id: int) -> Pairing | None:
    """The visible pairing of a pair, if any (the form links to it instead of offering a duplicate)."""
    pairing = find_pairing(demand_id, result_id)
    return pairing if pairing is not None and side_of(viewer, pairing) is not None else None
