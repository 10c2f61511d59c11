"""Races through a live server (issue 8 item 5): simultaneous acceptances of one bid make exactly
one engagement; every loser gets a 409, never a 500 — on SQLite and PostgreSQL."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from marketplace.services import sessions
from marketplace.services.poc import selection
from models import (
    Agreement, Bid, BidStatus, Engagement, RequestStatus, TokenKind, User, ValidationRequest, db,
)
from tests.factories import make_user
from tests.live import Browser, at_once
from tests.poc_factories import bid_data, make_bid, make_center, make_world

N = 20


def token(user: User) -> dict:
    secret, _ = sessions.issue_token(user, TokenKind.API, timedelta(hours=1))
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def rows(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def colleagues(user: User, count: int) -> list[User]:
    return [user] + [make_user(user.role, organization=user.organization) for _ in range(count - 1)]


def assert_one_engagement(bid_id: int, request_id: int, engagement_id: int) -> None:
    assert rows(Engagement) == 1 and rows(Agreement) == 1
    engagement = db.session.scalar(sa.select(Engagement))
    assert (engagement.id, engagement.bid_id) == (engagement_id, bid_id)
    assert db.session.get(Bid, bid_id).status is BidStatus.ACCEPTED
    assert db.session.get(ValidationRequest, request_id).status is RequestStatus.ENGAGED


def test_twenty_simultaneous_second_acceptances_make_one_engagement(live):
    world = make_world()
    bid = make_bid(make_center(), world)
    loser = make_bid(make_center(), world)
    selection.accept_bid(world.enterprise, bid.id)
    db.session.commit()
    headers = [token(user) for user in colleagues(world.researcher, N)]
    path, bid_id, loser_id, request_id = f"/api/v1/bids/{bid.id}/accept", bid.id, loser.id, world.request.id
    answers = at_once(N, lambda i: Browser(live).post(path, headers=headers[i]))
    assert Counter(a.status for a in answers) == {201: 1, 409: N - 1}, [a.text[:200] for a in answers]
    assert all(a.json()["error"]["code"] == "conflict" for a in answers if a.status == 409)
    [winner] = [a.json() for a in answers if a.status == 201]
    assert winner["status"] == "engaged" and winner["bid"]["id"] == bid_id
    assert_one_engagement(bid_id, request_id, winner["engagement_id"])
    assert db.session.get(Bid, loser_id).status is BidStatus.REJECTED


def test_both_parties_accepting_at_once_engage_exactly_once(live):
    world = make_world()
    bid = make_bid(make_center(), world)
    users = colleagues(world.enterprise, N // 2) + colleagues(world.researcher, N // 2)
    headers = [token(user) for user in users]
    path, bid_id, request_id = f"/api/v1/bids/{bid.id}/accept", bid.id, world.request.id
    answers = at_once(N, lambda i: Browser(live).post(path, headers=headers[i]))
    assert Counter(a.status for a in answers) == {200: 1, 201: 1, 409: N - 2}, [a.text[:200] for a in answers]
    waiting = next(a.json() for a in answers if a.status == 200)
    engaged = next(a.json() for a in answers if a.status == 201)
    assert waiting["status"] == "awaiting_other_party" and {waiting["party"], engaged["party"]} == {
        "enterprise", "institution"}
    assert_one_engagement(bid_id, request_id, engaged["engagement_id"])


def test_simultaneous_bids_of_one_center_leave_one_live_bid(live):
    world = make_world()
    staff = colleagues(make_center(), 10)
    headers = [token(user) for user in staff]
    path, body, request_id = f"/api/v1/pairings/{world.pairing.id}/bids", bid_data(), world.request.id
    answers = at_once(10, lambda i: Browser(live).post(path, json_body=body, headers=headers[i]))
    assert Counter(a.status for a in answers) == {201: 1, 409: 9}, [a.text[:200] for a in answers]
    assert rows(Bid, Bid.request_id == request_id) == 1
