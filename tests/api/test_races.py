"""Races with real concurrent requests against a live server (issue 7 item 5): a status change is a
compare-and-set, creates honour Idempotency-Key and one-time form tokens, a watch is unique per
subject — on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from collections import Counter

import sqlalchemy as sa

from models import Demand, Event, EventKind, IdempotencyKey, ListingChange, Role, Watch, db
from tests.factories import PASSWORD, demand_data, make_demand, make_user
from tests.live import Browser, at_once, token_headers

N = 20


def rows(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_twenty_simultaneous_publishes_of_one_draft_publish_once(live):
    owner = make_user(Role.ENTERPRISE)
    path = f"/api/v1/demands/{make_demand(owner).id}"  # ids read here: the threads have no app context
    headers = token_headers(live, owner.email, PASSWORD)
    changes_before = rows(ListingChange)
    answers = at_once(N, lambda i: Browser(live).request("PATCH", path, json_body={"status": "published"},
                                                         headers=headers))
    assert Counter(a.status for a in answers) == {200: 1, 409: N - 1}
    assert all(a.json()["error"]["code"] == "conflict" for a in answers if a.status == 409)
    assert rows(Event, Event.kind == EventKind.DEMAND_PUBLISHED) == 1
    assert rows(ListingChange) == changes_before + 1


def test_simultaneous_web_publish_buttons_publish_once(live):
    owner = make_user(Role.ENTERPRISE)
    draft_id = make_demand(owner).id
    browser = Browser(live)
    browser.sign_in(owner.email, PASSWORD)
    token = browser.form_fields(f"/demands/{draft_id}")["csrf_token"]
    answers = at_once(10, lambda i: browser.post(f"/demands/{draft_id}/publish", form={"csrf_token": token}))
    assert [a.status for a in answers] == [302] * 10  # the losers are sent back with a message, never a 500
    assert rows(Event, Event.kind == EventKind.DEMAND_PUBLISHED) == 1
    assert db.session.get(Demand, draft_id).status.value == "published"


def test_twenty_identical_creates_with_one_idempotency_key_make_one_row(live):
    owner = make_user(Role.ENTERPRISE)
    headers = token_headers(live, owner.email, PASSWORD) | {"Idempotency-Key": "create-demand-7f3a"}
    body = demand_data()
    answers = at_once(N, lambda i: Browser(live).post("/api/v1/demands", json_body=body, headers=headers))
    assert [a.status for a in answers] == [201] * N, [a.text for a in answers if a.status != 201][:2]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == N - 1
    assert rows(Demand) == 1 and rows(IdempotencyKey) == 1


def test_the_same_key_with_another_body_is_refused(live):
    owner = make_user(Role.ENTERPRISE)
    headers = token_headers(live, owner.email, PASSWORD) | {"Idempotency-Key": "k-1"}
    first = Browser(live).post("/api/v1/demands", json_body=demand_data(), headers=headers)
    other = Browser(live).post("/api/v1/demands", json_body=demand_data(title="另一项需求"), headers=headers)
    assert first.status == 201
    assert other.status == 422 and "Idempotency-Key" in other.json()["error"]["fields"]
    assert rows(Demand) == 1


def test_ten_posts_of_one_web_form_create_one_demand_and_land_on_it(live):
    owner = make_user(Role.ENTERPRISE)
    browser = Browser(live)
    browser.sign_in(owner.email, PASSWORD)
    fields = browser.form_fields("/demands/new")
    data = demand_data()
    assert set(fields) == {"csrf_token", "submission_token"}
    form = {**fields, **{k: v for k, v in data.items() if k != "keywords"},
            "keywords": "锂离子电池、热失控", "status": "published"}
    answers = at_once(10, lambda i: browser.post("/demands/new", form=form))
    assert [a.status for a in answers] == [302] * 10
    assert rows(Demand) == 1
    only = db.session.scalar(sa.select(Demand.id))
    assert {re.sub(r"^https?://[^/]+", "", a.headers["Location"]) for a in answers} == {f"/demands/{only}"}
    assert rows(Event, Event.kind == EventKind.DEMAND_PUBLISHED) == 1


def test_twenty_identical_watch_requests_make_one_watch(live):
    user = make_user(Role.RESEARCHER)
    headers = token_headers(live, user.email, PASSWORD)
    body = {"query": "固态电池 电解质", "target": "demand"}
    answers = at_once(N, lambda i: Browser(live).post("/api/v1/watches", json_body=body, headers=headers))
    assert Counter(a.status for a in answers) == {201: 1, 409: N - 1}
    assert rows(Watch) == 1
