"""Bids: who may bid, the term sheet's rules (each error naming its field), one live bid per
center, revisions with history and stale-page refusal, withdrawal, who sees which bids."""
from marketplace.localtime import local_today
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.services.poc import bids, selection
from models import Bid, BidRevision, BidStatus, OrgKind, Role, db
from tests.factories import make_org, make_user
from tests.poc_factories import bid_data, engage, make_bid, make_center, make_world


def bid_count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Bid))


def refused(world, center, error=ValidationFailed, **overrides):
    before = bid_count()
    with pytest.raises(error) as caught:
        bids.submit_bid(center, world.request.id, bid_data(**overrides))
    assert bid_count() == before  # nothing written
    return caught.value


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.ADMIN])
def test_only_centers_bid(ctx, role):
    world = make_world()
    refused(world, make_user(role), PermissionDenied)


def test_an_unverified_center_or_one_without_profile_cannot_bid(ctx):
    world = make_world()
    assert "认证" in refused(world, make_center(verified=False), PermissionDenied).message
    no_profile = make_user(Role.CENTER, organization=make_org(OrgKind.CENTER, verified=True))
    assert "能力档案" in refused(world, no_profile, PermissionDenied).message


def test_a_full_center_cannot_bid(ctx):
    center = make_center(capacity=1)
    engage(make_world(), center)
    assert "满负荷" in refused(make_world(), center, Conflict).message


@pytest.mark.parametrize("overrides, field", [
    ({"ip_terms": {"foreground_split": {"enterprise": 60, "institution": 30, "center": 20}}}, "ip_terms.foreground_split"),
    ({"ip_terms": {"foreground_split": {"enterprise": 50.5, "institution": 39.5, "center": 10}}},
     "ip_terms.foreground_split.enterprise"),
    ({"ip_terms": {"foreground_split": {"enterprise": 110, "institution": -10, "center": 0}}},
     "ip_terms.foreground_split.enterprise"),
    ({"duration_months": 13}, "duration_months"),
    ({"total_cost": 95}, "total_cost"),
    ({"total_cost": 0, "milestones": [{"title": "a", "deliverable": "b", "due_week": 1, "payment": 0}]}, "total_cost"),
    ({"total_cost": 130, "milestones": [{"title": "a", "deliverable": "b", "due_week": 4, "payment": 130}]}, "total_cost"),
    ({"center_cofund": 100}, "center_cofund"),
    ({"milestones": []}, "milestones"),
    ({"milestones": [{"title": "", "deliverable": "b", "due_week": 1, "payment": 90}]}, "milestones.0.title"),
    ({"milestones": [{"title": "a", "deliverable": "b", "due_week": 27, "payment": 90}]}, "milestones.0.due_week"),
    ({"milestones": [{"title": "a", "deliverable": "b", "due_week": 8, "payment": 45},
                     {"title": "c", "deliverable": "d", "due_week": 4, "payment": 45}]}, "milestones.1.due_week"),
    ({"milestones": [{"title": "a", "deliverable": "b", "due_week": 4, "payment": "九十"}]}, "milestones.0.payment"),
    ({"funding_model": "crowdfunding"}, "funding_model"),
    ({"funding_model": "invest_for_equity"}, "equity_option_pct"),
    ({"equity_option_pct": 10}, "equity_option_pct"),
    ({"ip_terms": {"license": "exclusive", "license_field": ""}}, "ip_terms.license_field"),
    ({"ip_terms": {"revenue_share_pct": 101}}, "ip_terms.revenue_share_pct"),
    ({"ip_terms": {"publication_review_days": 400}}, "ip_terms.publication_review_days"),
    ({"ip_terms": {"confidentiality": ""}}, "ip_terms.confidentiality"),
    ({"approach": ""}, "approach"),
    ({"ip_terms": None}, "ip_terms"),
])
def test_each_inconsistency_is_an_error_naming_its_field(ctx, overrides, field):
    world = make_world()
    error = refused(world, make_center(), **overrides)
    assert field in error.fields, error.fields


def test_the_center_may_co_fund_what_exceeds_the_cap_and_offer_invest_for_equity(ctx):
    world = make_world()
    bid = make_bid(make_center(), world, total_cost=130, center_cofund=30, funding_model="invest_for_equity",
                   equity_option_pct=8, milestones=[{"title": "a", "deliverable": "b", "due_week": 4, "payment": 130}],
                   ip_terms={"license": "none", "license_field": "忽略", "territory": "忽略"})
    assert (bid.total_cost, bid.center_cofund, bid.equity_option_pct) == (130, 30, 8)
    assert bid.license_field == bid.territory == ""


def test_a_bid_after_the_deadline_is_refused(ctx, monkeypatch):
    world = make_world()
    later = world.request.bid_deadline + timedelta(days=1)
    with pytest.raises(Conflict):
        bids.submit_bid(make_center(), world.request.id, bid_data(), today=later)
    assert bids.submit_bid(make_center(), world.request.id, bid_data(), today=world.request.bid_deadline)


def test_one_live_bid_per_center_and_request(ctx, monkeypatch):
    world, center = make_world(), make_center()
    first = make_bid(center, world)
    with pytest.raises(Conflict):
        bids.submit_bid(center, world.request.id, bid_data())
    db.session.rollback()
    bids.withdraw_bid(center, first.id)
    db.session.commit()
    assert make_bid(center, world).status is BidStatus.SUBMITTED


def test_the_unique_index_catches_a_concurrent_second_bid(ctx, monkeypatch):
    world, center = make_world(), make_center()
    make_bid(center, world)
    real = db.session.scalar  # the pre-check misses the first bid, as when both requests passed it at once
    monkeypatch.setattr(db.session, "scalar", lambda stmt, *a, **k: None if "FROM bids" in str(stmt)
                        and "center_id" in str(stmt) and "revision" not in str(stmt) else real(stmt, *a, **k))
    with pytest.raises(Conflict):
        bids.submit_bid(center, world.request.id, bid_data())
    monkeypatch.undo()
    assert bid_count() == 1


def test_revisions_keep_the_history_and_refuse_a_stale_page(ctx):
    world, center = make_world(), make_center()
    bid = make_bid(center, world)
    bids.revise_bid(center, bid.id, bid_data(duration_months=7), expected_revision=1)
    db.session.commit()
    assert bid.revision == 2 and bid.duration_months == 7
    with pytest.raises(Conflict) as stale:
        bids.revise_bid(center, bid.id, bid_data(duration_months=8), expected_revision=1)
    assert "revision" in stale.value.fields
    db.session.rollback()
    history = bids.bid_history(world.enterprise, bid.id)
    assert [(r.revision, r.terms["duration_months"]) for r in history] == [(1, 6), (2, 7)]
    with pytest.raises(ValidationFailed):
        bids.revise_bid(center, bid.id, bid_data(), expected_revision="latest")


def test_a_revision_resets_the_parties_acceptance(ctx):
    world, center = make_world(), make_center()
    bid = make_bid(center, world)
    selection.accept_bid(world.enterprise, bid.id)
    db.session.commit()
    bids.revise_bid(center, bid.id, bid_data(total_cost=80, milestones=[
        {"title": "a", "deliverable": "b", "due_week": 4, "payment": 80}]), expected_revision=1)
    db.session.commit()
    assert world.request.enterprise_choice_id is None
    assert selection.accept_bid(world.researcher, bid.id).engagement is None  # the enterprise must accept again


def test_only_the_bidding_center_revises_or_withdraws_and_only_until_the_deadline(ctx):
    world, center = make_world(), make_center()
    bid = make_bid(center, world)
    for other in (make_center(), world.enterprise):
        with pytest.raises((PermissionDenied, NotFound)):
            bids.withdraw_bid(other, bid.id)
    with pytest.raises(Conflict):
        bids.withdraw_bid(center, bid.id, today=world.request.bid_deadline + timedelta(days=1))
    assert bids.withdraw_bid(center, bid.id).status is BidStatus.WITHDRAWN
    with pytest.raises(Conflict):
        bids.withdraw_bid(center, bid.id)


def test_parties_see_every_bid_a_center_only_its_own(ctx):
    world = make_world()
    a, b = make_center(), make_center()
    bid_a, bid_b = make_bid(a, world), make_bid(b, world)
    assert [x.id for x in bids.bids_on(world.enterprise, world.request)] == [bid_a.id, bid_b.id]
    assert [x.id for x in bids.bids_on(a, world.request)] == [bid_a.id]
    with pytest.raises(NotFound):
        bids.bid_history(b, bid_a.id)
    with pytest.raises(NotFound):
        bids.bid_history(make_user(Role.ENTERPRISE), bid_a.id)
    assert len(db.session.scalars(sa.select(BidRevision)).all()) == 2
    assert local_today()
