"""Engagement pages: my engagements, the engagement and its printable agreement for the three
parties and operators (404 for others), and signing by re-entering the password (a wrong password,
twice, an operator, no CSRF, the rate limit)."""
from __future__ import annotations

import json

from models import Agreement, AgreementSignature, Engagement, EngagementStatus, Role, db
from tests.factories import PASSWORD, make_user
from tests.poc_factories import engage, engagement_user, make_world
from tests.poc_web import activate, browser, count, post, sign, text


def the_engagement(ctx):
    world = make_world()
    engagement, center = engage(world)
    return world, engagement, center


def test_the_three_parties_and_operators_see_the_engagement_others_get_404(ctx):
    world, engagement, center = the_engagement(ctx)
    url = f"/engagements/{engagement.id}"
    for user in (world.enterprise, world.researcher, center, make_user(Role.ADMIN)):
        page = browser(ctx, user).get(url)
        assert page.status_code == 200 and world.pairing.result.title in text(page)
    for user in (make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER), make_user(Role.CENTER)):
        assert browser(ctx, user).get(url).status_code == 404
        assert browser(ctx, user).get(url + "/agreement").status_code == 404
    assert browser(ctx, world.enterprise).get("/engagements/99999").status_code == 404


def test_the_page_shows_parties_agreement_hash_and_who_has_signed(ctx):
    world, engagement, center = the_engagement(ctx)
    sign(world.enterprise, engagement)
    agreement = db.session.scalar(db.select(Agreement))
    page = text(browser(ctx, world.researcher).get(f"/engagements/{engagement.id}"))
    assert agreement.hash in page and agreement.prev_hash in page and center.organization.name in page
    assert page.count(">已签署<") == 1 and page.count(">待签署<") == 2
    assert 'name="password"' in page  # the researcher has not signed yet
    signed = text(browser(ctx, world.enterprise).get(f"/engagements/{engagement.id}"))
    assert 'name="password"' not in signed and "本方已签署" in signed
    assert 'name="password"' not in text(browser(ctx, make_user(Role.ADMIN)).get(f"/engagements/{engagement.id}"))


def test_the_printable_agreement_shows_the_frozen_terms_and_its_check(ctx):
    world, engagement, center = the_engagement(ctx)
    activate(engagement, center)
    agreement = db.session.scalar(db.select(Agreement))
    document = json.loads(agreement.content)
    page = text(browser(ctx, center).get(f"/engagements/{engagement.id}/agreement"))
    assert agreement.hash in page and "内容与哈希一致" in page and f"协议序号 #{agreement.sequence}" in page
    assert document["terms"]["milestones"][1]["deliverable"] in page and "甲方 50%，乙方 40%，丙方 10%" in page
    assert page.count("Ed25519 签名") == 3 and "@media print" not in page  # print rules live in app.css
    db.session.execute(db.update(Agreement).values(content=agreement.content.replace("测试平台", "改过的平台")))
    db.session.commit()
    tampered = text(browser(ctx, center).get(f"/engagements/{engagement.id}/agreement"))
    assert "存证校验未通过" in tampered and "内容或哈希被改动" in tampered


def test_signing_with_the_password_and_the_third_signature_activates(ctx):
    world, engagement, center = the_engagement(ctx)
    url = f"/engagements/{engagement.id}/sign"
    for user in (world.enterprise, world.researcher):
        assert post(browser(ctx, user), url, password=PASSWORD).status_code == 302
    assert db.session.get(Engagement, engagement.id).status is EngagementStatus.AWAITING_SIGNATURES
    response = post(browser(ctx, center), url, password=PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("#agreement")
    db.session.rollback()
    assert db.session.get(Engagement, engagement.id).status is EngagementStatus.ACTIVE
    assert count(AgreementSignature) == 3


def test_a_wrong_password_signing_twice_an_operator_and_no_csrf_write_nothing(ctx):
    world, engagement, center = the_engagement(ctx)
    url = f"/engagements/{engagement.id}/sign"
    web = browser(ctx, world.enterprise)
    wrong = post(web, url, password="not-the-password")
    assert wrong.status_code == 422 and "密码不正确" in text(wrong).split('name="password"')[1][:300]
    assert count(AgreementSignature) == 0
    assert web.post(url, data={"password": PASSWORD}).status_code == 400
    assert post(browser(ctx, make_user(Role.ADMIN)), url, password=PASSWORD).status_code == 403
    assert post(browser(ctx, make_user(Role.ENTERPRISE)), url, password=PASSWORD).status_code == 404
    assert count(AgreementSignature) == 0
    assert post(web, url, password=PASSWORD).status_code == 302
    twice = post(web, url, password=PASSWORD)
    assert twice.status_code == 302 and "已签署过这份协议" in text(web.get(twice.headers["Location"]))
    assert count(AgreementSignature) == 1


def test_every_signing_attempt_counts_towards_the_limit(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "RATELIMIT_SIGNING", "3 per hour")
    world, engagement, center = the_engagement(ctx)
    web = browser(ctx, world.enterprise)
    url = f"/engagements/{engagement.id}/sign"
    statuses = [post(web, url, password="wrong-guess").status_code for _ in range(3)]
    assert statuses == [422, 422, 422]
    assert post(web, url, password=PASSWORD).status_code == 429
    assert count(AgreementSignature) == 0


def test_my_engagements_with_a_status_filter(ctx):
    world, engagement, center = the_engagement(ctx)
    other_world = make_world()
    active, other_center = engage(other_world)
    activate(active, other_center)
    web = browser(ctx, world.enterprise)
    everything = text(web.get("/engagements/"))
    assert f"/engagements/{engagement.id}" in everything and f"/engagements/{active.id}" not in everything
    assert f"/engagements/{engagement.id}" in text(web.get("/engagements/?status=awaiting_signatures"))
    assert "没有处于“验证进行中”" in text(web.get("/engagements/?status=active"))
    assert web.get("/engagements/?status=nonsense").status_code == 200
    admin = text(browser(ctx, make_user(Role.ADMIN)).get("/engagements/?status=active"))
    assert f"/engagements/{active.id}" in admin and f"/engagements/{engagement.id}" not in admin
    assert engagement_user(active, "center") == other_center
