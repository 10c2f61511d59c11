"""Selection: both parties must accept the same bid; the second acceptance engages it in one
transaction (other bids rejected, request closed, agreement frozen); outsiders and wrong states
are refused; comparison is for the parties only."""
import pytest
import sqlalchemy as sa

from marketplace.services.errors import Conflict, NotFound, PermissionDenied
from marketplace.services.poc import bids, comparison, selection
from models import (
    Agreement, BidStatus, Engagement, Notification, NotificationKind, RequestStatus, Role, db,
)
from tests.factories import make_user
from tests.poc_factories import make_bid, make_center, make_world


def engagements() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Engagement))


def test_the_first_acceptance_waits_and_the_second_engages(ctx):
    world = make_world()
    center, rival = make_center(), make_center()
    bid, other = make_bid(center, world), make_bid(rival, world)
    first = selection.accept_bid(world.researcher, bid.id)
    assert (first.status, first.engagement) == ("awaiting_other_party", None)
    db.session.commit()
    second = selection.accept_bid(world.enterprise, bid.id)
    db.session.commit()
    engagement = second.engagement
    assert second.status == "engaged" and engagement.bid_id == bid.id
    assert (engagement.enterprise_id, engagement.institution_id, engagement.center_id) == (
        world.enterprise.organization_id, world.researcher.organization_id, center.organization_id)
    assert [m.title for m in engagement.milestones] == [m.title for m in bid.milestones]
    assert bid.status is BidStatus.ACCEPTED and other.status is BidStatus.REJECTED
    assert world.request.status is RequestStatus.ENGAGED and world.request.closed_at is not None
    assert db.session.scalar(sa.select(Agreement.engagement_id)) == engagement.id
    told = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == rival.id, Notification.kind == NotificationKind.BID_REJECTED))
    assert told == 1


def test_different_choices_engage_nothing_until_they_agree(ctx):
    world = make_world()
    bid_a, bid_b = make_bid(make_center(), world), make_bid(make_center(), world)
    selection.accept_bid(world.enterprise, bid_a.id)
    assert selection.accept_bid(world.researcher, bid_b.id).engagement is None
    assert selection.accept_bid(world.enterprise, bid_b.id).engagement is not None


def test_accepting_twice_and_after_the_engagement_are_conflicts(ctx):
    world = make_world()
    bid, other = make_bid(make_center(), world), make_bid(make_center(), world)
    selection.accept_bid(world.enterprise, bid.id)
    with pytest.raises(Conflict):
        selection.accept_bid(world.enterprise, bid.id)
    selection.accept_bid(world.researcher, bid.id)
    db.session.commit()
    with pytest.raises(Conflict):
        selection.accept_bid(world.researcher, other.id)
    assert engagements() == 1


@pytest.mark.parametrize("who", ["center", "other_center", "outsider_enterprise", "admin", "party_of_other"])
def test_only_the_two_parties_accept(ctx, who):
    world = make_world()
    center = make_center()
    bid = make_bid(center, world)
    actor = {"center": center, "other_center": make_center(), "outsider_enterprise": make_user(Role.ENTERPRISE),
             "admin": make_user(Role.ADMIN), "party_of_other": make_world().enterprise}[who]
    with pytest.raises((PermissionDenied, NotFound)):
        selection.accept_bid(actor, bid.id)
    db.session.rollback()
    assert world.request.enterprise_choice_id is None and world.request.institution_choice_id is None


def test_a_withdrawn_bid_cannot_be_accepted(ctx):
    world, center = make_world(), make_center()
    bid = make_bid(center, world)
    selection.accept_bid(world.enterprise, bid.id)
    bids.withdraw_bid(center, bid.id)
    db.session.commit()
    assert world.request.enterprise_choice_id is None  # the withdrawal took the acceptance with it
    with pytest.raises(Conflict):
        selection.accept_bid(world.researcher, bid.id)


def test_a_second_engagement_of_the_pairing_is_refused_by_the_database(ctx, monkeypatch):
    world = make_world()
    bid = make_bid(make_center(), world)
    selection.accept_bid(world.enterprise, bid.id)
    db.session.execute(sa.insert(Engagement).values(
        pairing_id=world.pairing.id, request_id=world.request.id, bid_id=bid.id, center_id=bid.center_id,
        enterprise_id=world.enterprise.organization_id, institution_id=world.researcher.organization_id,
        status="awaiting_signatures", created_at=world.request.created_at))  # as if a racing request won
    with pytest.raises(Conflict):
        selection.accept_bid(world.researcher, bid.id)
    db.session.rollback()


def test_comparison_is_for_the_parties_only(ctx):
    world = make_world()
    center = make_center()
    make_bid(center, world)
    assert comparison.compare_bids(world.researcher, world.request.id).rows
    for outsider in (center, make_user(Role.ADMIN), make_user(Role.ENTERPRISE)):
        with pytest.raises(NotFound):
            comparison.compare_bids(outsider, world.request.id)
