"""API: the side-by-side comparison (the two parties only) and the selection — each party accepts
the same bid once; the second acceptance creates the engagement, rejects the other bids and
closes the request."""
from __future__ import annotations

import pytest

from models import Bid, BidStatus, Engagement, RequestStatus, Role, ValidationRequest, db
from tests.api.poc_api import Api, count, error, ok, outsider
from tests.factories import make_user
from tests.poc_factories import make_bid, make_center, make_world

CHEAPER = {"total_cost": 80, "duration_months": 5, "milestones": [
    {"title": "样机验证", "deliverable": "样机与测试报告", "due_week": 10, "payment": 50},
    {"title": "市场调研", "deliverable": "市场可行性报告", "due_week": 20, "payment": 30}]}


@pytest.fixture
def api(ctx):
    return Api(ctx)


def test_the_parties_compare_bids_term_by_term(api):
    world = make_world()
    first, second = make_center(), make_center()
    one, two = make_bid(first, world), make_bid(second, world, **CHEAPER)
    third = make_center()
    ok(api.post(f"/bids/{make_bid(third, world).id}/withdraw", third))
    body = ok(api.get(f"/validation-requests/{world.request.id}/comparison", world.enterprise))
    assert body["request_id"] == world.request.id
    assert [b["id"] for b in body["bids"]] == [one.id, two.id]  # withdrawn bids leave the table
    rows = {row["key"]: row for row in body["rows"]}
    assert rows["total_cost"]["values"] == ["90.00 万元", "80.00 万元"]
    assert rows["total_cost"]["differs"] is True and rows["total_cost"]["best"] == 1
    assert rows["total_cost"]["best_bid_id"] == two.id
    assert rows["duration_months"]["best_bid_id"] == two.id
    assert rows["foreground_split"]["differs"] is False and rows["foreground_split"]["best"] is None
    assert rows["confidentiality"]["differs"] is False
    assert ok(api.get(f"/validation-requests/{world.request.id}/comparison", world.researcher))["rows"] == body["rows"]


def test_nobody_but_the_parties_compares(api):
    world = make_world()
    bidder = make_center()
    make_bid(bidder, world)
    path = f"/validation-requests/{world.request.id}/comparison"
    for user in (bidder, make_center(), outsider(), outsider(Role.RESEARCHER)):
        error(api.get(path, user), 404, "not_found")
    error(api.get(path, None), 401, "unauthorized")


def test_both_parties_accept_the_same_bid_and_an_engagement_starts(api):
    world = make_world()
    winner, loser = make_center(), make_center()
    chosen, other = make_bid(winner, world), make_bid(loser, world, **CHEAPER)
    first = ok(api.post(f"/bids/{chosen.id}/accept", world.enterprise))
    assert (first["status"], first["party"]) == ("awaiting_other_party", "enterprise")
    assert first["bid"]["accepted_by"] == {"enterprise": True, "institution": False} and "engagement_id" not in first
    assert ok(api.get(f"/bids/{chosen.id}", winner))["accepted_by"]["enterprise"] is True
    second = ok(api.post(f"/bids/{chosen.id}/accept", world.researcher), 201)
    assert (second["status"], second["party"]) == ("engaged", "institution")
    assert second["bid"]["status"] == "accepted" and second["bid"]["accepted_by"] == {"enterprise": True,
                                                                                      "institution": True}
    engagement = db.session.get(Engagement, second["engagement_id"])
    assert (engagement.bid_id, engagement.center_id) == (chosen.id, winner.organization_id)
    assert db.session.get(Bid, other.id).status is BidStatus.REJECTED
    assert db.session.get(ValidationRequest, world.request.id).status is RequestStatus.ENGAGED
    assert ok(api.get(f"/engagements/{engagement.id}", winner))["status"] == "awaiting_signatures"
    assert ok(api.get(f"/bids/{other.id}", loser))["status"] == "rejected"


def test_acceptance_bad_cases(api):
    world = make_world()
    center = make_center()
    made = make_bid(center, world)
    path = f"/bids/{made.id}/accept"
    error(api.post(path, center), 403, "forbidden")
    error(api.post(path, make_user(Role.ADMIN)), 403, "forbidden")
    error(api.post(path, outsider()), 404, "not_found")
    error(api.post(path, None), 401, "unauthorized")
    ok(api.post(path, world.enterprise))
    assert "等待另一方" in error(api.post(path, world.enterprise), 409, "conflict")["message"]
    colleague = make_user(Role.ENTERPRISE, organization=world.enterprise.organization)
    error(api.post(path, colleague), 409, "conflict")  # the party has accepted it already
    assert count(Engagement) == 0


def test_accepting_a_bid_of_another_pairing_is_not_found(api):
    mine, theirs = make_world(), make_world()
    center = make_center()
    make_bid(center, mine)
    foreign = make_bid(center, theirs)
    error(api.post(f"/bids/{foreign.id}/accept", mine.enterprise), 404, "not_found")
    error(api.post(f"/bids/{foreign.id}/accept", mine.researcher), 404, "not_found")
    assert db.session.get(ValidationRequest, theirs.request.id).enterprise_choice_id is None


def test_a_withdrawn_bid_or_a_decided_request_cannot_be_accepted(api):
    world = make_world()
    first, second = make_center(), make_center()
    chosen, late = make_bid(first, world), make_bid(second, world)
    ok(api.post(f"/bids/{late.id}/withdraw", second))
    error(api.post(f"/bids/{late.id}/accept", world.enterprise), 409, "conflict")
    ok(api.post(f"/bids/{chosen.id}/accept", world.enterprise))
    ok(api.post(f"/bids/{chosen.id}/accept", world.researcher), 201)
    assert "已选定" in error(api.post(f"/bids/{chosen.id}/accept", world.researcher), 409, "conflict")["message"]
    assert count(Engagement) == 1


def test_a_revision_clears_the_acceptance_it_changed(api):
    world, center = make_world(), make_center()
    made = make_bid(center, world)
    ok(api.post(f"/bids/{made.id}/accept", world.enterprise))
    revised = ok(api.patch(f"/bids/{made.id}", center, {"revision": 1, "approach": "新方案"}))
    assert revised["accepted_by"] == {"enterprise": False, "institution": False}
    assert ok(api.post(f"/bids/{made.id}/accept", world.researcher))["status"] == "awaiting_other_party"


def test_an_idempotency_key_replays_the_acceptance(api):
    world, center = make_world(), make_center()
    made = make_bid(center, world)
    ok(api.post(f"/bids/{made.id}/accept", world.enterprise))
    key = {"Idempotency-Key": "accept-1"}
    first = api.post(f"/bids/{made.id}/accept", world.researcher, headers=key)
    again = api.post(f"/bids/{made.id}/accept", world.researcher, headers=key)
    assert (first.status_code, again.status_code) == (201, 201) and again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["engagement_id"] == again.get_json()["engagement_id"]
    assert count(Engagement) == 1
