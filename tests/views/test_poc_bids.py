"""Bid pages: who may open the form, submitting (errors on the field, row or group they name,
nothing written on a refusal), revising with the revision the page showed (stale: 409), withdrawing."""
from __future__ import annotations

from marketplace.localtime import local_today
from datetime import timedelta

import sqlalchemy as sa

from marketplace.services.poc import bids
from models import Bid, BidRevision, BidStatus, Role, db
from tests.factories import make_user
from tests.poc_factories import bid_data, engage, make_bid, make_center, make_world
from tests.poc_web import browser, count, post, submission_token, text


def bid_form(**overrides) -> dict:
    """The bid form's fields for a term sheet in the API's shape."""
    data = bid_data(**overrides)
    ip = data["ip_terms"]
    fields = {name: data.get(name, "") for name in ("approach", "total_cost", "center_cofund", "duration_months",
                                                     "funding_model", "equity_option_pct")}
    fields |= {f"split_{party}": share for party, share in ip["foreground_split"].items()}
    fields |= {name: ip[name] for name in ("license", "license_field", "territory", "revenue_share_pct",
                                           "publication_review_days", "confidentiality")}
    for i, milestone in enumerate(data["milestones"]):
        fields |= {f"milestones-{i}-{name}": value for name, value in milestone.items()}
    return {name: ("" if value is None else value) for name, value in fields.items()}


def new_url(world) -> str:
    return f"/validation/requests/{world.request.id}/bids/new"


def test_a_center_submits_a_bid_once_and_empty_rows_and_total_are_handled(ctx):
    world, center = make_world(), make_center()
    web = browser(ctx, center)
    page = web.get(new_url(world))
    assert page.status_code == 200 and 'name="milestones-5-title"' in text(page)  # six rows offered
    token = submission_token(web, new_url(world))
    response = post(web, new_url(world), new_url(world), submission_token=token, **bid_form(total_cost=""))
    bid = db.session.scalar(sa.select(Bid))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/validation/requests/{world.request.id}#bid-{bid.id}")
    assert bid.total_cost == 90 and len(bid.milestones) == 3 and bid.split_center == 10
    assert post(web, new_url(world), submission_token=token, **bid_form()).status_code == 302
    assert count(Bid) == 1 and count(BidRevision) == 1
    assert web.get(new_url(world)).headers["Location"].endswith(f"/validation/bids/{bid.id}/edit")


def test_a_60_30_20_split_shows_the_error_on_the_split_and_nothing_is_written(ctx):
    world, web = make_world(), browser(ctx, make_center())
    split = {"ip_terms": {"foreground_split": {"enterprise": 60, "institution": 30, "center": 20}}}
    response = post(web, new_url(world), new_url(world), **bid_form(**split))
    body = text(response)
    assert response.status_code == 422
    group = body.split('id="foreground-split"')[1].split("</fieldset>")[0]
    assert "分配比例之和应为 100%（现为 110%）" in group
    assert count(Bid) == 0 and count(BidRevision) == 0


def test_errors_land_on_their_row_and_cell(ctx):
    world, web = make_world(), browser(ctx, make_center())
    fields = bid_form() | {"milestones-1-payment": "abc", "milestones-2-title": "", "milestones-2-deliverable": "",
                           "milestones-2-due_week": "", "milestones-2-payment": "",  # an emptied row is ignored
                           "milestones-3-title": "追加试验", "milestones-3-deliverable": "报告",
                           "milestones-3-due_week": "2", "milestones-3-payment": "10", "duration_months": "14"}
    body = text(post(web, new_url(world), new_url(world), **fields))
    assert "应为数字（万元）" in body.split('name="milestones-1-payment"')[1][:300]
    assert "先后排列" in body.split('name="milestones-3-due_week"')[1][:300]  # row 4 is the service's third
    assert "先后排列" not in body.split('name="milestones-2-due_week"')[1][:300]
    assert "不能超过请求允许的 12 个月" in body.split('name="duration_months"')[1][:300]
    assert count(Bid) == 0


def test_who_may_not_open_or_post_the_bid_form(ctx):
    world = make_world()
    for role in (Role.ENTERPRISE, Role.RESEARCHER):
        web = browser(ctx, make_user(role))
        assert web.get(new_url(world)).status_code == 403
        assert post(web, new_url(world), **bid_form()).status_code == 403
    assert browser(ctx, world.enterprise).get(new_url(world)).status_code == 403
    assert browser(ctx, make_center()).post(new_url(world), data=bid_form()).status_code == 400
    assert count(Bid) == 0


def test_an_unverified_center_sees_why_and_its_post_is_refused(ctx):
    world, web = make_world(), browser(ctx, make_center(verified=False))
    page = text(web.get(new_url(world)))
    assert "尚未通过平台认证" in page and 'name="milestones-0-title"' not in page
    response = post(web, new_url(world), **bid_form())
    assert response.status_code == 403 and "尚未通过平台认证" in text(response)
    assert count(Bid) == 0


def test_a_full_center_and_a_closed_deadline_are_refused(ctx):
    world, full = make_world(), make_center(capacity=1)
    engage(make_world(), full)
    response = post(browser(ctx, full), new_url(world), **bid_form())
    assert response.status_code == 409 and "已满负荷" in text(response)
    world.request.bid_deadline = local_today() - timedelta(days=1)
    db.session.commit()
    late = post(browser(ctx, make_center()), new_url(world), **bid_form())
    assert late.status_code == 409 and "方案征集已于" in text(late)
    assert count(Bid, Bid.request_id == world.request.id) == 0


def test_a_revision_carries_the_revision_it_was_opened_at(ctx):
    world, center = make_world(), make_center()
    bid = make_bid(center, world)
    web = browser(ctx, center)
    url = f"/validation/bids/{bid.id}/edit"
    page = text(web.get(url))
    assert 'name="revision" type="hidden" value="1"' in page and 'value="测试平台搭建"' in page
    response = post(web, url, url, revision="1", **bid_form(total_cost=85, milestones=[
        {"title": "测试平台搭建", "deliverable": "平台", "due_week": 4, "payment": 85}]))
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Bid, bid.id).revision == 2 and db.session.get(Bid, bid.id).total_cost == 85
    stale = post(web, url, url, revision="1", **bid_form(total_cost=70, milestones=[
        {"title": "旧页面", "deliverable": "平台", "due_week": 4, "payment": 70}]))
    assert stale.status_code == 409 and "方案已在别处修改过" in text(stale)
    db.session.rollback()
    assert db.session.get(Bid, bid.id).total_cost == 85 and count(BidRevision) == 2


def test_another_center_cannot_see_or_edit_a_bid(ctx):
    world, owner = make_world(), make_center()
    bid = make_bid(owner, world)
    other = browser(ctx, make_center())
    url = f"/validation/bids/{bid.id}/edit"
    assert other.get(url).status_code == 404
    assert post(other, url, revision="1", **bid_form(total_cost=1)).status_code == 404
    assert post(other, f"/validation/bids/{bid.id}/withdraw").status_code == 404
    assert db.session.get(Bid, bid.id).status is BidStatus.SUBMITTED


def test_withdrawing_a_bid(ctx):
    world, center = make_world(), make_center()
    bid = make_bid(center, world)
    url = f"/validation/bids/{bid.id}/withdraw"
    assert post(browser(ctx, world.enterprise), url).status_code == 403
    assert browser(ctx, center).post(url).status_code == 400
    response = post(browser(ctx, center), url)
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Bid, bid.id).status is BidStatus.WITHDRAWN
    edit = browser(ctx, center).get(f"/validation/bids/{bid.id}/edit")
    assert edit.status_code == 302  # a withdrawn bid is no longer editable
    assert bids.bids_on(world.enterprise, world.request)[0].status is BidStatus.WITHDRAWN
