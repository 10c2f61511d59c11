"""Selecting a bid from the web: the first party waits for the other, the second creates the
engagement; centers, outsiders, another pairing's party and a form without CSRF are refused."""
from __future__ import annotations

import sqlalchemy as sa

from models import Bid, BidStatus, Engagement, Role, ValidationRequest, db
from tests.factories import make_user
from tests.poc_factories import make_bid, make_center, make_world
from tests.poc_web import browser, count, post, text


def accept_url(bid) -> str:
    return f"/validation/bids/{bid.id}/accept"


def test_the_first_party_waits_and_the_second_creates_the_engagement(ctx):
    world = make_world()
    chosen, other = make_bid(make_center(), world), make_bid(make_center(), world)
    enterprise = browser(ctx, world.enterprise)
    first = post(enterprise, accept_url(chosen))
    assert first.status_code == 302 and first.headers["Location"].endswith(f"#bid-{chosen.id}")
    page = text(enterprise.get(f"/validation/requests/{world.request.id}"))
    assert "正在等待另一方确认" in page and "需求企业：已选定" in page
    db.session.rollback()
    assert db.session.get(ValidationRequest, world.request.id).enterprise_choice_id == chosen.id
    assert count(Engagement) == 0
    second = post(browser(ctx, world.researcher), accept_url(chosen))
    engagement = db.session.scalar(sa.select(Engagement))
    assert second.status_code == 302 and second.headers["Location"].endswith(f"/engagements/{engagement.id}")
    assert engagement.bid_id == chosen.id and db.session.get(Bid, other.id).status is BidStatus.REJECTED
    late = post(enterprise, accept_url(other))
    assert late.status_code == 302 and "已选定验证中心" in text(enterprise.get(late.headers["Location"]))
    assert count(Engagement) == 1


def test_accepting_the_same_bid_twice_is_refused_with_a_message(ctx):
    world = make_world()
    bid = make_bid(make_center(), world)
    web = browser(ctx, world.researcher)
    post(web, accept_url(bid))
    again = post(web, accept_url(bid))
    assert again.status_code == 302 and "已选定这份方案" in text(web.get(again.headers["Location"]))
    assert count(Engagement) == 0


def test_centers_outsiders_and_another_pairings_party_cannot_accept(ctx):
    world, elsewhere = make_world(), make_world()
    center = make_center()
    bid = make_bid(center, world)
    assert post(browser(ctx, center), accept_url(bid)).status_code == 403
    assert post(browser(ctx, make_center()), accept_url(bid)).status_code == 404
    assert post(browser(ctx, make_user(Role.ENTERPRISE)), accept_url(bid)).status_code == 404
    assert post(browser(ctx, elsewhere.enterprise), accept_url(bid)).status_code == 404
    assert browser(ctx, world.enterprise).post(accept_url(bid)).status_code == 400
    db.session.rollback()
    request = db.session.get(ValidationRequest, world.request.id)
    assert request.enterprise_choice_id is None and request.institution_choice_id is None


def test_the_comparison_offers_selection_and_shows_each_partys_choice(ctx):
    world = make_world()
    first, second = make_bid(make_center(), world), make_bid(make_center(), world)
    post(browser(ctx, world.enterprise), accept_url(second))
    page = text(browser(ctx, world.researcher).get(f"/validation/requests/{world.request.id}/compare"))
    assert page.count(f'action="/validation/bids/{first.id}/accept"') == 1
    assert page.count(f'action="/validation/bids/{second.id}/accept"') == 1
    assert "需求企业已选定" in page
