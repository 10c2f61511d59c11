"""Pairings (对接): propose, accept, decline, withdraw; who may see them; one transition table.

Timing: a proposal waits ``response_days`` (the caller passes PAIRING_RESPONSE_DAYS) for an
answer; past ``respond_by`` it is flagged overdue to both sides and to operators, and it expires
``EXPIRY_GRACE_DAYS`` later if still unanswered (see ``pairing_sweep``).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    DeclineReason, Demand, DemandStatus, EventKind, NotificationKind, Pairing, PairingStatus,
    Result, ResultStatus, Side, User, Visibility, db, utcnow,
)

from .activity import notify, organization_members, record_event
from .compare_and_set import compare_and_set
from .demands import get_demand
from .errors import Conflict, FieldErrors, NotFound, PermissionDenied, ValidationFailed
from .listings import stripped_text
from .results import get_result
from .suggestions import pair_score

MESSAGE_MAX = 2000
DECLINE_TEXT_MAX = 1000
EXPIRY_GRACE_DAYS = 7
OWN_PAIR_MESSAGE = "不能将本机构的需求与本机构的成果对接。"

# The one transition table of the pairing life-cycle.
TRANSITIONS: dict[PairingStatus, frozenset[PairingStatus]] = {
    PairingStatus.PROPOSED: frozenset({PairingStatus.CONNECTED, PairingStatus.DECLINED,
                                       PairingStatus.WITHDRAWN, PairingStatus.EXPIRED}),
    PairingStatus.CONNECTED: frozenset(),
    PairingStatus.DECLINED: frozenset(),  # a decline is an answer: not re-proposable
    PairingStatus.WITHDRAWN: frozenset({PairingStatus.PROPOSED}),  # proposed again, same thread
    PairingStatus.EXPIRED: frozenset({PairingStatus.PROPOSED}),
}


def party_name(pairing: Pairing, actor: User) -> str:
    """How notifications name the actor's organization: an anonymous demand's enterprise stays
    anonymous to the other side until the pairing is connected."""
    hidden = (pairing.demand.visibility is Visibility.ANONYMOUS and pairing.status is not PairingStatus.CONNECTED
              and side_of(actor, pairing) is Side.DEMAND)
    return "一家匿名企业" if hidden else actor.organization.name


def pairing_link(pairing: Pairing) -> str:
    """The path of the pairing's page (notifications link to it)."""
    return f"/pairings/{pairing.id}"


def expires_at(pairing: Pairing) -> datetime:
    """When an unanswered proposal expires: the response window plus the grace period."""
    return pairing.respond_by + timedelta(days=EXPIRY_GRACE_DAYS)


def side_of(user: User | None, pairing: Pairing) -> Side | None:
    """Which side of the pairing the user's organization is on (None: not a party)."""
    if user is None:
        return None
    if pairing.demand.organization_id == user.organization_id:
        return Side.DEMAND
    if pairing.result.organization_id == user.organization_id:
        return Side.RESULT
    return None


def other_side(side: Side) -> Side:
    """The opposite side."""
    return Side.RESULT if side is Side.DEMAND else Side.DEMAND


def side_organization_id(pairing: Pairing, side: Side) -> int:
    """The organization on ``side`` of the pairing."""
    return pairing.demand.organization_id if side is Side.DEMAND else pairing.result.organization_id


def can_see(user: User | None, pairing: Pairing) -> bool:
    """Members of the two organizations and operators."""
    return user is not None and (user.is_admin or side_of(user, pairing) is not None)


def get_pairing(viewer: User | None, pairing_id: int) -> Pairing:
    """The pairing if ``viewer`` may see it, else NotFound (no existence leak)."""
    pairing = db.session.get(Pairing, pairing_id)
    if pairing is None or not can_see(viewer, pairing):
        raise NotFound("对接不存在或无权查看。")
    return pairing


def find_pairing(demand_id: int, result_id: int) -> Pairing | None:
    """The pairing of a demand–result pair, if any."""
    return db.session.scalar(sa.select(Pairing).where(Pairing.demand_id == demand_id,
                                                      Pairing.result_id == result_id))


def _clean_message(message: str | None, errors: FieldErrors, name: str = "message") -> str:
    text = stripped_text(message, name, errors)  # not text: that error stays the field's first
    if not text:
        errors.add(name, "请填写留言。")
    elif len(text) > MESSAGE_MAX:
        errors.add(name, f"最多 {MESSAGE_MAX:,} 个字符（当前 {len(text):,}）。")
    return text


def _proposer_side(actor: User, demand: Demand, result: Result) -> Side:
    owns_demand, owns_result = demand.is_owned_by(actor), result.is_owned_by(actor)
    if owns_demand and owns_result:
        raise ValidationFailed(OWN_PAIR_MESSAGE, {"result_id": OWN_PAIR_MESSAGE})
    if not (owns_demand or owns_result):
        raise PermissionDenied("只有需求或成果的发布机构可以发起对接。")
    return Side.DEMAND if owns_demand else Side.RESULT


def _check_proposal(actor: User, demand: Demand, result: Result,
                    message: str | None) -> tuple[Side, str, Pairing | None]:
    """The proposer's side, the cleaned message, and a withdrawn or expired pairing to reopen."""
    side = _proposer_side(actor, demand, result)
    errors = FieldErrors()
    text = _clean_message(message, errors)
    if demand.status is not DemandStatus.PUBLISHED:
        errors.add("demand_id", "需求尚未发布或已关闭，不能对接。")
    if result.status is not ResultStatus.PUBLISHED:
        errors.add("result_id", "成果尚未发布或已撤回，不能对接。")
    errors.raise_if_any()
    existing = find_pairing(demand.id, result.id)
    if existing is not None and PairingStatus.PROPOSED not in TRANSITIONS[existing.status]:
        raise Conflict(f"这项需求与这项成果之间已有对接记录（{existing.status.label}）。",
                       {"result_id": "已有对接记录。"})
    return side, text, existing


def _insert(pairing: Pairing) -> None:
    """Flush inside a SAVEPOINT: a concurrent proposal of the same pair becomes a Conflict."""
    try:
        with db.session.begin_nested():
            db.session.add(pairing)
            db.session.flush()
    except IntegrityError:
        raise Conflict("这项需求与这项成果之间已有对接记录。", {"result_id": "已有对接记录。"}) from None


def propose_pairing(actor: User, demand_id: int, result_id: int, message: str | None, index,
                    response_days: int, now: datetime | None = None) -> Pairing:
    """Propose connecting a demand with a result; the other side has ``response_days`` to answer."""
    if actor is None:
        raise PermissionDenied("请先登录。")
    demand, result = get_demand(actor, demand_id), get_result(actor, result_id)
    side, text, existing = _check_proposal(actor, demand, result, message)
    score, components = pair_score(index, demand, result)
    now = now or utcnow()
    proposal = dict(proposer_id=actor.id, proposed_by=side, message=text, respond_by=now + timedelta(days=response_days),
                    score=score, score_components=components)
    if existing is not None:  # withdrawn or expired: proposed again, keeping its thread
        pairing = existing
        move(pairing, PairingStatus.PROPOSED, **proposal, responder_id=None, responded_at=None,
             overdue_notified_at=None, decline_reason=None, decline_text="")
    else:
        pairing = Pairing(demand=demand, result=result, status=PairingStatus.PROPOSED, created_at=now, **proposal)
        _insert(pairing)
    record_event(EventKind.PAIRING_PROPOSED, demand_id=demand.id, result_id=result.id,
                 pairing_id=pairing.id, field_code=demand.field_code)
    notify(organization_members(side_organization_id(pairing, other_side(side))),
           NotificationKind.PAIRING_PROPOSED,
           f"{party_name(pairing, actor)} 希望对接：“{demand.title}” ↔ “{result.title}”，请在 "
           f"{pairing.respond_by:%Y-%m-%d} 前回复。", pairing_link(pairing))
    return pairing


def move(pairing: Pairing, status: PairingStatus, **values) -> None:
    """The one place a pairing changes status: table check, then a compare-and-set UPDATE
    (two people answering at once: the second gets a Conflict)."""
    if status not in TRANSITIONS[pairing.status]:
        raise Conflict(f"对接状态为“{pairing.status.label}”，不能变为“{status.label}”。",
                       {"status": f"不允许的状态变化：{pairing.status.value} → {status.value}。"})
    compare_and_set(pairing, "对接状态已被他人更新，请刷新页面。", Pairing.status == pairing.status,
                    status=status, **values)


def _check_response(actor: User, pairing: Pairing, now: datetime) -> None:
    """Only the side that did not propose answers, only while proposed and not yet expired."""
    side = side_of(actor, pairing)
    if side is None:
        raise PermissionDenied("只有对接的另一方可以回复。")
    if side is pairing.proposed_by:
        raise PermissionDenied("不能回复本方发起的对接请求。")
    if pairing.status is PairingStatus.PROPOSED and expires_at(pairing) < now:
        raise Conflict("对接请求已过期。")
    if pairing.status is not PairingStatus.PROPOSED:
        raise Conflict(f"对接状态为“{pairing.status.label}”，不能再回复。")


def _tell_proposer(pairing: Pairing, kind: NotificationKind, text: str) -> None:
    recipients = organization_members(side_organization_id(pairing, pairing.proposed_by))
    notify(recipients, kind, text, pairing_link(pairing))


def record_pairing_event(kind: EventKind, pairing: Pairing) -> None:
    """A funnel event of this pairing, counted under the demand's field."""
    record_event(kind, demand_id=pairing.demand_id, result_id=pairing.result_id, pairing_id=pairing.id,
                 field_code=pairing.demand.field_code)


def accept_pairing(actor: User, pairing_id: int, now: datetime | None = None) -> Pairing:
    """The other side accepts: the pairing is connected."""
    now = now or utcnow()
    pairing = get_pairing(actor, pairing_id)
    _check_response(actor, pairing, now)
    if not (pairing.demand.is_published and pairing.result.is_published):
        raise Conflict("需求或成果已关闭或撤回，不能再建立对接；可以婉拒或等待对方重新发布。")
    move(pairing, PairingStatus.CONNECTED, responder_id=actor.id, responded_at=now)
    record_pairing_event(EventKind.PAIRING_CONNECTED, pairing)
    _tell_proposer(pairing, NotificationKind.PAIRING_ACCEPTED,
                   f"{party_name(pairing, actor)} 接受了对接：“{pairing.demand.title}” ↔ “{pairing.result.title}”。")
    return pairing


def clean_decline(reason: str | None, reason_text: str | None) -> tuple[DeclineReason, str]:
    """A reason code of the API (docs/api.md), and a text that is required for ``other``."""
    errors = FieldErrors()
    text = stripped_text(reason_text, "reason_text", errors)
    try:
        code = DeclineReason(str(reason or "").strip())
    except ValueError:
        code = None
        errors.add("reason", "请选择婉拒原因。" if not reason else "未知的婉拒原因。")
    if code is DeclineReason.OTHER and not text:
        errors.add("reason_text", "选择“其他原因”时请说明原因。")
    if len(text) > DECLINE_TEXT_MAX:
        errors.add("reason_text", f"最多 {DECLINE_TEXT_MAX:,} 个字符。")
    errors.raise_if_any("请说明婉拒原因：对方会看到它。")
    return code, text


def decline_pairing(actor: User, pairing_id: int, reason: str | None, reason_text: str | None = "",
                    now: datetime | None = None) -> Pairing:
    """The other side declines with a reason code (and a text for ``other``) the proposer sees."""
    now = now or utcnow()
    pairing = get_pairing(actor, pairing_id)
    _check_response(actor, pairing, now)
    code, text = clean_decline(reason, reason_text)
    move(pairing, PairingStatus.DECLINED, responder_id=actor.id, responded_at=now,
         decline_reason=code, decline_text=text)
    record_pairing_event(EventKind.PAIRING_DECLINED, pairing)
    _tell_proposer(pairing, NotificationKind.PAIRING_DECLINED,
                   f"“{pairing.demand.title}” ↔ “{pairing.result.title}” 的对接被婉拒：{code.label}"
                   + (f"（{text}）" if text else "") + "。")
    return pairing


def withdraw_pairing(actor: User, pairing_id: int) -> Pairing:
    """The proposer's side takes its proposal back while it is still unanswered."""
    pairing = get_pairing(actor, pairing_id)
    if side_of(actor, pairing) is not pairing.proposed_by:
        raise PermissionDenied("只有发起方可以撤回对接请求。")
    move(pairing, PairingStatus.WITHDRAWN)
    record_pairing_event(EventKind.PAIRING_WITHDRAWN, pairing)
    recipients = organization_members(side_organization_id(pairing, other_side(pairing.proposed_by)))
    notify(recipients, NotificationKind.PAIRING_WITHDRAWN,
           f"对方撤回了对接请求：“{pairing.demand.title}” ↔ “{pairing.result.title}”。", pairing_link(pairing))
    return pairing
