"""Workspaces and navigation in the PoC stage: a center's fitting requests, bids and engagements
with what is due next; the parties' engagements, open requests and pairings awaiting a request;
the pairing page's next step for each state."""
from __future__ import annotations

from marketplace.services.poc import milestones
from models import Role, db
from tests.factories import make_user
from tests.poc_factories import engage, make_bid, make_center, make_world
from tests.poc_web import activate, browser, text


def test_a_centers_workspace_replaces_the_placeholder(ctx):
    world, center = make_world(), make_center()
    bid = make_bid(center, world)
    engagement, _ = engage(make_world(), center)
    activate(engagement, center)
    page = text(browser(ctx, center).get("/me/"))
    assert "后续版本" not in page and "适合本中心的验证请求" in page
    assert f"/validation/requests/{world.request.id}" in page and "本中心已投标" in page
    assert f"/validation/requests/{bid.request_id}#bid-{bid.id}" in page and "第 1 版" in page
    first = engagement.milestones[0]
    assert f"/engagements/{engagement.id}" in page and f"下一步：{first.title}" in page
    assert f"{first.due_on:%Y-%m-%d} 到期" in page
    assert 'href="/validation/requests"' in page and 'href="/engagements/"' in page  # navigation


def test_a_center_without_profile_or_verification_is_told_what_to_do(ctx):
    bare = browser(ctx, make_user(Role.CENTER))
    assert "请先" in text(bare.get("/me/")) and "填写能力档案" in text(bare.get("/me/"))
    unverified = text(browser(ctx, make_center(verified=False)).get("/me/"))
    assert "尚未通过平台认证" in unverified


def test_the_parties_workspaces_show_what_to_do_next(ctx):
    waiting = make_world(with_request=False)
    page = text(browser(ctx, waiting.enterprise).get("/me/"))
    assert "已对接，可申请概念验证" in page and f"/pairings/{waiting.pairing.id}/validation/new" in page
    bidding = make_world()
    make_bid(make_center(), bidding)
    page = text(browser(ctx, bidding.researcher).get("/me/"))
    assert "正在征集验证方案" in page and "已收到 1 份方案" in page
    assert f"/pairings/{bidding.pairing.id}/validation/new" not in page
    engaged = make_world()
    engagement, center = engage(engaged)
    page = text(browser(ctx, engaged.enterprise).get("/me/"))
    assert f"/engagements/{engagement.id}" in page and "下一步：三方签署协议" in page
    assert 'href="/engagements/"' in page and 'href="/centers/"' in page


def test_overdue_milestones_are_flagged_on_the_workspace_and_the_engagement(ctx):
    world = make_world()
    engagement, center = engage(world)
    activate(engagement, center)
    first = engagement.milestones[0]
    first.due_on = first.due_on.replace(year=first.due_on.year - 1)
    db.session.commit()
    assert "1 个里程碑逾期" in text(browser(ctx, world.enterprise).get("/me/"))
    page = text(browser(ctx, center).get(f"/engagements/{engagement.id}"))
    assert "逾期未交付" in page and "已逾期" in page
    milestones.submit_milestone(center, engagement.id, first.id, "补交")
    db.session.commit()
    assert "逾期未交付" not in text(browser(ctx, center).get(f"/engagements/{engagement.id}"))


def test_the_pairing_page_shows_the_request_or_the_engagement(ctx):
    world = make_world()
    page = text(browser(ctx, world.researcher).get(f"/pairings/{world.pairing.id}"))
    assert "查看验证请求与方案" in page and "申请概念验证</a>" not in page
    engagement, _ = engage(world)
    page = text(browser(ctx, world.researcher).get(f"/pairings/{world.pairing.id}"))
    assert f"/engagements/{engagement.id}" in page and "待签署协议" in page
    admin = text(browser(ctx, make_user(Role.ADMIN)).get(f"/pairings/{world.pairing.id}"))
    assert f"/engagements/{engagement.id}" in admin and "申请概念验证</a>" not in admin
