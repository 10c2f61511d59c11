"""Pairing pages: propose from a listing, answer, withdraw, the thread, my pairings (with the lazy
sweep), the confidentiality undertaking and the owner's access log; CSRF on every POST."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from models import (
    DisclosureLog, Notification, NotificationKind, Pairing, PairingMessage, PairingStatus, Role, Visibility, db,
)
from tests.clients import isolated_client
from tests.factories import csrf_token, login, make_demand, make_result, make_user

SECRET_TEXT = "我司储能电站需要在热失控发生前 10 分钟给出预警，误报率低于 1%。"


@pytest.fixture
def world(ctx):
    """An enterprise and a university, each signed in in its own browser, with a published listing each."""
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result = make_result(researcher, status="published")
    browsers = {}
    for name, user in (("as_enterprise", enterprise), ("as_researcher", researcher)):
        browsers[name] = isolated_client(ctx)
        login(browsers[name], user)
    return SimpleNamespace(app=ctx, enterprise=enterprise, researcher=researcher, demand=demand, result=result,
                           **browsers)


def signed_in(app, role=Role.ENTERPRISE, **kwargs):
    user = make_user(role, **kwargs)
    browser = isolated_client(app)
    login(browser, user)
    return user, browser


def propose(world, browser=None, demand_id=None, result_id=None, message="希望合作，盼复。"):
    """Post the proposal form as the researcher (from the demand page by default)."""
    browser = browser or world.as_researcher
    url = f"/pairings/new?demand_id={demand_id or world.demand.id}" + (f"&result_id={result_id}" if result_id else "")
    own = result_id or world.result.id
    if browser is world.as_enterprise:
        url, own = f"/pairings/new?result_id={result_id or world.result.id}", demand_id or world.demand.id
    return browser.post(url, data={"own_id": own, "message": message, "csrf_token": csrf_token(browser, url)})


def the_pairing() -> Pairing:
    db.session.rollback()
    return db.session.scalar(sa.select(Pairing))


def post(browser, url: str, page: str, **data):
    return browser.post(url, data=data | {"csrf_token": csrf_token(browser, page)})


def test_propose_from_the_demand_page_and_read_it_on_the_other_side(world):
    page = world.as_researcher.get(f"/demands/{world.demand.id}").get_data(as_text=True)
    assert f"/pairings/new?demand_id={world.demand.id}" in page
    form = world.as_researcher.get(f"/pairings/new?demand_id={world.demand.id}")
    assert form.status_code == 200 and world.result.title in form.get_data(as_text=True)
    response = propose(world)
    pairing = the_pairing()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pairings/{pairing.id}")
    assert pairing.status is PairingStatus.PROPOSED and pairing.message == "希望合作，盼复。"
    page = world.as_enterprise.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert "接受对接" in page and "婉拒" in page and "希望合作，盼复。" in page
    assert "撤回对接请求" not in page
    listing = world.as_enterprise.get("/pairings/?direction=incoming").get_data(as_text=True)
    assert world.result.title in listing and "对方发起" in listing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == world.enterprise.id, Notification.kind == NotificationKind.PAIRING_PROPOSED)) == 1


def test_an_anonymous_demands_proposer_is_not_named_to_the_other_side(world):
    world.demand.visibility = Visibility.ANONYMOUS
    db.session.commit()
    propose(world, browser=world.as_enterprise)
    page = world.as_researcher.get(f"/pairings/{the_pairing().id}").get_data(as_text=True)
    assert "匿名企业" in page
    assert world.enterprise.display_name not in page and world.enterprise.email not in page
    assert world.enterprise.display_name in world.as_enterprise.get(f"/pairings/{the_pairing().id}").get_data(as_text=True)


def test_odd_ids_in_the_propose_url_are_not_found(world):
    for query in ("demand_id=%C2%B2", "result_id=%E2%91%A0", f"demand_id={10**14}", f"demand_id=1&result_id={10**14}"):
        assert world.as_researcher.get(f"/pairings/new?{query}").status_code == 404, query


def test_propose_url_of_suggestion_cards_takes_both_ids(world):
    url = f"/pairings/new?demand_id={world.demand.id}&result_id={world.result.id}"
    assert world.as_enterprise.get(url).status_code == 200
    assert propose(world, browser=world.as_enterprise).status_code == 302
    assert the_pairing().proposed_by.value == "demand"


def test_owner_proposes_from_a_suggestion_card(world):
    page = world.as_enterprise.get(f"/demands/{world.demand.id}").get_data(as_text=True)
    assert f"/pairings/new?demand_id={world.demand.id}&amp;result_id={world.result.id}" in page
    propose(world, browser=world.as_enterprise)
    again = world.as_enterprise.get(f"/pairings/new?demand_id={world.demand.id}&result_id={world.result.id}")
    assert f"/pairings/{the_pairing().id}" in again.get_data(as_text=True) and "已有对接" in again.get_data(as_text=True)


def test_propose_form_errors_and_refusals(world):
    response = propose(world, message="")
    assert response.status_code == 422 and the_pairing() is None
    own_demand_url = f"/pairings/new?demand_id={world.demand.id}"
    assert world.as_enterprise.get(own_demand_url).status_code == 409  # nothing of the other side chosen
    assert world.as_researcher.get("/pairings/new").status_code == 404
    draft = make_result(world.researcher)
    assert world.as_enterprise.get(f"/pairings/new?result_id={draft.id}").status_code == 404


def test_double_proposal_leads_to_the_existing_pairing(world):
    propose(world)
    pairing = the_pairing()
    response = propose(world)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/pairings/{pairing.id}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pairing)) == 1


def test_accept_then_exchange_messages(world):
    propose(world)
    pairing = the_pairing()
    detail = f"/pairings/{pairing.id}"
    assert post(world.as_enterprise, f"{detail}/accept", detail).status_code == 302
    assert the_pairing().status is PairingStatus.CONNECTED
    post(world.as_researcher, f"{detail}/messages", detail, body="下周可以来实验室看样机。")
    post(world.as_enterprise, f"{detail}/messages", detail, body="好的，周三上午。")
    page = world.as_researcher.get(detail).get_data(as_text=True)
    assert page.index("下周可以来实验室看样机。") < page.index("好的，周三上午。")
    assert "已对接" in page


def test_accepting_your_own_proposal_is_forbidden(world):
    propose(world)
    pairing = the_pairing()
    detail = f"/pairings/{pairing.id}"
    assert "接受对接" not in world.as_researcher.get(detail).get_data(as_text=True)
    assert post(world.as_researcher, f"{detail}/accept", detail).status_code == 403
    assert the_pairing().status is PairingStatus.PROPOSED


def test_decline_needs_a_reason_and_the_proposer_sees_it(world):
    propose(world)
    pairing = the_pairing()
    detail = f"/pairings/{pairing.id}"
    response = post(world.as_enterprise, f"{detail}/decline", detail, reason="", reason_text="")
    assert response.status_code == 302 and the_pairing().status is PairingStatus.PROPOSED
    assert "请选择婉拒原因" in world.as_enterprise.get(detail).get_data(as_text=True)
    post(world.as_enterprise, f"{detail}/decline", detail, reason="other", reason_text="")
    assert the_pairing().status is PairingStatus.PROPOSED
    post(world.as_enterprise, f"{detail}/decline", detail, reason="budget_mismatch", reason_text="预算只有一半")
    assert the_pairing().status is PairingStatus.DECLINED
    page = world.as_researcher.get(detail).get_data(as_text=True)
    assert "预算或价格不匹配" in page and "预算只有一半" in page


def test_withdraw_by_the_proposer(world):
    propose(world)
    detail = f"/pairings/{the_pairing().id}"
    assert post(world.as_enterprise, f"{detail}/withdraw", detail).status_code == 403
    post(world.as_researcher, f"{detail}/withdraw", detail)
    assert the_pairing().status is PairingStatus.WITHDRAWN


def test_another_users_pairing_and_thread_are_not_found(world):
    propose(world)
    detail = f"/pairings/{the_pairing().id}"
    _, outsider = signed_in(world.app, Role.RESEARCHER)
    assert outsider.get(detail).status_code == 404
    token = csrf_token(outsider, "/pairings/")
    for action in ("messages", "accept", "withdraw", "decline"):
        response = outsider.post(f"{detail}/{action}", data={"csrf_token": token, "body": "打扰了", "reason": "too_early"})
        assert response.status_code == 404, action
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PairingMessage)) == 0
    _, admin = signed_in(world.app, Role.ADMIN)
    assert admin.get(detail).status_code == 200


def test_thread_pagination_ignores_a_query_argument_named_like_the_route_argument(world):
    propose(world)
    pairing = the_pairing()
    for body in ("一", "二"):
        post(world.as_enterprise, f"/pairings/{pairing.id}/messages", f"/pairings/{pairing.id}", body=body)
    response = world.as_enterprise.get(f"/pairings/{pairing.id}?per_page=1&pairing_id=999999")
    assert response.status_code == 200
    # the thread opens on its newest page; the link back keeps the route's own id
    assert f'href="/pairings/{pairing.id}?per_page=1&amp;page=1"' in response.get_data(as_text=True)


def test_pages_need_a_sign_in(world):
    visitor = isolated_client(world.app)
    assert visitor.get("/pairings/").status_code == 302
    assert visitor.get(f"/pairings/new?demand_id={world.demand.id}").status_code == 302


def test_every_post_needs_the_csrf_token(world):
    propose(world)
    pairing = the_pairing()
    detail = f"/pairings/{pairing.id}"
    urls = [f"/pairings/new?demand_id={world.demand.id}", f"{detail}/accept", f"{detail}/decline",
            f"{detail}/withdraw", f"{detail}/messages", f"/demands/{world.demand.id}/undertaking"]
    for browser in (world.as_enterprise, world.as_researcher):
        for url in urls:
            response = browser.post(url, data={"own_id": world.result.id, "message": "再来一次", "body": "你好",
                                               "reason": "too_early"})
            assert response.status_code == 400, url
    assert the_pairing().status is PairingStatus.PROPOSED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PairingMessage)) == 0


def test_my_pairings_filters_paginates_and_sweeps_overdue(world):
    propose(world)
    second = make_result(world.researcher, status="published", title="第二项成果")
    propose(world, result_id=second.id)
    db.session.rollback()
    old = db.session.scalar(sa.select(Pairing).where(Pairing.result_id == world.result.id))
    db.session.execute(sa.update(Pairing).where(Pairing.id == old.id)
                       .values(respond_by=old.respond_by - timedelta(days=30)))
    db.session.commit()
    page = world.as_enterprise.get("/pairings/").get_data(as_text=True)
    assert "已过期" in page and "待回复" in page
    db.session.rollback()
    assert db.session.get(Pairing, old.id).status is PairingStatus.EXPIRED
    expired_only = world.as_enterprise.get("/pairings/?status=expired").get_data(as_text=True)
    assert world.result.title in expired_only and "第二项成果" not in expired_only
    one = world.as_enterprise.get("/pairings/?per_page=1").get_data(as_text=True)
    assert "第 1 / 2 页" in one
    assert world.as_enterprise.get("/pairings/?status=nonsense").status_code == 422


def test_overdue_flag_on_list_and_detail(world):
    propose(world)
    db.session.execute(sa.update(Pairing).values(respond_by=the_pairing().respond_by - timedelta(days=15)))
    db.session.commit()
    assert "逾期未回复" in world.as_researcher.get("/pairings/").get_data(as_text=True)
    assert "已超过回复期限" in world.as_enterprise.get(f"/pairings/{the_pairing().id}").get_data(as_text=True)
    assert the_pairing().overdue_notified_at is not None


def test_confidential_demand_undertaking_connection_and_access_log(world):
    secret = make_demand(world.enterprise, status="published", visibility="confidential",
                         summary="公开摘要：储能安全预警", title="保密需求")
    page = f"/demands/{secret.id}"
    assert SECRET_TEXT not in world.as_researcher.get(page).get_data(as_text=True)
    propose(world, demand_id=secret.id)
    pairing = the_pairing()
    html = world.as_researcher.get(page).get_data(as_text=True)
    assert "签署保密承诺" in html and SECRET_TEXT not in html
    assert post(world.as_researcher, f"/demands/{secret.id}/undertaking", page).status_code == 302
    assert SECRET_TEXT not in world.as_researcher.get(page).get_data(as_text=True)  # not connected yet
    detail = f"/pairings/{pairing.id}"
    post(world.as_enterprise, f"{detail}/accept", detail)
    assert SECRET_TEXT in world.as_researcher.get(page).get_data(as_text=True)
    world.as_researcher.get(page)
    world.as_enterprise.get(page)  # the owner's reads are not logged
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisclosureLog)) == 2
    log = world.as_enterprise.get(f"/demands/{secret.id}/access-log")
    assert log.status_code == 200 and world.researcher.organization.name in log.get_data(as_text=True)
    assert world.as_researcher.get(f"/demands/{secret.id}/access-log").status_code == 403
    assert "查看保密内容访问日志" in world.as_enterprise.get(page).get_data(as_text=True)


def test_the_form_offers_to_propose_a_withdrawn_pair_again(ctx):
    """After a withdrawal the proposal form is shown again (with the old thread linked)."""
    from marketplace.services import pairings

    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result = make_result(researcher, status="published")
    pairing = pairings.propose_pairing(enterprise, demand.id, result.id, "首次留言", ctx.extensions["match_index"], 14)
    pairings.withdraw_pairing(enterprise, pairing.id)
    db.session.commit()
    browser = isolated_client(ctx)
    login(browser, enterprise)
    html = browser.get(f"/pairings/new?demand_id={demand.id}&result_id={result.id}").get_data(as_text=True)
    assert "再次发起会沿用原来的" in html and 'name="message"' in html
