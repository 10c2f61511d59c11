"""Bids: a verified center with free capacity offers a term sheet on an open request; it revises
(every revision kept; a revision from a stale page is refused) or withdraws it until the bid
deadline. One live bid per center per request (a partial unique index holds it)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    DB_INT_MAX, Bid, BidMilestone, BidRevision, BidStatus, EventKind, NotificationKind, RequestStatus, Role, User,
    ValidationRequest, db,
)

from .. import audit
from ..activity import notify, record_event
from ..compare_and_set import compare_and_set
from ..errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from .centers import get_center, profile_of, running_engagements
from .parties import get_bid, get_request, pairing_members, pairing_party
from .requests import request_link
from .terms import clean_terms, terms_of
from ...localtime import local_today

ONE_LIVE_BID = "本中心在这项请求上已有有效方案；请修改或撤回原方案。"


def check_can_bid(actor: User) -> None:
    """Only a verified center with a profile and free capacity bids (each refusal says why)."""
    if actor is None or actor.role is not Role.CENTER:
        raise PermissionDenied("只有概念验证中心可以提交验证方案。")
    center = get_center(actor.organization_id)
    if not center.verified:
        raise PermissionDenied("本中心尚未通过平台认证，认证后才能投标。")
    profile = profile_of(center.id)
    if profile is None:
        raise PermissionDenied("请先完善本中心的能力档案。")
    running = running_engagements(center.id)
    if running >= profile.capacity:
        raise Conflict(f"本中心已满负荷（{running}/{profile.capacity} 个项目在进行），暂不能投标。")


def _open_for_bids(request: ValidationRequest, today: date) -> None:
    if request.status is not RequestStatus.OPEN:
        raise Conflict(f"验证请求当前为“{request.status.label}”，不再接受方案。")
    if not request.accepts_bids_on(today):
        raise Conflict(f"方案征集已于 {request.bid_deadline:%Y-%m-%d} 截止。")


def _apply(bid: Bid, cleaned: dict[str, Any]) -> None:
    milestones = cleaned.pop("milestones")
    for name, value in cleaned.items():
        setattr(bid, name, value)
    bid.milestones = [BidMilestone(position=i, **m) for i, m in enumerate(milestones)]


def _snapshot(bid: Bid, author: User) -> None:
    db.session.flush()
    db.session.add(BidRevision(bid_id=bid.id, revision=bid.revision, terms=terms_of(bid), author_id=author.id))


def submit_bid(actor: User, request_id: int, data: Mapping[str, Any], today: date | None = None) -> Bid:
    """A center's bid on an open request, before its deadline."""
    check_can_bid(actor)
    request = get_request(actor, request_id)
    _open_for_bids(request, today or local_today())
    cleaned = clean_terms(data, request)
    if db.session.scalar(sa.select(Bid.id).where(Bid.request_id == request.id, Bid.center_id == actor.organization_id,
                                                 Bid.status.in_([BidStatus.SUBMITTED, BidStatus.ACCEPTED]))):
        raise Conflict(ONE_LIVE_BID)
    bid = Bid(request_id=request.id, center_id=actor.organization_id, submitted_by_id=actor.id)
    _apply(bid, cleaned)
    try:
        with db.session.begin_nested():
            db.session.add(bid)
            db.session.flush()
    except IntegrityError:  # the same center's concurrent second submission
        raise Conflict(ONE_LIVE_BID) from None
    _snapshot(bid, actor)
    pairing = request.pairing
    record_event(EventKind.BID_SUBMITTED, demand_id=pairing.demand_id, result_id=pairing.result_id,
                 pairing_id=pairing.id, field_code=pairing.demand.field_code, request_id=request.id, bid_id=bid.id)
    notify(pairing_members(pairing), NotificationKind.BID_RECEIVED,
           f"{bid.center.name} 提交了验证方案：总费用 {bid.total_cost:,.2f} 万元，周期 {bid.duration_months} 个月。",
           request_link(request))
    return bid


def _own_live_bid(actor: User, bid_id: int) -> Bid:
    bid = get_bid(actor, bid_id)
    if actor.role is not Role.CENTER or actor.organization_id != bid.center_id:
        raise PermissionDenied("只有提交方案的中心可以修改或撤回它。")
    if bid.status is not BidStatus.SUBMITTED:
        raise Conflict(f"方案当前为“{bid.status.label}”，不能再修改或撤回。")
    return bid


def _clear_choices(bid: Bid) -> bool:
    """Forget the parties' acceptance of a bid whose terms changed or that was withdrawn."""
    cleared = False
    for column in (ValidationRequest.enterprise_choice_id, ValidationRequest.institution_choice_id):
        done = db.session.execute(sa.update(ValidationRequest).where(
            ValidationRequest.id == bid.request_id, column == bid.id).values({column.key: None})
            .execution_options(synchronize_session=False))
        if done.rowcount:
            audit.record("validation_request.update", kind="validation_request", object_id=bid.request_id,
                         changes={column.key: [bid.id, None]}, note="方案变更或撤回，已清除该方的选择")
        cleared = cleared or done.rowcount > 0
    db.session.refresh(bid.request)
    return cleared


def revise_bid(actor: User, bid_id: int, data: Mapping[str, Any], expected_revision: Any,
               today: date | None = None) -> Bid:
    """Replace the terms; ``expected_revision`` is the revision the page showed (stale: Conflict)."""
    bid = _own_live_bid(actor, bid_id)
    _open_for_bids(bid.request, today or local_today())
    try:
        expected = int(str(expected_revision))
    except (TypeError, ValueError):
        raise ValidationFailed("请提交所修改的方案版本号。", {"revision": "应为整数。"}) from None
    cleaned = clean_terms(data, bid.request)
    stale = "方案已在别处修改过（版本已更新），请刷新页面后在最新版本上修改。"
    if not 1 <= expected <= DB_INT_MAX:  # no revision is that number: stale, without asking the database
        raise Conflict(stale, {"revision": f"当前版本不是 {expected}。"})
    try:
        compare_and_set(bid, stale, Bid.revision == expected, Bid.status == BidStatus.SUBMITTED,
                        revision=Bid.revision + 1)
    except Conflict as error:
        error.fields["revision"] = f"当前版本不是 {expected}。"
        raise
    _apply(bid, cleaned)
    _snapshot(bid, actor)
    reset = _clear_choices(bid)
    notify(pairing_members(bid.request.pairing), NotificationKind.BID_UPDATE,
           f"{bid.center.name} 修改了验证方案（第 {bid.revision} 版）" + ("，此前的选定需重新确认。" if reset else "。"),
           request_link(bid.request))
    return bid


def withdraw_bid(actor: User, bid_id: int, today: date | None = None) -> Bid:
    """The center takes its bid back until the deadline."""
    bid = _own_live_bid(actor, bid_id)
    _open_for_bids(bid.request, today or local_today())
    compare_and_set(bid, "方案状态已变化，请刷新页面。", Bid.status == BidStatus.SUBMITTED, status=BidStatus.WITHDRAWN)
    _clear_choices(bid)
    notify(pairing_members(bid.request.pairing), NotificationKind.BID_UPDATE,
           f"{bid.center.name} 撤回了验证方案。", request_link(bid.request))
    return bid


def bids_on(viewer: User, request: ValidationRequest) -> list[Bid]:
    """All bids to the parties and operators; a center sees only its own."""
    query = sa.select(Bid).where(Bid.request_id == request.id).order_by(Bid.created_at, Bid.id)
    if not (viewer.is_admin or pairing_party(viewer, request.pairing) is not None):
        query = query.where(Bid.center_id == viewer.organization_id)
    return list(db.session.scalars(query).unique())


def bid_history(viewer: User, bid_id: int) -> list[BidRevision]:
    """Every revision of a bid, oldest first (whoever may see the bid)."""
    bid = get_bid(viewer, bid_id)
    return list(db.session.scalars(sa.select(BidRevision).where(BidRevision.bid_id == bid.id)
                                   .order_by(BidRevision.revision)))


def bids_of_pairing(viewer: User, pairing_id: int) -> tuple[ValidationRequest, list[Bid]]:
    """The bids on a pairing's current request (the API's /pairings/{id}/bids)."""
    from .requests import current_request

    request = current_request(pairing_id)
    if request is None:
        raise NotFound("这项对接还没有验证请求。")
    request = get_request(viewer, request.id)
    return request, bids_on(viewer, request)
