"""API: validation requests — opening one on a connected pairing (Idempotency-Key honoured), the
centers' list best fit first, reading, cancelling, and a confidential demand's details kept from
centers."""
from __future__ import annotations

from marketplace.localtime import local_today
from datetime import timedelta

import pytest
from flask import current_app

from marketplace.services import pairings
from marketplace.services.poc import selection
from models import Bid, BidStatus, IdempotencyKey, Role, ValidationRequest, db
from tests.api.poc_api import Api, count, error, ok, outsider
from tests.factories import make_connected_pairing, make_demand, make_result, make_user
from tests.poc_factories import make_bid, make_center, make_world, request_data

SECRET_TEXT = "我司储能电站需要在热失控发生前 10 分钟给出预警，误报率低于 1%。"


@pytest.fixture
def api(ctx):
    return Api(ctx)


def open_request(api, world, user=None, **body):
    return api.post(f"/pairings/{world.pairing.id}/validation-request", user or world.enterprise,
                    request_data(**body))


def test_either_party_opens_a_request(api):
    world = make_world(with_request=False)
    body = ok(open_request(api, world, world.researcher, max_duration_months=None, notes=None), 201)
    assert body["pairing_id"] == world.pairing.id and body["status"] == "open_for_bids"
    assert (body["needs"], body["budget_cap"], body["max_duration_months"], body["notes"]) == ("both", 100, 12, "")
    assert body["deadline"] == (local_today() + timedelta(days=30)).isoformat()
    assert body["id"] and body["created_at"].endswith("Z") and body["closed_at"] is None
    assert body["demand"]["title"] == world.pairing.demand.title and body["result"]["trl"] == 5
    assert body["choices"] == {"enterprise": None, "institution": None} and body["opened_by_id"] == world.researcher.id
    assert ok(api.get(f"/validation-requests/{body['id']}", world.enterprise))["id"] == body["id"]


def test_an_idempotency_key_opens_one_request(api):
    world = make_world(with_request=False)
    key = {"Idempotency-Key": "open-req-1"}
    path = f"/pairings/{world.pairing.id}/validation-request"
    first = api.post(path, world.enterprise, request_data(), headers=key)
    again = api.post(path, world.enterprise, request_data(), headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json()["id"] == first.get_json()["id"] and again.headers["Idempotent-Replayed"] == "true"
    other = api.post(path, world.enterprise, request_data(budget_cap=50), headers=key)
    assert "Idempotency-Key" in error(other, 422, "validation_error")["fields"]
    assert count(ValidationRequest) == 1 and count(IdempotencyKey) == 1


def test_opening_bad_cases(api):
    world = make_world(with_request=False)
    error(open_request(api, world, outsider()), 404, "not_found")
    error(open_request(api, world, make_center()), 404, "not_found")
    error(api.post(f"/pairings/{world.pairing.id}/validation-request", None, request_data()), 401, "unauthorized")
    fields = error(open_request(api, world, needs="everything", budget_cap=-5,
                                deadline=(local_today() - timedelta(days=1)).isoformat(), max_duration_months=40),
                   422, "validation_error")["fields"]
    assert set(fields) == {"needs", "budget_cap", "deadline", "max_duration_months"}
    fields = error(api.post(f"/pairings/{world.pairing.id}/validation-request", world.enterprise, {}),
                   422, "validation_error")["fields"]
    assert {"needs", "budget_cap", "deadline"} <= set(fields)
    error(api.post(f"/pairings/{world.pairing.id}/validation-request", world.enterprise, data="x"),
          422, "validation_error")
    assert count(ValidationRequest) == 0
    ok(open_request(api, world), 201)
    assert "pairing_id" in error(open_request(api, world, world.researcher), 409, "conflict")["fields"]


def test_a_pairing_that_is_not_connected_cannot_be_validated(api):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand, result = make_demand(enterprise, status="published"), make_result(researcher, status="published")
    proposed = pairings.propose_pairing(researcher, demand.id, result.id, "合作？", current_app.extensions["match_index"], 14)
    db.session.commit()
    error(api.post(f"/pairings/{proposed.id}/validation-request", researcher, request_data()), 409, "conflict")


def test_centers_see_open_requests_best_fit_first(api):
    fitting = make_world()
    other_field = make_world(with_request=False)
    other_field.pairing.demand.field_code = "biomed"
    db.session.commit()
    ok(open_request(api, other_field), 201)
    center = make_center()
    body = ok(api.get("/validation-requests", center))
    assert [item["id"] for item in body["items"]][0] == fitting.request.id and body["total"] == 2
    best, worse = body["items"]
    assert 0 <= worse["fit"] < best["fit"] <= 1 and best["percent"] == round(100 * best["fit"])
    assert any("覆盖领域" in reason for reason in best["fit_reasons"])
    assert best["can_bid"] is True and "choices" not in best and "opened_by_id" not in best
    assert ok(api.get("/validation-requests?per_page=1&page=2", center))["items"][0]["id"] == worse["id"]


def test_a_full_center_sees_requests_it_cannot_bid_on(api):
    make_world()
    center = make_center(capacity=1)
    busy = make_world()
    bid = make_bid(center, busy)
    selection.accept_bid(busy.enterprise, bid.id)
    selection.accept_bid(busy.researcher, bid.id)
    db.session.commit()
    [item] = ok(api.get("/validation-requests", center))["items"]
    assert item["can_bid"] is False and any("满负荷" in reason for reason in item["fit_reasons"])


def test_only_centers_list_requests(api):
    world = make_world()
    for user in (world.enterprise, world.researcher, make_user(Role.ADMIN)):
        error(api.get("/validation-requests", user), 403, "forbidden")
    error(api.get("/validation-requests", None), 401, "unauthorized")


def test_a_confidential_demand_shows_centers_only_its_title_field_and_summary(api):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", visibility="confidential", summary="储能安全预警需求。")
    world_pairing = make_connected_pairing(demand, make_result(researcher, status="published"))
    request_id = ok(api.post(f"/pairings/{world_pairing.id}/validation-request", enterprise, request_data()), 201)["id"]
    center = make_center()
    for response in (api.get(f"/validation-requests/{request_id}", center), api.get("/validation-requests", center)):
        assert SECRET_TEXT not in response.get_data(as_text=True)
    shown = ok(api.get(f"/validation-requests/{request_id}", center))["demand"]
    assert (shown["title"], shown["field"], shown["summary"]) == (demand.title, "new_energy", "储能安全预警需求。")
    assert shown["details_restricted"] is True and shown["description"] is None and shown["keywords"] == []
    assert shown["budget_max"] is None and shown["region"] is None
    owner_view = ok(api.get(f"/validation-requests/{request_id}", enterprise))["demand"]
    assert owner_view["description"] == SECRET_TEXT and owner_view["details_restricted"] is False


def test_who_reads_a_request(api):
    world = make_world()
    path = f"/validation-requests/{world.request.id}"
    center = make_center()
    assert ok(api.get(path, center))["id"] == world.request.id  # open: centers may look
    assert ok(api.get(path, make_user(Role.ADMIN)))["choices"] == {"enterprise": None, "institution": None}
    error(api.get(path, outsider()), 404, "not_found")
    error(api.get(path, outsider(Role.RESEARCHER)), 404, "not_found")
    error(api.get("/validation-requests/0", world.enterprise), 404, "not_found")
    ok(api.post(f"{path}/cancel", world.enterprise))
    error(api.get(path, center), 404, "not_found")  # closed and it never bid
    assert ok(api.get(path, world.researcher))["status"] == "cancelled"


def test_a_party_cancels_and_live_bids_are_rejected(api):
    world = make_world()
    bidder = make_center()
    bid = make_bid(bidder, world)
    path = f"/validation-requests/{world.request.id}/cancel"
    error(api.post(path, bidder), 403, "forbidden")
    error(api.post(path, outsider()), 404, "not_found")
    body = ok(api.post(path, world.researcher))
    assert body["status"] == "cancelled" and body["closed_at"]
    assert db.session.get(Bid, bid.id).status is BidStatus.REJECTED
    assert ok(api.get(f"/validation-requests/{world.request.id}", bidder))["status"] == "cancelled"
    error(api.post(path, world.enterprise), 409, "conflict")
    assert ok(open_request(api, world), 201)["status"] == "open_for_bids"  # a new one may follow
