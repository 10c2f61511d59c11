"""Listing freshness with a frozen clock: demands past their deadline close, listings unconfirmed
for 180 days get one "still current?" notice and are taken off 30 days later unless confirmed
(a button, an edit or a new publish); every step idempotent, told to the owners, logged, and
followed by lists, search and the statistics."""
from __future__ import annotations

from datetime import timedelta
from marketplace.localtime import local_today

import sqlalchemy as sa

from marketplace.services import demands, freshness, results
from models import (
    AuditEntry, Demand, DemandStatus, ListingChange, Notification, NotificationKind, Result, ResultStatus, Role, db,
    utcnow,
)
from tests.factories import api_token, csrf_token, login, make_demand, make_result, make_user


def notices(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.text).where(
        Notification.user_id == user.id, Notification.kind == NotificationKind.LISTING_FRESHNESS)
        .order_by(Notification.id)))


def aged(listing, days: int) -> None:
    """As if its owners last confirmed it ``days`` ago."""
    listing.confirmed_at = utcnow() - timedelta(days=days)
    db.session.commit()


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_a_demand_past_its_deadline_closes_once_and_its_owners_are_told(ctx):
    owner = make_user(Role.ENTERPRISE)
    demand = make_demand(owner, status="published", deadline=(local_today() + timedelta(days=3)).isoformat())
    later = make_demand(owner, status="published", deadline=(local_today() + timedelta(days=30)).isoformat())
    changes = db.session.scalar(sa.select(sa.func.count()).select_from(ListingChange))
    now = utcnow() + timedelta(days=4)
    assert freshness.sweep_listings(now).closed_past_deadline == 1
    db.session.commit()
    assert fresh(Demand, demand.id).status is DemandStatus.CLOSED
    assert fresh(Demand, later.id).status is DemandStatus.PUBLISHED
    assert len(notices(owner)) == 1 and "已过截止日期" in notices(owner)[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ListingChange)) == changes + 1
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "demand.expire"))
    assert entry.actor_id is None and entry.changes["status"] == ["published", "closed"]
    assert freshness.sweep_listings(now).closed_past_deadline == 0  # idempotent
    assert len(notices(owner)) == 1


def test_unconfirmed_listings_are_asked_once_then_taken_off_after_the_grace_period(client):
    owner, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(owner, status="published", title="储能电站锂电池热失控早期预警", keywords=["热失控"])
    result = make_result(researcher, status="published", title="锂电池热失控多信号融合预警方法", keywords=["热失控"])
    recent = make_result(researcher, status="published", title="近期发布的成果")
    aged(demand, 181)
    aged(result, 200)
    now = utcnow()
    first = freshness.sweep_listings(now)
    db.session.commit()
    assert (first.asked_to_confirm, first.taken_off) == (2, 0)
    assert "是否仍然有效" in notices(owner)[0] and len(notices(researcher)) == 1
    assert fresh(Result, recent.id).stale_notified_at is None
    assert freshness.sweep_listings(now + timedelta(days=1)).asked_to_confirm == 0  # asked once
    assert freshness.sweep_listings(now + timedelta(days=29)).taken_off == 0  # still within the grace period
    db.session.commit()

    def published_counts():  # the listings on show (the statistics and the home page count publications ever made)
        return tuple(db.session.scalar(sa.select(sa.func.count()).where(model.status == status))
                     for model, status in ((Demand, DemandStatus.PUBLISHED), (Result, ResultStatus.PUBLISHED)))

    before = published_counts()
    report = freshness.sweep_listings(now + timedelta(days=31))
    db.session.commit()
    assert report.taken_off == 2
    assert fresh(Demand, demand.id).status is DemandStatus.CLOSED
    assert fresh(Result, result.id).status is ResultStatus.WITHDRAWN
    assert fresh(Result, recent.id).status is ResultStatus.PUBLISHED
    assert "已自动关闭" in notices(owner)[-1] and "已自动撤回" in notices(researcher)[-1]
    after = published_counts()
    assert (before[0] - after[0], before[1] - after[1]) == (1, 1)
    search = client.get("/api/v1/search?q=热失控&kind=result").get_json()
    assert result.id not in [item["result"]["id"] for item in search["items"]]
    assert freshness.sweep_listings(now + timedelta(days=32)).taken_off == 0


def test_confirming_in_the_grace_period_keeps_a_listing_on_show(client):
    owner = make_user(Role.ENTERPRISE)
    demand = make_demand(owner, status="published")
    aged(demand, 190)
    now = utcnow()
    freshness.sweep_listings(now)
    db.session.commit()
    login(client, owner)
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "仍然有效" in page and f"/demands/{demand.id}/confirm" in page
    token = csrf_token(client, f"/demands/{demand.id}")
    assert client.post(f"/demands/{demand.id}/confirm", data={"csrf_token": token}).status_code == 302
    confirmed = fresh(Demand, demand.id)
    assert confirmed.stale_notified_at is None and confirmed.confirmed_at > now - timedelta(minutes=1)
    assert freshness.sweep_listings(now + timedelta(days=31)).taken_off == 0
    assert fresh(Demand, demand.id).status is DemandStatus.PUBLISHED


def test_an_edit_or_a_new_publish_confirms_too(ctx):
    owner, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(owner, status="published")
    result = make_result(researcher, status="published")
    aged(demand, 200)
    aged(result, 200)
    freshness.sweep_listings(utcnow())
    db.session.commit()
    demands.update_demand(owner, demand.id, {"title": "更新后的需求标题"})
    results.change_result_status(researcher, result.id, ResultStatus.WITHDRAWN)
    results.change_result_status(researcher, result.id, ResultStatus.PUBLISHED)
    db.session.commit()
    for row in (fresh(Demand, demand.id), fresh(Result, result.id)):
        assert row.stale_notified_at is None and row.confirmed_at > utcnow() - timedelta(minutes=1)


def test_only_the_owners_confirm_and_only_a_published_listing(client):
    owner, other = make_user(Role.ENTERPRISE), make_user(Role.ENTERPRISE)
    published = make_demand(owner, status="published")
    draft = make_demand(owner)
    assert client.post(f"/api/v1/demands/{published.id}/confirm", headers=api_token(client, other)).status_code == 403
    headers = api_token(client, owner)
    answer = client.post(f"/api/v1/demands/{published.id}/confirm", headers=headers)
    assert answer.status_code == 200 and answer.get_json()["id"] == published.id
    assert client.post(f"/api/v1/demands/{draft.id}/confirm", headers=headers).status_code == 409
    assert client.post("/api/v1/demands/999999/confirm", headers=headers).status_code == 404
    researcher = make_user(Role.RESEARCHER)
    result = make_result(researcher, status="published")
    assert client.post(f"/api/v1/results/{result.id}/confirm", headers=api_token(client, researcher)).status_code == 200
    assert client.post(f"/api/v1/results/{result.id}/confirm").status_code == 401


def test_the_cron_command_runs_the_freshness_sweep(ctx):
    owner = make_user(Role.ENTERPRISE)
    demand = make_demand(owner, status="published")
    aged(demand, 365)
    output = ctx.test_cli_runner().invoke(args=["pairings", "sweep"]).output
    assert "1 owners asked to confirm" in output
    assert fresh(Demand, demand.id).stale_notified_at is not None
