"""Pairings: proposal rules, the transition table, overdue flags and expiry, messages, visibility,
tiered disclosure of confidential demands, events and notifications."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from marketplace.services import confidentiality, pairing_messages, pairing_views, pairings
from marketplace.services.visibility import disclosure
from marketplace.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.services.pairing_sweep import expire_overdue, flag_overdue, sweep
from models import (
    DisclosureLog, Event, EventKind, Notification, NotificationKind, Pairing, PairingMessage,
    PairingStatus, Role, Side, db, utcnow,
)
from tests.factories import make_demand, make_result, make_user

DAYS = 14


@pytest.fixture
def parties(ctx):
    """An enterprise with a published demand and a university with a published result."""
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result = make_result(researcher, status="published")
    return enterprise, researcher, demand, result


def propose(actor, demand, result, message="希望与贵方合作验证。", **kwargs):
    pairing = pairings.propose_pairing(actor, demand.id, result.id, message,
                                       current_app.extensions["match_index"], DAYS, **kwargs)
    db.session.commit()
    return pairing


def events(kind: EventKind) -> list[Event]:
    return list(db.session.scalars(sa.select(Event).where(Event.kind == kind)))


def notes(user, kind: NotificationKind) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id,
                                                                 Notification.kind == kind)))


# --- proposing ---------------------------------------------------------------------------------

def test_propose_stores_window_score_event_and_notifies_other_side(parties):
    enterprise, researcher, demand, result = parties
    colleague = make_user(Role.RESEARCHER, organization=researcher.organization)
    pairing = propose(enterprise, demand, result)
    assert pairing.status is PairingStatus.PROPOSED and pairing.proposed_by is Side.DEMAND
    assert pairing.proposer_id == enterprise.id
    assert abs((pairing.respond_by - pairing.created_at) - timedelta(days=DAYS)) < timedelta(seconds=1)
    assert pairing.score is not None and pairing.score > 0 and set(pairing.score_components)
    [event] = events(EventKind.PAIRING_PROPOSED)
    assert (event.pairing_id, event.demand_id, event.field_code) == (pairing.id, demand.id, "new_energy")
    for user in (researcher, colleague):
        [note] = notes(user, NotificationKind.PAIRING_PROPOSED)
        assert note.link == f"/pairings/{pairing.id}"
    assert notes(enterprise, NotificationKind.PAIRING_PROPOSED) == []


def test_researcher_side_may_propose_too(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(researcher, demand, result)
    assert pairing.proposed_by is Side.RESULT
    assert len(notes(enterprise, NotificationKind.PAIRING_PROPOSED)) == 1


def test_proposing_for_listings_you_own_neither_of_is_refused(parties):
    _, _, demand, result = parties
    outsider = make_user(Role.ENTERPRISE)
    with pytest.raises(PermissionDenied):
        propose(outsider, demand, result)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pairing)) == 0


def test_pairing_your_own_demand_with_your_own_result_is_a_validation_error(ctx):
    enterprise = make_user(Role.ENTERPRISE)
    researcher = make_user(Role.RESEARCHER, organization=enterprise.organization)
    demand, result = make_demand(enterprise, status="published"), make_result(researcher, status="published")
    with pytest.raises(ValidationFailed) as error:
        propose(enterprise, demand, result)
    assert "result_id" in error.value.fields


def test_unseen_draft_is_not_found_and_own_draft_is_refused(parties):
    enterprise, researcher, demand, _ = parties
    draft_result = make_result(researcher)
    with pytest.raises(NotFound):
        propose(enterprise, demand, draft_result)
    draft_demand = make_demand(enterprise)
    result = make_result(researcher, status="published", title="另一项成果")
    with pytest.raises(ValidationFailed) as error:
        propose(enterprise, draft_demand, result)
    assert "demand_id" in error.value.fields


@pytest.mark.parametrize("message,problem", [("", "请填写"), ("  ", "请填写"), ("长" * 2001, "2,000")])
def test_message_is_required_and_bounded(parties, message, problem):
    enterprise, _, demand, result = parties
    with pytest.raises(ValidationFailed) as error:
        propose(enterprise, demand, result, message=message)
    assert problem in error.value.fields["message"]


def test_second_proposal_for_the_same_pair_is_a_conflict_from_either_side(parties):
    enterprise, researcher, demand, result = parties
    propose(enterprise, demand, result)
    with pytest.raises(Conflict):
        propose(enterprise, demand, result)
    with pytest.raises(Conflict):
        propose(researcher, demand, result)
    assert len(events(EventKind.PAIRING_PROPOSED)) == 1


def test_unique_constraint_race_becomes_conflict_and_keeps_the_transaction(parties, monkeypatch):
    enterprise, researcher, demand, result = parties
    propose(researcher, demand, result)
    monkeypatch.setattr(pairings, "find_pairing", lambda *args: None)  # both passed the check at once
    with pytest.raises(Conflict):
        propose(enterprise, demand, result)
    # the SAVEPOINT rolled back only the insert: the session still works
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pairing)) == 1


# --- the transition table ----------------------------------------------------------------------

def test_other_side_accepts_event_and_proposer_is_told(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    pairings.accept_pairing(researcher, pairing.id)
    db.session.commit()
    assert pairing.status is PairingStatus.CONNECTED and pairing.responder_id == researcher.id
    assert pairing.responded_at is not None
    assert len(events(EventKind.PAIRING_CONNECTED)) == 1
    assert len(notes(enterprise, NotificationKind.PAIRING_ACCEPTED)) == 1


def test_accepting_your_own_proposal_is_refused(parties):
    enterprise, _, demand, result = parties
    colleague = make_user(Role.ENTERPRISE, organization=enterprise.organization)
    pairing = propose(enterprise, demand, result)
    for user in (enterprise, colleague):
        with pytest.raises(PermissionDenied):
            pairings.accept_pairing(user, pairing.id)
    assert pairing.status is PairingStatus.PROPOSED


def test_operators_see_but_do_not_answer_and_outsiders_get_not_found(parties):
    enterprise, _, demand, result = parties
    pairing = propose(enterprise, demand, result)
    admin, outsider = make_user(Role.ADMIN), make_user(Role.RESEARCHER)
    assert pairings.get_pairing(admin, pairing.id) is pairing
    with pytest.raises(PermissionDenied):
        pairings.accept_pairing(admin, pairing.id)
    for call in (lambda: pairings.get_pairing(outsider, pairing.id), lambda: pairings.get_pairing(None, pairing.id),
                 lambda: pairings.accept_pairing(outsider, pairing.id),
                 lambda: pairings.decline_pairing(outsider, pairing.id, "too_early"),
                 lambda: pairings.withdraw_pairing(outsider, pairing.id),
                 lambda: pairings.get_pairing(enterprise, pairing.id + 999)):
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize("reason,text,field", [
    (None, "", "reason"), ("", "", "reason"), ("not_a_reason", "", "reason"),
    ("other", "", "reason_text"), ("other", "   ", "reason_text"), ("too_early", "字" * 1001, "reason_text"),
])
def test_declining_needs_a_reason_code_and_text_for_other(parties, reason, text, field):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    with pytest.raises(ValidationFailed) as error:
        pairings.decline_pairing(researcher, pairing.id, reason, text)
    assert field in error.value.fields
    db.session.rollback()
    assert db.session.get(Pairing, pairing.id).status is PairingStatus.PROPOSED
    assert events(EventKind.PAIRING_DECLINED) == []


def test_decline_reason_is_stored_and_shown_to_the_proposer(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    pairings.decline_pairing(researcher, pairing.id, "other", "我们已与他方签约")
    db.session.commit()
    assert (pairing.status, pairing.decline_reason.value, pairing.decline_text) == (
        PairingStatus.DECLINED, "other", "我们已与他方签约")
    [note] = notes(enterprise, NotificationKind.PAIRING_DECLINED)
    assert "其他原因" in note.text and "我们已与他方签约" in note.text
    assert len(events(EventKind.PAIRING_DECLINED)) == 1


def test_only_proposed_pairings_can_be_answered_or_withdrawn(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    pairings.decline_pairing(researcher, pairing.id, "budget_mismatch")
    db.session.commit()
    for call in (lambda: pairings.accept_pairing(researcher, pairing.id),
                 lambda: pairings.decline_pairing(researcher, pairing.id, "too_early"),
                 lambda: pairings.withdraw_pairing(enterprise, pairing.id)):
        with pytest.raises(Conflict):
            call()


def test_withdraw_by_the_proposer_side_only(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    with pytest.raises(PermissionDenied):
        pairings.withdraw_pairing(researcher, pairing.id)
    pairings.withdraw_pairing(enterprise, pairing.id)
    db.session.commit()
    assert pairing.status is PairingStatus.WITHDRAWN
    assert len(events(EventKind.PAIRING_WITHDRAWN)) == 1
    assert len(notes(researcher, NotificationKind.PAIRING_WITHDRAWN)) == 1


def test_transition_table_connected_and_declined_are_final_withdrawn_and_expired_reopen():
    allowed = {(a, b) for a, targets in pairings.TRANSITIONS.items() for b in targets}
    P, C, D, W, E = (PairingStatus.PROPOSED, PairingStatus.CONNECTED, PairingStatus.DECLINED,
                     PairingStatus.WITHDRAWN, PairingStatus.EXPIRED)
    assert allowed == {(P, C), (P, D), (P, W), (P, E), (W, P), (E, P)}


def test_a_withdrawn_pairing_can_be_proposed_again_by_either_side(parties):
    enterprise, researcher, demand, result = parties
    first = propose(enterprise, demand, result, "第一次：想请贵团队评估。")
    pairings.withdraw_pairing(enterprise, first.id)
    db.session.commit()
    again = propose(researcher, demand, result, "我们愿意先做一次现场评估。")
    assert again.id == first.id  # one pairing per pair, its thread kept
    assert (again.status, again.proposed_by, again.message) == (
        PairingStatus.PROPOSED, Side.RESULT, "我们愿意先做一次现场评估。")
    assert again.responded_at is None and again.overdue_notified_at is None
    with pytest.raises(PermissionDenied):  # the new proposer cannot answer their own proposal
        pairings.accept_pairing(researcher, again.id)
    db.session.rollback()
    pairings.accept_pairing(enterprise, again.id)
    db.session.commit()
    assert db.session.get(Pairing, first.id).status is PairingStatus.CONNECTED


def test_a_declined_pairing_cannot_be_proposed_again(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    pairings.decline_pairing(researcher, pairing.id, "too_early")
    db.session.commit()
    with pytest.raises(Conflict):
        propose(enterprise, demand, result, "再试一次")
    db.session.rollback()
    assert db.session.get(Pairing, pairing.id).status is PairingStatus.DECLINED


def test_stale_copy_loses_the_compare_and_set(parties):
    enterprise, _researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    db.session.execute(sa.update(Pairing).where(Pairing.id == pairing.id)
                       .values(status=PairingStatus.WITHDRAWN).execution_options(synchronize_session=False))
    with pytest.raises(Conflict):  # the in-memory copy still says proposed
        pairings.move(pairing, PairingStatus.CONNECTED)


# --- overdue and expiry ------------------------------------------------------------------------

def test_flag_overdue_once_to_both_sides_and_admins(parties):
    enterprise, researcher, demand, result = parties
    admin = make_user(Role.ADMIN)
    pairing = propose(enterprise, demand, result)
    assert flag_overdue(pairing.respond_by - timedelta(minutes=1)) == []
    later = pairing.respond_by + timedelta(hours=1)
    assert flag_overdue(later) == [pairing]
    db.session.commit()
    assert pairing.overdue_notified_at == later and pairing.status is PairingStatus.PROPOSED
    for user in (enterprise, researcher, admin):
        assert len(notes(user, NotificationKind.PAIRING_OVERDUE)) == 1
    assert flag_overdue(later + timedelta(days=1)) == []
    assert len(notes(admin, NotificationKind.PAIRING_OVERDUE)) == 1


def test_overdue_proposal_can_still_be_answered_until_it_expires(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    pairings.accept_pairing(researcher, pairing.id, now=pairing.respond_by + timedelta(days=3))
    assert pairing.status is PairingStatus.CONNECTED


def test_expiry_comes_after_the_grace_period(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    grace_end = pairing.respond_by + timedelta(days=pairings.EXPIRY_GRACE_DAYS)
    assert expire_overdue(grace_end - timedelta(minutes=1)) == []
    with pytest.raises(Conflict):
        pairings.accept_pairing(researcher, pairing.id, now=grace_end + timedelta(minutes=1))
    assert expire_overdue(grace_end + timedelta(minutes=1)) == [pairing]
    db.session.commit()
    assert pairing.status is PairingStatus.EXPIRED
    assert len(events(EventKind.PAIRING_EXPIRED)) == 1
    for user in (enterprise, researcher):
        assert len(notes(user, NotificationKind.PAIRING_EXPIRED)) == 1
    assert expire_overdue(grace_end + timedelta(days=30)) == []


def test_sweep_expires_before_it_flags_and_runs_when_a_list_opens(parties):
    enterprise, researcher, demand, result = parties
    old = propose(enterprise, demand, result)
    fresh = propose(enterprise, demand, make_result(researcher, status="published", title="第二项成果"))
    now = old.respond_by + timedelta(days=pairings.EXPIRY_GRACE_DAYS + 1)
    db.session.execute(sa.update(Pairing).where(Pairing.id == fresh.id).values(respond_by=now - timedelta(days=1)))
    db.session.commit()
    report = sweep(now)
    assert (report.expired, report.flagged) == (1, 1)
    assert notes(researcher, NotificationKind.PAIRING_OVERDUE)[0].link == f"/pairings/{fresh.id}"
    db.session.rollback()
    page = pairing_views.list_pairings(researcher, "all", "", 1, 20, now=now)
    assert {p.status for p in page.items} == {PairingStatus.EXPIRED, PairingStatus.PROPOSED}


# --- lists and visibility ----------------------------------------------------------------------

def test_list_filters_direction_and_status(parties):
    enterprise, researcher, demand, result = parties
    out = propose(enterprise, demand, result)
    second = make_result(researcher, status="published", title="第二项成果")
    incoming = propose(researcher, demand, second)
    pairings.accept_pairing(enterprise, incoming.id)
    db.session.commit()
    ids = lambda **kw: [p.id for p in pairing_views.list_pairings(enterprise, page=1, per_page=20, **kw).items]
    assert ids(direction="all", status="") == [incoming.id, out.id]
    assert ids(direction="outgoing", status="") == [out.id]
    assert ids(direction="incoming", status="") == [incoming.id]
    assert ids(direction="all", status="connected") == [incoming.id]
    assert [p.id for p in pairing_views.list_pairings(make_user(Role.ENTERPRISE), "all", "", 1, 20).items] == []
    assert len(pairing_views.list_pairings(make_user(Role.ADMIN), "all", "", 1, 20).items) == 2
    with pytest.raises(ValidationFailed):
        pairing_views.list_pairings(enterprise, "sideways", "", 1, 20)
    with pytest.raises(ValidationFailed):
        pairing_views.list_pairings(enterprise, "all", "lost", 1, 20)


def test_detail_says_what_each_viewer_may_do(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    mine = pairing_views.pairing_detail(enterprise, pairing.id)
    theirs = pairing_views.pairing_detail(researcher, pairing.id)
    assert (mine.can_withdraw, mine.can_respond, mine.can_post) == (True, False, True)
    assert (theirs.can_withdraw, theirs.can_respond, theirs.can_post) == (False, True, True)
    admin = pairing_views.pairing_detail(make_user(Role.ADMIN), pairing.id)
    assert (admin.can_withdraw, admin.can_respond, admin.can_post) == (False, False, False)


def test_proposal_context_picks_the_actors_side(parties):
    enterprise, researcher, demand, result = parties
    context = pairing_views.proposal_context(researcher, demand.id, None)
    assert context.side is Side.RESULT and context.target is demand and context.own == [result]
    context = pairing_views.proposal_context(enterprise, demand.id, result.id)
    assert context.side is Side.DEMAND and context.target is result and context.selected == demand.id
    with pytest.raises(Conflict):
        pairing_views.proposal_context(enterprise, demand.id, None)
    with pytest.raises(NotFound):
        pairing_views.proposal_context(enterprise, None, None)


def test_proposal_context_shows_an_existing_pairing_only_to_its_parties(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(researcher, demand, result)
    assert pairing_views.proposal_context(enterprise, demand.id, result.id).existing == pairing
    outsider = make_user(Role.RESEARCHER)
    make_result(outsider, status="published", title="另一项成果")
    # the form of an outsider who opens /pairings/new?demand_id=..&result_id=.. with someone else's pair
    assert pairing_views.proposal_context(outsider, demand.id, result.id).existing is None


# --- messages ----------------------------------------------------------------------------------

def test_thread_between_the_two_parties_newest_last(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    pairing_messages.post_message(enterprise, pairing.id, "第一条")
    pairing_messages.post_message(researcher, pairing.id, "第二条")
    pairing_messages.post_message(enterprise, pairing.id, "第三条")
    db.session.commit()
    page = pairing_messages.list_messages(researcher, pairing.id, 1, 2)
    assert [m.body for m in page.items] == ["第一条", "第二条"] and page.total == 3
    assert [m.body for m in pairing_messages.list_messages(enterprise, pairing.id, 2, 2).items] == ["第三条"]
    assert pairing_messages.last_page(enterprise, pairing.id, 2) == 2
    assert len(notes(researcher, NotificationKind.MESSAGE)) == 2
    assert len(notes(enterprise, NotificationKind.MESSAGE)) == 1


def test_another_users_thread_is_not_found(parties):
    enterprise, _, demand, result = parties
    pairing = propose(enterprise, demand, result)
    outsider, admin = make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    with pytest.raises(NotFound):
        pairing_messages.post_message(outsider, pairing.id, "你好")
    with pytest.raises(NotFound):
        pairing_messages.list_messages(outsider, pairing.id, 1, 20)
    with pytest.raises(NotFound):
        pairing_messages.post_message(admin, pairing.id, "运营插话")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PairingMessage)) == 0


def test_message_body_rules_and_closed_threads(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    for body in ("", "   ", "长" * 2001):
        with pytest.raises(ValidationFailed) as error:
            pairing_messages.post_message(enterprise, pairing.id, body)
        assert "body" in error.value.fields
    pairings.withdraw_pairing(enterprise, pairing.id)
    with pytest.raises(Conflict):
        pairing_messages.post_message(researcher, pairing.id, "还在吗？")


# --- tiered disclosure -------------------------------------------------------------------------

@pytest.fixture
def secret(parties):
    """The parties around a confidential demand."""
    enterprise, researcher, _, result = parties
    demand = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要：储能安全",
                         title="保密需求")
    return enterprise, researcher, demand, result


def test_confidential_details_need_connection_and_undertaking_and_each_read_is_logged(secret):
    enterprise, researcher, demand, result = secret
    colleague = make_user(Role.RESEARCHER, organization=researcher.organization)
    assert disclosure(demand, enterprise).details and not disclosure(demand, researcher).details
    pairing = propose(researcher, demand, result)
    confidentiality.accept_undertaking(researcher, demand.id)  # before connection: still closed
    db.session.commit()
    assert not disclosure(demand, researcher).details
    _, shown = confidentiality.read_demand(researcher, demand.id, "web")
    assert not shown.details
    pairings.accept_pairing(enterprise, pairing.id)
    db.session.commit()
    for viewer, channel in ((researcher, "web"), (colleague, "api"), (researcher, "api")):
        _, shown = confidentiality.read_demand(viewer, demand.id, channel)
        assert shown.details
    confidentiality.read_demand(enterprise, demand.id, "web")  # the owner's own reads are not logged
    db.session.commit()
    _, page = confidentiality.access_log(enterprise, demand.id, 1, 20)
    assert page.total == 3
    assert [(e.user_id, e.channel) for e in page.items] == [(researcher.id, "api"), (colleague.id, "api"),
                                                           (researcher.id, "web")]
    assert page.items[0].organization_name == researcher.organization.name


def test_connected_without_undertaking_still_sees_only_the_summary(secret):
    enterprise, researcher, demand, result = secret
    pairing = propose(researcher, demand, result)
    pairings.accept_pairing(enterprise, pairing.id)
    db.session.commit()
    _, shown = confidentiality.read_demand(researcher, demand.id, "web")
    assert not shown.details
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisclosureLog)) == 0
    assert pairing_views.pairing_detail(researcher, pairing.id).needs_undertaking


def test_undertaking_rules(secret, parties):
    enterprise, researcher, demand, result = secret
    public_demand = parties[2]
    with pytest.raises(PermissionDenied):  # no pairing on it
        confidentiality.accept_undertaking(researcher, demand.id)
    propose(researcher, demand, result)
    first, created = confidentiality.accept_undertaking(researcher, demand.id)
    again, created_again = confidentiality.accept_undertaking(researcher, demand.id)
    assert created and not created_again and first.id == again.id
    with pytest.raises(Conflict):
        confidentiality.accept_undertaking(enterprise, demand.id)
    with pytest.raises(Conflict):
        confidentiality.accept_undertaking(researcher, public_demand.id)


def test_access_log_is_for_the_owner_only(secret):
    enterprise, researcher, demand, _ = secret
    with pytest.raises(PermissionDenied):
        confidentiality.access_log(researcher, demand.id, 1, 20)
    with pytest.raises(PermissionDenied):
        confidentiality.access_log(make_user(Role.ENTERPRISE), demand.id, 1, 20)
    assert confidentiality.access_log(make_user(Role.ENTERPRISE, organization=enterprise.organization),
                                      demand.id, 1, 20)[1].total == 0


def test_flask_pairings_sweep_commits_once(parties):
    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    pairing.respond_by = utcnow() - timedelta(days=pairings.EXPIRY_GRACE_DAYS + 1)
    second = propose(enterprise, demand, make_result(researcher, status="published", title="第二项成果"))
    second.respond_by = utcnow() - timedelta(hours=1)
    db.session.commit()
    output = current_app.test_cli_runner().invoke(args=["pairings", "sweep"])
    assert output.exit_code == 0, output.output
    assert "1 expired, 1 flagged" in output.output
    db.session.rollback()
    assert db.session.get(Pairing, pairing.id).status is PairingStatus.EXPIRED
    assert db.session.get(Pairing, second.id).overdue_notified_at is not None
    assert "0 expired, 0 flagged" in current_app.test_cli_runner().invoke(args=["pairings", "sweep"]).output



def test_accepting_after_the_listing_was_withdrawn_is_a_conflict(parties):
    """A connection to a result that is no longer offered would be counted but could go nowhere."""
    from marketplace.services import results
    from models import ResultStatus

    enterprise, researcher, demand, result = parties
    pairing = propose(enterprise, demand, result)
    results.change_result_status(researcher, result.id, ResultStatus.WITHDRAWN)
    db.session.commit()
    with pytest.raises(Conflict):
        pairings.accept_pairing(researcher, pairing.id)
    db.session.rollback()
    assert db.session.get(Pairing, pairing.id).status is PairingStatus.PROPOSED
