"""API: bids — a verified center's term sheet on a pairing's open request, every inconsistency a
422 naming its field, who may bid and when, who sees which bids, revisions (stale → 409) and
withdrawal."""
from __future__ import annotations

from marketplace.localtime import local_today
from datetime import timedelta

import pytest

from models import Bid, BidRevision, IdempotencyKey, Role, db
from tests.api.poc_api import Api, count, error, ok, outsider
from tests.factories import make_user
from tests.poc_factories import bid_data, engage, make_bid, make_center, make_world


@pytest.fixture
def api(ctx):
    return Api(ctx)


def bid(api, world, center, **overrides):
    return api.post(f"/pairings/{world.pairing.id}/bids", center, bid_data(**overrides))


def test_a_verified_center_bids_and_gets_the_full_bid(api):
    world, center = make_world(), make_center()
    body = ok(bid(api, world, center), 201)
    sent = bid_data()
    assert body["request_id"] == world.request.id and body["pairing_id"] == world.pairing.id
    assert body["center"] == {"id": center.organization_id, "name": center.organization.name}
    assert (body["status"], body["revision"]) == ("submitted", 1)
    for key in ("approach", "milestones", "total_cost", "duration_months", "funding_model"):
        assert body[key] == sent[key], key
    assert body["ip_terms"] == sent["ip_terms"] | {"background": body["ip_terms"]["background"]}
    assert body["equity_option_pct"] is None and body["center_cofund"] == 0
    assert body["accepted_by"] == {"enterprise": False, "institution": False}
    assert body["created_at"].endswith("Z") and body["updated_at"].endswith("Z")
    assert ok(api.get(f"/bids/{body['id']}", world.enterprise)) == body


def test_an_idempotency_key_submits_one_bid(api):
    world, center = make_world(), make_center()
    key = {"Idempotency-Key": "bid-0001"}
    first = api.post(f"/pairings/{world.pairing.id}/bids", center, bid_data(), headers=key)
    again = api.post(f"/pairings/{world.pairing.id}/bids", center, bid_data(), headers=key)
    assert (first.status_code, again.status_code) == (201, 201) and again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["id"] == again.get_json()["id"]
    error(api.post(f"/pairings/{world.pairing.id}/bids", center, bid_data(approach="另一方案"), headers=key),
          422, "validation_error")
    assert count(Bid) == 1 and count(IdempotencyKey) == 1


def test_who_may_bid(api):
    world = make_world()
    for user in (world.enterprise, outsider(), outsider(Role.RESEARCHER), make_user(Role.ADMIN)):
        error(bid(api, world, user), 403, "forbidden")
    assert "认证" in error(bid(api, world, make_center(verified=False)), 403, "forbidden")["message"]
    full = make_center(capacity=1)
    engage(make_world(), full)
    assert "满负荷" in error(bid(api, world, full), 409, "conflict")["message"]
    error(api.post(f"/pairings/{world.pairing.id}/bids", None, bid_data()), 401, "unauthorized")
    assert count(Bid, Bid.request_id == world.request.id) == 0


@pytest.mark.parametrize("overrides, field", [
    ({"ip_terms": {"foreground_split": {"enterprise": 60, "institution": 30, "center": 20}}},
     "ip_terms.foreground_split"),
    ({"duration_months": 13}, "duration_months"),  # the request allows 12
    ({"total_cost": 95}, "total_cost"),  # the milestones pay 90
    ({"total_cost": 150, "milestones": [{"title": "全部", "deliverable": "报告", "due_week": 4, "payment": 150}]},
     "total_cost"),  # over the budget cap of 100 without co-funding
    ({"equity_option_pct": 5}, "equity_option_pct"),  # only 先投后股 takes equity
    ({"funding_model": "invest_for_equity"}, "equity_option_pct"),
    ({"milestones": []}, "milestones"),
    ({"milestones": [{"title": "", "deliverable": "x", "due_week": 0, "payment": 90}]}, "milestones.0.title"),
    ({"ip_terms": {"license": "exclusive", "territory": ""}}, "ip_terms.territory"),
    ({"ip_terms": {"revenue_share_pct": 101}}, "ip_terms.revenue_share_pct"),
    ({"funding_model": "barter"}, "funding_model"),
    ({"approach": ""}, "approach"),
])
def test_each_inconsistent_term_is_a_422_naming_its_field(api, overrides, field):
    world, center = make_world(), make_center()
    fields = error(bid(api, world, center, **overrides), 422, "validation_error")["fields"]
    assert field in fields, fields
    assert count(Bid) == 0


def test_over_the_cap_is_fine_when_the_center_cofunds_it(api):
    world, center = make_world(), make_center()
    body = ok(bid(api, world, center, total_cost=150, center_cofund=50, milestones=[
        {"title": "全部", "deliverable": "报告", "due_week": 4, "payment": 150}]), 201)
    assert (body["total_cost"], body["center_cofund"]) == (150, 50)


def test_a_bid_after_the_deadline_or_on_a_closed_request_is_a_conflict(api):
    world, center = make_world(), make_center()
    world.request.bid_deadline = local_today() - timedelta(days=1)
    db.session.commit()
    assert "截止" in error(bid(api, world, center), 409, "conflict")["message"]
    error(bid(api, make_world(with_request=False), center), 404, "not_found")
    world = make_world()
    ok(bid(api, world, center), 201)
    assert "已有有效方案" in error(bid(api, world, center), 409, "conflict")["message"]


def test_parties_see_every_bid_a_center_only_its_own(api):
    world = make_world()
    first, second = make_center(), make_center()
    one, two = make_bid(first, world), make_bid(second, world)
    path = f"/pairings/{world.pairing.id}/bids"
    body = ok(api.get(path, world.researcher))
    assert [b["id"] for b in body["items"]] == [one.id, two.id] and body["request_id"] == world.request.id
    assert [b["id"] for b in ok(api.get(path, second))["items"]] == [two.id]
    assert ok(api.get(path, make_center()))["items"] == []
    error(api.get(path, outsider()), 404, "not_found")
    error(api.get(f"/pairings/{make_world(with_request=False).pairing.id}/bids", first), 404, "not_found")
    error(api.get(f"/bids/{one.id}", second), 404, "not_found")
    error(api.get(f"/bids/{one.id}", outsider()), 404, "not_found")
    assert ok(api.get(f"/bids/{one.id}", make_user(Role.ADMIN)))["id"] == one.id


def test_a_center_revises_against_the_revision_it_saw(api):
    world, center = make_world(), make_center()
    made = make_bid(center, world)
    body = ok(api.patch(f"/bids/{made.id}", center, {"revision": 1, "approach": "改进后的方案", "ip_terms": {
        "foreground_split": {"enterprise": 40, "institution": 40, "center": 20}}}))
    assert (body["revision"], body["approach"]) == (2, "改进后的方案")
    assert body["ip_terms"]["foreground_split"] == {"enterprise": 40, "institution": 40, "center": 20}
    assert body["ip_terms"]["territory"] == "中国大陆" and body["total_cost"] == 90  # the rest stays
    stale = error(api.patch(f"/bids/{made.id}", center, {"revision": 1, "approach": "旧页面上的修改"}),
                  409, "conflict")
    assert "revision" in stale["fields"]
    assert "revision" in error(api.patch(f"/bids/{made.id}", center, {"approach": "x"}), 422, "validation_error")[
        "fields"]
    assert "total_cost" in error(api.patch(f"/bids/{made.id}", center, {"revision": 2, "total_cost": 1}),
                                 422, "validation_error")["fields"]
    history = ok(api.get(f"/bids/{made.id}/revisions", world.enterprise))
    assert [r["revision"] for r in history["items"]] == [1, 2] and history["total"] == 2
    assert [r["terms"]["approach"] for r in history["items"]] == [bid_data()["approach"], "改进后的方案"]
    assert count(BidRevision) == 2


def test_only_the_bidding_center_revises_or_withdraws(api):
    world, center = make_world(), make_center()
    made = make_bid(center, world)
    error(api.patch(f"/bids/{made.id}", world.enterprise, {"revision": 1, "approach": "x"}), 403, "forbidden")
    error(api.patch(f"/bids/{made.id}", make_center(), {"revision": 1, "approach": "x"}), 404, "not_found")
    error(api.post(f"/bids/{made.id}/withdraw", world.researcher), 403, "forbidden")
    error(api.post(f"/bids/{made.id}/withdraw", make_center()), 404, "not_found")
    error(api.get(f"/bids/{made.id}/revisions", outsider()), 404, "not_found")
    assert ok(api.get(f"/bids/{made.id}", center))["revision"] == 1


def test_withdrawal_until_the_deadline(api):
    world, center = make_world(), make_center()
    made = make_bid(center, world)
    assert ok(api.post(f"/bids/{made.id}/withdraw", center))["status"] == "withdrawn"
    error(api.post(f"/bids/{made.id}/withdraw", center), 409, "conflict")
    error(api.patch(f"/bids/{made.id}", center, {"revision": 1, "approach": "x"}), 409, "conflict")
    again = make_bid(center, world)  # withdrawn is not live: a new bid may follow
    world.request.bid_deadline = local_today() - timedelta(days=1)
    db.session.commit()
    error(api.post(f"/bids/{again.id}/withdraw", center), 409, "conflict")
    assert db.session.get(Bid, again.id).status.value == "submitted"


@pytest.mark.parametrize("revision", [2**31, 412200748365, 10**30, 0, -1])
def test_a_revision_no_bid_can_have_is_stale_not_a_server_error(api, revision):
    world, center = make_world(), make_center()
    made = make_bid(center, world)
    stale = error(api.patch(f"/bids/{made.id}", center, {"revision": revision, "approach": "改进后的方案"}), 409, "conflict")
    assert stale["fields"] == {"revision": f"当前版本不是 {revision}。"}
    assert ok(api.get(f"/bids/{made.id}", center))["revision"] == 1
