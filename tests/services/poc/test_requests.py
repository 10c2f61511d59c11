"""Validation requests: who opens them, on what, with what; cancelling; who hears of them."""
from marketplace.localtime import local_today
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from marketplace.services import pairings
from marketplace.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.services.poc import parties, requests
from models import (
    BidStatus, Event, EventKind, Notification, NotificationKind, RequestStatus, Role, ValidationRequest, db,
)
from tests.factories import make_demand, make_result, make_user
from tests.poc_factories import make_bid, make_center, make_world, request_data


def open_(actor, pairing_id, **overrides):
    found = requests.open_request(actor, pairing_id, request_data(**overrides), current_app.extensions["match_index"])
    db.session.commit()
    return found


def notes_of(user, kind=NotificationKind.VALIDATION_REQUEST) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind))


@pytest.mark.parametrize("side", ["enterprise", "researcher"])
def test_either_party_opens_a_request_and_it_is_recorded(ctx, side):
    world = make_world(with_request=False)
    request = open_(getattr(world, side), world.pairing.id)
    assert request.status is RequestStatus.OPEN and request.max_duration_months == 12
    assert db.session.scalar(sa.select(Event.request_id).where(Event.kind == EventKind.VALIDATION_REQUESTED)) == request.id
    other = world.researcher if side == "enterprise" else world.enterprise
    assert notes_of(other) == 1 and notes_of(getattr(world, side)) == 0


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER, Role.ADMIN])
def test_outsiders_cannot_open_a_request(ctx, role):
    world = make_world(with_request=False)
    with pytest.raises((PermissionDenied, NotFound)):
        open_(make_user(role), world.pairing.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ValidationRequest)) == 0


def test_only_a_connected_pairing_with_live_listings_is_opened(ctx):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand, result = make_demand(enterprise, status="published"), make_result(researcher, status="published")
    proposed = pairings.propose_pairing(researcher, demand.id, result.id, "合作", current_app.extensions["match_index"], 14)
    db.session.commit()
    with pytest.raises(Conflict):
        open_(enterprise, proposed.id)
    pairings.accept_pairing(enterprise, proposed.id)
    db.session.commit()
    from marketplace.services import demands
    demands.change_demand_status(enterprise, demand.id, demands.DemandStatus.CLOSED)
    db.session.commit()
    with pytest.raises(Conflict):
        open_(enterprise, proposed.id)


def test_one_open_request_per_pairing_and_a_new_one_after_cancelling(ctx):
    world = make_world()
    with pytest.raises(Conflict):
        open_(world.researcher, world.pairing.id)
    requests.cancel_request(world.researcher, world.request.id)
    db.session.commit()
    assert open_(world.researcher, world.pairing.id).status is RequestStatus.OPEN


def test_a_concurrent_second_request_is_a_conflict_not_an_error(ctx, monkeypatch):
    world = make_world()
    monkeypatch.setattr(requests, "current_request", lambda pairing_id: None)  # both passed the check
    with pytest.raises(Conflict):
        open_(world.researcher, world.pairing.id)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ValidationRequest)) == 1


@pytest.mark.parametrize("change, field", [
    ({"needs": "everything"}, "needs"), ({"needs": ""}, "needs"), ({"budget_cap": 0}, "budget_cap"),
    ({"budget_cap": "many"}, "budget_cap"), ({"deadline": local_today().isoformat()}, "deadline"),
    ({"deadline": (local_today() + timedelta(days=181)).isoformat()}, "deadline"), ({"deadline": "soon"}, "deadline"),
    ({"max_duration_months": 0}, "max_duration_months"), ({"max_duration_months": 37}, "max_duration_months"),
    ({"max_duration_months": "６"}, "max_duration_months"), ({"notes": "长" * 2001}, "notes"),
])
def test_request_rules_name_the_field(ctx, change, field):
    world = make_world(with_request=False)
    with pytest.raises(ValidationFailed) as error:
        open_(world.enterprise, world.pairing.id, **change)
    assert field in error.value.fields


def test_cancelling_rejects_the_bids_and_tells_their_centers(ctx):
    world = make_world()
    center = make_center()
    bid = make_bid(center, world)
    with pytest.raises(PermissionDenied):
        requests.cancel_request(center, world.request.id)
    requests.cancel_request(world.enterprise, world.request.id)
    db.session.commit()
    assert bid.status is BidStatus.REJECTED and notes_of(center, NotificationKind.BID_REJECTED) == 1
    with pytest.raises(Conflict):
        requests.cancel_request(world.enterprise, world.request.id)


def test_fitting_verified_centers_with_capacity_hear_of_a_new_request(ctx):
    fitting, unverified = make_center(), make_center(verified=False)
    elsewhere = make_center(fields=["ai"], services=["fundraising"], summary="人工智能算法", equipment="", region="")
    picky = make_center(region="", alert_min_fit=0.95)  # fits 90%: below its own threshold
    world = make_world()
    assert notes_of(fitting) == 1
    assert notes_of(unverified) == notes_of(elsewhere) == notes_of(picky) == 0
    assert world.request is not None


def test_centers_see_open_requests_and_their_own_closed_ones_only(ctx):
    world = make_world()
    bidder, bystander = make_center(), make_center()
    make_bid(bidder, world)
    assert parties.get_request(bystander, world.request.id) is world.request
    requests.cancel_request(world.enterprise, world.request.id)
    db.session.commit()
    assert parties.get_request(bidder, world.request.id) is world.request
    with pytest.raises(NotFound):
        parties.get_request(bystander, world.request.id)
    with pytest.raises(NotFound):
        parties.get_request(make_user(Role.ENTERPRISE), world.request.id)
    with pytest.raises(NotFound):
        parties.get_request(None, world.request.id)
