"""Selection: the enterprise and the institution each accept a bid; when both have accepted the
same one, in one transaction the engagement is created (milestones copied, agreement frozen),
the other bids are rejected with a notice and the request closes.

Races: the request row is locked (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers) and
its status compared-and-set, and engagements are unique per pairing, request and bid, so two
acceptances at once make one engagement and the other gets a Conflict (409), never a 500."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    Bid, BidStatus, Engagement, EventKind, Milestone, NotificationKind, Party, RequestStatus, User, ValidationRequest,
    db, utcnow,
)

from ..activity import notify, organization_members, record_event
from ..compare_and_set import compare_and_set
from ..errors import Conflict, PermissionDenied
from .agreements import freeze
from .fit import center_members
from .parties import get_bid, pairing_members, pairing_party
from .requests import request_link

CHOICE = {Party.ENTERPRISE: ValidationRequest.enterprise_choice_id,
          Party.INSTITUTION: ValidationRequest.institution_choice_id}
TAKEN = "这项验证请求已选定验证中心。"


@dataclass(frozen=True)
class Acceptance:
    """What one acceptance did: waiting for the other party, or the engagement it created."""

    bid: Bid
    party: Party
    engagement: Engagement | None

    @property
    def status(self) -> str:
        return "engaged" if self.engagement is not None else "awaiting_other_party"


def _lock(request: ValidationRequest) -> ValidationRequest:
    """Re-read the request under a row lock (PostgreSQL); anything stale is replaced."""
    return db.session.scalars(
        sa.select(ValidationRequest).where(ValidationRequest.id == request.id).with_for_update(of=ValidationRequest)
        .execution_options(populate_existing=True)).one()


def accept_bid(actor: User, bid_id: int) -> Acceptance:
    """The actor's party accepts the bid; the second party to accept the same bid engages it."""
    bid = get_bid(actor, bid_id)
    party = pairing_party(actor, bid.request.pairing)
    if party is None:
        raise PermissionDenied("只有需求企业和成果方可以选定验证方案。")
    request = _lock(bid.request)
    if request.status is not RequestStatus.OPEN:
        raise Conflict(TAKEN if request.status is RequestStatus.ENGAGED else f"验证请求当前为“{request.status.label}”。")
    if bid.status is not BidStatus.SUBMITTED:
        raise Conflict(f"方案当前为“{bid.status.label}”，不能选定。")
    already = f"{party.label}已选定这份方案，正在等待另一方确认。"
    if getattr(request, CHOICE[party].key) == bid.id:
        raise Conflict(already)
    try:
        compare_and_set(request, TAKEN, ValidationRequest.status == RequestStatus.OPEN,
                        CHOICE[party].is_distinct_from(bid.id), **{CHOICE[party].key: bid.id})
    except Conflict:  # the read above was stale (SQLite has no row lock): a colleague was first
        db.session.refresh(request)
        raise Conflict(already if getattr(request, CHOICE[party].key) == bid.id else TAKEN) from None
    other = Party.INSTITUTION if party is Party.ENTERPRISE else Party.ENTERPRISE
    if getattr(request, CHOICE[other].key) != bid.id:
        notify(organization_members(_side_org(request, other)), NotificationKind.BID_UPDATE,
               f"{party.label}选定了 {bid.center.name} 的验证方案，请确认是否同意。", request_link(request))
        return Acceptance(bid, party, None)
    return Acceptance(bid, party, _engage(request, bid))


def _side_org(request: ValidationRequest, party: Party) -> int:
    pairing = request.pairing
    return pairing.demand.organization_id if party is Party.ENTERPRISE else pairing.result.organization_id


def _engage(request: ValidationRequest, bid: Bid) -> Engagement:
    """Both parties chose ``bid``: engagement, agreement, rejections — in this one transaction."""
    compare_and_set(request, TAKEN, ValidationRequest.status == RequestStatus.OPEN,
                    status=RequestStatus.ENGAGED, closed_at=utcnow())
    pairing = request.pairing
    engagement = Engagement(pairing_id=pairing.id, request_id=request.id, bid_id=bid.id, center_id=bid.center_id,
                            enterprise_id=pairing.demand.organization_id,
                            institution_id=pairing.result.organization_id)
    try:
        with db.session.begin_nested():
            db.session.add(engagement)
            db.session.flush()
    except IntegrityError:
        raise Conflict(TAKEN) from None
    for m in bid.milestones:
        db.session.add(Milestone(engagement_id=engagement.id, position=m.position, title=m.title,
                                 deliverable=m.deliverable, due_week=m.due_week, payment=m.payment))
    bid.status = BidStatus.ACCEPTED
    losers = list(db.session.scalars(sa.select(Bid).where(Bid.request_id == request.id, Bid.id != bid.id,
                                                          Bid.status == BidStatus.SUBMITTED)).unique())
    for loser in losers:
        loser.status = BidStatus.REJECTED
    db.session.flush()
    db.session.refresh(engagement)
    freeze(engagement)
    record_event(EventKind.ENGAGEMENT_CREATED, demand_id=pairing.demand_id, result_id=pairing.result_id,
                 pairing_id=pairing.id, field_code=pairing.demand.field_code, request_id=request.id, bid_id=bid.id,
                 engagement_id=engagement.id, amount=bid.total_cost)
    link = f"/engagements/{engagement.id}"
    notify(center_members(bid.center_id), NotificationKind.BID_SELECTED,
           f"您的验证方案已中选：{pairing.result.title}。请签署三方协议。", link)
    for loser in losers:
        notify(center_members(loser.center_id), NotificationKind.BID_REJECTED,
               f"感谢投标：{pairing.result.title} 的验证已选定其他中心。", request_link(request))
    notify(pairing_members(pairing), NotificationKind.AGREEMENT_SIGN,
           f"双方已选定 {bid.center.name} 的方案，三方协议待签署。", link)
    return engagement
