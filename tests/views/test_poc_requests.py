"""Validation request pages: the next step on the pairing page, opening a request (once per
submission, errors on their fields), the request page for each viewer (confidential details held
back from centers, 404 for outsiders), cancelling, comparing bids, and the centers' ranked list."""
from __future__ import annotations

from marketplace.localtime import local_today
import re
from datetime import timedelta

from models import Bid, BidStatus, RequestStatus, Role, ValidationRequest, Visibility, db
from tests.factories import make_user
from tests.poc_factories import make_bid, make_center, make_world, request_data
from tests.poc_web import browser, count, post, submission_token, text

DEMAND_TEXT = "我司储能电站需要在热失控发生前 10 分钟给出预警"


def form(**overrides) -> dict:
    return request_data(**overrides)


def test_the_pairing_page_leads_to_the_request_form_and_the_request_opens_once(ctx):
    world = make_world(with_request=False)
    web = browser(ctx, world.researcher)
    page = text(web.get(f"/pairings/{world.pairing.id}"))
    assert "申请概念验证" in page and f"/pairings/{world.pairing.id}/validation/new" in page
    url = f"/pairings/{world.pairing.id}/validation/new"
    token = submission_token(web, url)
    first = post(web, url, url, submission_token=token, **form(budget_cap="80"))
    opened = db.session.scalar(db.select(ValidationRequest))
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/validation/requests/{opened.id}")
    assert opened.budget_cap == 80 and opened.opened_by_id == world.researcher.id
    again = post(web, url, submission_token=token, **form(budget_cap="80"))
    assert again.status_code == 302 and count(ValidationRequest) == 1
    state = text(web.get(f"/pairings/{world.pairing.id}"))
    assert "查看验证请求与方案" in state and "征集验证方案" in state


def test_request_errors_show_on_their_fields_and_nothing_is_written(ctx):
    world = make_world(with_request=False)
    web = browser(ctx, world.enterprise)
    url = f"/pairings/{world.pairing.id}/validation/new"
    late = (local_today() + timedelta(days=400)).isoformat()
    response = post(web, url, url, **form(budget_cap="0", deadline=late, max_duration_months="48"))
    body = text(response)
    assert response.status_code == 422
    assert "预算上限应大于 0" in body and "180 天之内" in body and "1–36 个月的整数" in body
    assert count(ValidationRequest) == 0


def test_outsiders_cannot_open_a_request_and_csrf_is_required(ctx):
    world = make_world(with_request=False)
    url = f"/pairings/{world.pairing.id}/validation/new"
    outsider = browser(ctx, make_user(Role.ENTERPRISE))
    assert outsider.get(url).status_code == 404
    assert post(outsider, url, **form()).status_code == 404
    assert browser(ctx, world.enterprise).post(url, data=form()).status_code == 400
    assert count(ValidationRequest) == 0


def test_the_request_page_for_each_viewer(ctx):
    world = make_world()
    mine, rival = make_center(), make_center()
    make_bid(mine, world)
    make_bid(rival, world, total_cost=80, milestones=[
        {"title": "样机验证", "deliverable": "样机", "due_week": 10, "payment": 80}])
    url = f"/validation/requests/{world.request.id}"
    party = text(browser(ctx, world.enterprise).get(url))
    assert mine.organization.name in party and rival.organization.name in party
    assert "并排比较方案" in party and "取消验证请求" in party and "选定此方案" in party
    center = text(browser(ctx, mine).get(url))
    assert mine.organization.name in center and rival.organization.name not in center
    assert "取消验证请求" not in center and "修改方案" in center
    assert browser(ctx, make_user(Role.ENTERPRISE)).get(url).status_code == 404
    assert browser(ctx, make_user(Role.RESEARCHER)).get(url).status_code == 404


def test_a_confidential_demand_shows_centers_only_its_title_field_and_summary(ctx):
    world = make_world()
    demand = world.pairing.demand
    demand.visibility, demand.summary = Visibility.CONFIDENTIAL, "储能安全预警（摘要）"
    db.session.commit()
    url = f"/validation/requests/{world.request.id}"
    center = text(browser(ctx, make_center()).get(url))
    assert demand.title in center and "储能安全预警（摘要）" in center and DEMAND_TEXT not in center
    assert demand.organization.name in center  # confidential is not anonymous
    assert DEMAND_TEXT in text(browser(ctx, world.enterprise).get(url))


def test_a_center_sees_why_it_cannot_bid(ctx):
    world = make_world()
    url = f"/validation/requests/{world.request.id}"
    unverified = text(browser(ctx, make_center(verified=False)).get(url))
    assert "尚未通过平台认证" in unverified and f"/validation/requests/{world.request.id}/bids/new" not in unverified
    able = text(browser(ctx, make_center()).get(url))
    assert f"/validation/requests/{world.request.id}/bids/new" in able
    world.request.bid_deadline = local_today() - timedelta(days=1)
    db.session.commit()
    late = text(browser(ctx, make_center()).get(url))
    assert "已截止" in late and "方案征集已于" in late


def test_either_party_cancels_and_others_may_not(ctx):
    world = make_world()
    center = make_center()
    bid = make_bid(center, world)
    url = f"/validation/requests/{world.request.id}/cancel"
    assert post(browser(ctx, center), url).status_code == 403
    assert post(browser(ctx, make_user(Role.ENTERPRISE)), url).status_code == 404
    assert browser(ctx, world.researcher).post(url).status_code == 400
    assert db.session.get(ValidationRequest, world.request.id).status is RequestStatus.OPEN
    done = post(browser(ctx, world.researcher), url)
    assert done.status_code == 302
    db.session.rollback()
    assert db.session.get(ValidationRequest, world.request.id).status is RequestStatus.CANCELLED
    assert db.session.get(Bid, bid.id).status is BidStatus.REJECTED
    again = browser(ctx, world.enterprise)
    post(again, url)
    assert "不能取消" in text(again.get(f"/validation/requests/{world.request.id}"))


def test_the_comparison_is_for_the_two_parties_only(ctx):
    world = make_world()
    cheap, dear = make_center(), make_center()
    make_bid(dear, world)
    make_bid(cheap, world, total_cost=80, milestones=[
        {"title": "样机验证", "deliverable": "样机", "due_week": 10, "payment": 80}])
    url = f"/validation/requests/{world.request.id}/compare"
    page = browser(ctx, world.researcher).get(url)
    body = text(page)
    assert page.status_code == 200 and "并排比较验证方案" in body
    assert body.count('class="differs') >= 2 and body.count("★ 最有利") >= 2
    cost_row = re.search(r'<tr class="differs">\s*<th scope="row" class="term">总费用.*?</tr>', body, re.S).group(0)
    assert "80.00 万元" in cost_row.split('class="best"')[1].split("</td>")[0]
    assert browser(ctx, cheap).get(url).status_code == 404
    assert browser(ctx, make_user(Role.ADMIN)).get(url).status_code == 404


def test_centers_see_open_requests_ranked_by_fit_with_reasons(ctx):
    fitting = make_world()
    other = make_world(needs="technical")
    other.pairing.demand.field_code = "bci"
    db.session.commit()
    center = make_center()
    make_bid(center, fitting)
    page = browser(ctx, center).get("/validation/requests")
    body = text(page)
    assert page.status_code == 200 and "覆盖领域：新能源" in body and "本中心已投标" in body
    best, worse = f"/validation/requests/{fitting.request.id}", f"/validation/requests/{other.request.id}"
    assert body.index(best) < body.index(worse)
    assert browser(ctx, fitting.enterprise).get("/validation/requests").status_code == 403
