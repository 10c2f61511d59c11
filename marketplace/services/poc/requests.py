"""Validation requests (申请概念验证): either party of a connected pairing opens it to PoC centers —
what must be verified, a budget cap, a bid deadline, a maximum duration — and may cancel it until
a bid is selected. Fitting centers are told when it opens."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    Bid, BidStatus, DemandStatus, EventKind, NotificationKind, PairingStatus, RequestStatus, ResultStatus, User,
    ValidationNeed, ValidationRequest, db, utcnow,
)

from ..activity import notify, record_event
from ..compare_and_set import compare_and_set
from ..errors import Conflict, FieldErrors, PermissionDenied
from ..listings import clean_choice, clean_date, clean_number, clean_text
from ..match_index import MatchIndex
from ..pairings import get_pairing
from .fit import center_members, fitting_centers
from .parties import get_request, pairing_members, pairing_party
from ...localtime import local_today

NOTES_MAX = 2000
DEADLINE_MAX_DAYS = 180
DURATION_MAX = 36
DEFAULT_DURATION = 12


def request_link(request: ValidationRequest) -> str:
    return f"/validation/requests/{request.id}"


def current_request(pairing_id: int) -> ValidationRequest | None:
    """The pairing's latest request that was not cancelled (open or engaged)."""
    return db.session.scalar(sa.select(ValidationRequest).where(
        ValidationRequest.pairing_id == pairing_id, ValidationRequest.status != RequestStatus.CANCELLED)
        .order_by(ValidationRequest.id.desc()).limit(1))


def _duration(data: Mapping, errors: FieldErrors) -> int:
    raw = data.get("max_duration_months")
    if raw in (None, ""):
        return DEFAULT_DURATION
    text = str(raw).strip() if not isinstance(raw, (bool, float)) else ""
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= DURATION_MAX:
        errors.add("max_duration_months", f"最长验证周期应为 1–{DURATION_MAX} 个月的整数。")
        return DEFAULT_DURATION
    return int(text)


def _clean(data: Mapping[str, Any], today: date) -> dict[str, Any]:
    errors = FieldErrors()
    cleaned = {
        "needs": clean_choice(ValidationNeed, data, "needs", errors),
        "budget_cap": clean_number(data, "budget_cap", errors),
        "bid_deadline": clean_date({"deadline": data.get("deadline")}, "deadline", errors),
        "max_duration_months": _duration(data, errors),
        "notes": clean_text(data, "notes", errors, limit=NOTES_MAX, required=False),
    }
    if cleaned["budget_cap"] is not None and cleaned["budget_cap"] <= 0:
        errors.add("budget_cap", "预算上限应大于 0（万元）。")
    deadline = cleaned["bid_deadline"]
    if deadline is not None and not today < deadline <= today + timedelta(days=DEADLINE_MAX_DAYS):
        errors.add("deadline", f"方案征集截止日期应在今天之后、{DEADLINE_MAX_DAYS} 天之内。")
    errors.raise_if_any("验证请求有误，请检查标出的字段。")
    return cleaned


def open_request(actor: User, pairing_id: int, data: Mapping[str, Any], index: MatchIndex | None,
                 today: date | None = None) -> ValidationRequest:
    """Open a connected pairing to PoC centers (either party); fitting centers are notified."""
    pairing = get_pairing(actor, pairing_id)
    if pairing_party(actor, pairing) is None:
        raise PermissionDenied("只有对接双方可以申请概念验证。")
    if pairing.status is not PairingStatus.CONNECTED:
        raise Conflict("只有已对接的需求与成果可以申请概念验证。")
    if pairing.demand.status is not DemandStatus.PUBLISHED or pairing.result.status is not ResultStatus.PUBLISHED:
        raise Conflict("需求或成果已关闭、撤回或完成验证，不能再申请概念验证。")
    existing = current_request(pairing.id)
    if existing is not None:
        raise Conflict(f"这项对接已有验证请求（{existing.status.label}）。", {"pairing_id": "已有验证请求。"})
    cleaned = _clean(data, today or local_today())
    request = ValidationRequest(pairing_id=pairing.id, opened_by_id=actor.id, **cleaned)
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError:  # a concurrent request of the other party was first
        raise Conflict("这项对接已有验证请求。", {"pairing_id": "已有验证请求。"}) from None
    record_event(EventKind.VALIDATION_REQUESTED, demand_id=pairing.demand_id, result_id=pairing.result_id,
                 pairing_id=pairing.id, field_code=pairing.demand.field_code, request_id=request.id)
    title = f"“{pairing.demand.title}” ↔ “{pairing.result.title}”"
    notify([u for u in pairing_members(pairing) if u.id != actor.id], NotificationKind.VALIDATION_REQUEST,
           f"已为 {title} 申请概念验证，方案征集至 {request.bid_deadline:%Y-%m-%d}。", request_link(request))
    for profile, fit in fitting_centers(request, index):
        notify(center_members(profile.organization_id), NotificationKind.VALIDATION_REQUEST,
               f"新的概念验证请求（匹配度 {fit.percent}%）：{pairing.result.title}，预算上限 "
               f"{request.budget_cap:,.0f} 万元，{request.bid_deadline:%Y-%m-%d} 截止。", request_link(request))
    return request


def cancel_request(actor: User, request_id: int) -> ValidationRequest:
    """Either party cancels an open request; its live bids are rejected and their centers told."""
    request = get_request(actor, request_id)
    if pairing_party(actor, request.pairing) is None:
        raise PermissionDenied("只有对接双方可以取消验证请求。")
    compare_and_set(request, f"验证请求当前为“{request.status.label}”，不能取消。",
                    ValidationRequest.status == RequestStatus.OPEN, status=RequestStatus.CANCELLED, closed_at=utcnow())
    for bid in db.session.scalars(sa.select(Bid).where(Bid.request_id == request.id,
                                                       Bid.status == BidStatus.SUBMITTED)).unique():
        bid.status = BidStatus.REJECTED
        notify(center_members(bid.center_id), NotificationKind.BID_REJECTED,
               f"验证请求已被取消，您的方案未被选用：{request.pairing.result.title}。", request_link(request))
    db.session.flush()
    return request


def requests_of_pairing(pairing_id: int) -> list[ValidationRequest]:
    """A pairing's requests, newest first (the page of the pairing shows them)."""
    return list(db.session.scalars(sa.select(ValidationRequest).where(ValidationRequest.pairing_id == pairing_id)
                                   .order_by(ValidationRequest.id.desc())).unique())
