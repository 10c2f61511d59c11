"""Answering and withdrawing pairings word for word: what each refusal says (people read these
messages on the page and in the API's ``message``), what a decline stores, and who is told what."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from marketplace.services import pairings
from marketplace.services.errors import Conflict, PermissionDenied, ValidationFailed
from models import Event, Notification, NotificationKind, Role, db
from tests.factories import make_demand, make_result, make_user


@pytest.fixture
def proposed(ctx):
    """An enterprise's proposal to a university, and both parties."""
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result = make_result(researcher, status="published")
    pairing = pairings.propose_pairing(enterprise, demand.id, result.id, "希望合作。",
                                       current_app.extensions["match_index"], 14)
    db.session.commit()
    return enterprise, researcher, pairing


def refusal(error, call) -> tuple[str, dict]:
    with pytest.raises(error) as caught:
        call()
    db.session.rollback()
    return caught.value.message, caught.value.fields


def texts(user, kind: NotificationKind) -> list[tuple[str, str]]:
    return [tuple(row) for row in db.session.execute(sa.select(Notification.text, Notification.link).where(
        Notification.user_id == user.id, Notification.kind == kind).order_by(Notification.id))]


def test_who_may_answer_and_when_each_refusal_says_why(proposed):
    enterprise, researcher, pairing = proposed
    admin = make_user(Role.ADMIN)
    assert refusal(PermissionDenied, lambda: pairings.accept_pairing(admin, pairing.id)) == (
        "只有对接的另一方可以回复。", {})
    assert refusal(PermissionDenied, lambda: pairings.accept_pairing(enterprise, pairing.id)) == (
        "不能回复本方发起的对接请求。", {})
    assert refusal(PermissionDenied, lambda: pairings.withdraw_pairing(researcher, pairing.id)) == (
        "只有发起方可以撤回对接请求。", {})
    pairings.decline_pairing(researcher, pairing.id, "too_early")
    db.session.commit()
    assert refusal(Conflict, lambda: pairings.accept_pairing(researcher, pairing.id)) == (
        "对接状态为“已婉拒”，不能再回复。", {})


def test_a_proposal_can_be_answered_until_the_moment_it_expires(proposed):
    enterprise, researcher, pairing = proposed
    deadline = pairings.expires_at(pairing)
    assert deadline == pairing.respond_by + timedelta(days=pairings.EXPIRY_GRACE_DAYS)
    assert refusal(Conflict, lambda: pairings.accept_pairing(researcher, pairing.id,
                                                             now=deadline + timedelta(seconds=1))) == (
        "对接请求已过期。", {})
    pairings.accept_pairing(researcher, pairing.id, now=deadline)
    db.session.commit()
    assert pairing.responded_at == deadline


def test_accepting_after_a_listing_closed_says_what_to_do(proposed):
    enterprise, researcher, pairing = proposed
    pairing.result.status = type(pairing.result.status)("withdrawn")
    db.session.commit()
    assert refusal(Conflict, lambda: pairings.accept_pairing(researcher, pairing.id)) == (
        "需求或成果已关闭或撤回，不能再建立对接；可以婉拒或等待对方重新发布。", {})


@pytest.mark.parametrize("reason,text,fields", [
    (None, "", {"reason": "请选择婉拒原因。"}),
    ("", "", {"reason": "请选择婉拒原因。"}),
    ("not_a_reason", "", {"reason": "未知的婉拒原因。"}),
    ("other", " ", {"reason_text": "选择“其他原因”时请说明原因。"}),
    ("too_early", "字" * 1001, {"reason_text": "最多 1,000 个字符。"}),
    ("nonsense", "字" * 1001, {"reason": "未知的婉拒原因。", "reason_text": "最多 1,000 个字符。"}),
])
def test_decline_refusals_name_each_field(proposed, reason, text, fields):
    _, researcher, pairing = proposed
    assert refusal(ValidationFailed, lambda: pairings.decline_pairing(researcher, pairing.id, reason, text)) == (
        "请说明婉拒原因：对方会看到它。", fields)


def test_clean_decline_strips_and_accepts_the_longest_text():
    assert pairings.clean_decline(" too_early ", "字" * 1000) == (pairings.DeclineReason.TOO_EARLY, "字" * 1000)
    assert pairings.clean_decline("other", "  已签约  ") == (pairings.DeclineReason.OTHER, "已签约")


def test_a_decline_stores_who_and_when_and_tells_the_proposer_the_reason(proposed):
    enterprise, researcher, pairing = proposed
    now = pairing.respond_by - timedelta(days=1)
    pairings.decline_pairing(researcher, pairing.id, "budget_mismatch", now=now)
    db.session.commit()
    assert (pairing.responder_id, pairing.responded_at, pairing.decline_text) == (researcher.id, now, "")
    title = f"“{pairing.demand.title}” ↔ “{pairing.result.title}”"
    assert texts(enterprise, NotificationKind.PAIRING_DECLINED) == [
        (f"{title} 的对接被婉拒：{pairing.decline_reason.label}。", f"/pairings/{pairing.id}")]


def test_a_decline_with_text_quotes_it(proposed):
    enterprise, researcher, pairing = proposed
    pairings.decline_pairing(researcher, pairing.id, "other", "已与他方签约")
    db.session.commit()
    [(text, _)] = texts(enterprise, NotificationKind.PAIRING_DECLINED)
    assert text.endswith("的对接被婉拒：其他原因（已与他方签约）。")


def test_a_withdrawal_by_the_result_side_tells_the_demand_side(ctx):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result = make_result(researcher, status="published")
    pairing = pairings.propose_pairing(researcher, demand.id, result.id, "希望合作。",
                                       current_app.extensions["match_index"], 14)
    pairings.withdraw_pairing(researcher, pairing.id)
    db.session.commit()
    assert [link for _, link in texts(enterprise, NotificationKind.PAIRING_WITHDRAWN)] == [f"/pairings/{pairing.id}"]
    assert texts(researcher, NotificationKind.PAIRING_WITHDRAWN) == []


def test_a_withdrawal_tells_the_other_side_only(proposed):
    enterprise, researcher, pairing = proposed
    colleague = make_user(Role.ENTERPRISE, organization=enterprise.organization)
    pairings.withdraw_pairing(colleague, pairing.id)  # any member of the proposing side may withdraw
    db.session.commit()
    title = f"“{pairing.demand.title}” ↔ “{pairing.result.title}”"
    assert texts(researcher, NotificationKind.PAIRING_WITHDRAWN) == [
        (f"对方撤回了对接请求：{title}。", f"/pairings/{pairing.id}")]
    assert texts(enterprise, NotificationKind.PAIRING_WITHDRAWN) == []


def test_a_move_the_table_forbids_and_a_lost_compare_and_set_say_why(proposed):
    enterprise, researcher, pairing = proposed
    status = pairings.PairingStatus
    db.session.execute(sa.update(pairings.Pairing).where(pairings.Pairing.id == pairing.id)
                       .values(status=status.WITHDRAWN).execution_options(synchronize_session=False))
    assert pairing.status is status.PROPOSED  # someone else moved it, behind this session's copy
    assert refusal(Conflict, lambda: pairings.move(pairing, status.DECLINED)) == ("对接状态已被他人更新，请刷新页面。", {})
    pairings.withdraw_pairing(enterprise, pairing.id)
    db.session.commit()
    assert refusal(Conflict, lambda: pairings.move(pairing, status.CONNECTED)) == (
        "对接状态为“已撤回”，不能变为“已对接”。", {"status": "不允许的状态变化：withdrawn → connected。"})


@pytest.mark.parametrize("answer", ["accept", "decline", "withdraw"])
def test_each_answer_records_a_complete_funnel_event(proposed, answer):
    enterprise, researcher, pairing = proposed
    kind = {"accept": pairings.EventKind.PAIRING_CONNECTED, "decline": pairings.EventKind.PAIRING_DECLINED,
            "withdraw": pairings.EventKind.PAIRING_WITHDRAWN}[answer]
    {"accept": lambda: pairings.accept_pairing(researcher, pairing.id),
     "decline": lambda: pairings.decline_pairing(researcher, pairing.id, "too_early"),
     "withdraw": lambda: pairings.withdraw_pairing(enterprise, pairing.id)}[answer]()
    db.session.commit()
    rows = db.session.execute(sa.select(Event.demand_id, Event.result_id, Event.pairing_id, Event.field_code)
                              .where(Event.kind == kind)).all()
    assert [tuple(r) for r in rows] == [(pairing.demand_id, pairing.result_id, pairing.id, "new_energy")]


def test_an_unseen_pairing_says_not_found(proposed):
    _, _, pairing = proposed
    for viewer in (None, make_user(Role.RESEARCHER)):
        assert refusal(pairings.NotFound, lambda: pairings.get_pairing(viewer, pairing.id)) == ("对接不存在或无权查看。", {})
