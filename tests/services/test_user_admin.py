"""Operators manage accounts: find, read, disable (every session and token ends at once; the user
reads why at sign-in, and only after giving the right password), enable, move to another
organization or role — operators only, a reason always, each move from the state it needs, on
the web, the API and under simultaneous requests."""
from __future__ import annotations

from marketplace.localtime import local_today
from collections import Counter

import pytest

from marketplace.services import accounts, user_admin
from marketplace.services.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from models import AuditEntry, OrgKind, Role, User, db
from tests.factories import PASSWORD, api_token, csrf_token, login, make_org, make_user
from tests.live import Browser, at_once, token_headers


def fresh(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def test_disable_ends_every_session_and_token_and_the_user_reads_why(client, new_client):
    admin, member = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    browser = new_client()
    login(browser, member)
    assert browser.get("/me/").status_code == 200
    member_token = api_token(new_client(), member)
    assert client.get("/api/v1/me", headers=member_token).status_code == 200

    headers = api_token(client, admin)
    body = client.post(f"/api/v1/admin/users/{member.id}/disable", json={"reason": "发布广告"}, headers=headers).get_json()
    assert (body["is_active"], body["disabled_reason"]) == (False, "发布广告") and body["disabled_at"]

    assert browser.get("/me/").status_code == 302  # the old cookie no longer signs anyone in
    assert client.get("/api/v1/me", headers=member_token).status_code == 401
    refused = client.post("/api/v1/tokens", json={"email": member.email, "password": PASSWORD})
    assert refused.status_code == 401 and "发布广告" in refused.get_json()["error"]["message"]
    wrong = client.post("/api/v1/tokens", json={"email": member.email, "password": "not-the-password"})
    assert wrong.status_code == 401 and "发布广告" not in wrong.get_data(as_text=True)  # no one else learns it
    page = new_client()
    token = csrf_token(page, "/auth/login")
    answer = page.post("/auth/login", data={"csrf_token": token, "email": member.email, "password": PASSWORD})
    assert answer.status_code == 401 and "该账号已被平台停用（原因：发布广告）" in answer.get_data(as_text=True)
    assert [e.action for e in db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "auth.login_refused"))] == ["auth.login_refused", "auth.login_refused"]


def test_enable_lets_the_user_sign_in_again_with_a_new_session(client, new_client):
    admin, member = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    user_admin.disable_user(admin, member.id, "核查中")
    db.session.commit()
    with pytest.raises(Unauthorized):
        accounts.authenticate(member.email, PASSWORD)
    user_admin.enable_user(admin, member.id, "核查完毕")
    db.session.commit()
    assert (fresh(member.id).is_active, fresh(member.id).disabled_reason, fresh(member.id).disabled_at) == (True, "", None)
    browser = new_client()
    login(browser, member)
    assert browser.get("/me/").status_code == 200


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER])
def test_only_operators_manage_users_and_others_learn_nothing(ctx, role):
    caller, target = make_user(role), make_user(Role.ENTERPRISE)
    for move in (lambda: user_admin.get_user(caller, target.id),
                 lambda: user_admin.list_users(caller, "", "", "", 1, 20),
                 lambda: user_admin.disable_user(caller, target.id, "x"),
                 lambda: user_admin.enable_user(caller, target.id, "x"),
                 lambda: user_admin.change_membership(caller, target.id, {"organization_id": caller.organization_id,
                                                                         "role": "enterprise", "reason": "x"})):
        with pytest.raises(NotFound):
            move()
    assert fresh(target.id).is_active and fresh(target.id).organization_id == target.organization_id


def test_each_move_only_from_its_state_and_never_on_oneself(ctx):
    admin, member = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    with pytest.raises(Conflict):
        user_admin.enable_user(admin, member.id, "x")  # not disabled
    with pytest.raises(Conflict):
        user_admin.disable_user(admin, admin.id, "x")  # oneself: the last operator could lock everyone out
    user_admin.disable_user(admin, member.id, "x")
    db.session.commit()
    with pytest.raises(Conflict):
        user_admin.disable_user(admin, member.id, "again")
    db.session.rollback()
    assert fresh(member.id).disabled_reason == "x" and fresh(admin.id).is_active


@pytest.mark.parametrize("reason", [None, "", "   ", "长" * 501, 5, ["x"]])
def test_a_reason_is_required_and_bounded(ctx, reason):
    admin, member = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    with pytest.raises(ValidationFailed) as refused:
        user_admin.disable_user(admin, member.id, reason)
    assert set(refused.value.fields) == {"reason"}
    db.session.rollback()
    assert fresh(member.id).is_active


def test_unknown_and_huge_ids_are_not_found(ctx):
    admin = make_user(Role.ADMIN)
    for user_id in (0, 99999, 2**31, 2**63):
        with pytest.raises(NotFound):
            user_admin.disable_user(admin, user_id, "x")


def test_the_list_searches_and_filters(ctx):
    admin = make_user(Role.ADMIN)
    alice = make_user(Role.ENTERPRISE, email="alice@hudong.cn", display_name="张三")
    bob = make_user(Role.RESEARCHER, organization=make_org(OrgKind.UNIVERSITY, name="复旦大学（测试）"))
    user_admin.disable_user(admin, bob.id, "x")
    db.session.commit()

    def ids(q="", role="", status=""):
        return [u.id for u in user_admin.list_users(admin, q, role, status, 1, 50).items]

    assert ids("ALICE@") == [alice.id] and ids("张三") == [alice.id] and ids("复旦") == [bob.id]
    assert ids(role="researcher") == [bob.id] and ids(status="disabled") == [bob.id]
    assert ids("%") == [] and ids("_") == []  # wildcards are literal
    assert set(ids(status="active")) == {admin.id, alice.id}
    assert set(ids(role="nonsense")) == {admin.id, alice.id, bob.id}  # unknown filters are ignored


def test_membership_moves_within_the_kinds_each_role_suits(ctx):
    admin, member = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    other_enterprise, university = make_org(OrgKind.ENTERPRISE), make_org(OrgKind.UNIVERSITY)
    with pytest.raises(ValidationFailed) as refused:
        user_admin.change_membership(admin, member.id, {"organization_id": university.id, "role": "enterprise", "reason": "调岗"})
    assert set(refused.value.fields) == {"role"}
    with pytest.raises(ValidationFailed) as refused:
        user_admin.change_membership(admin, member.id, {"organization_id": "999999", "role": "bogus", "reason": ""})
    assert set(refused.value.fields) == {"organization_id", "role", "reason"}
    with pytest.raises(Conflict):
        user_admin.change_membership(admin, member.id, {"organization_id": member.organization_id,
                                                        "role": "enterprise", "reason": "无变化"})
    db.session.rollback()
    before = member.organization_id
    user_admin.change_membership(admin, member.id, {"organization_id": str(university.id), "role": "researcher", "reason": "转入高校"})
    db.session.commit()
    moved = fresh(member.id)
    assert (moved.organization_id, moved.role) == (university.id, Role.RESEARCHER)
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "user.membership"))
    assert entry.actor_id == admin.id and entry.note == "转入高校"
    assert entry.changes == {"organization_id": [before, university.id], "role": ["enterprise", "researcher"]}
    with pytest.raises(Conflict):
        user_admin.change_membership(admin, admin.id, {"organization_id": other_enterprise.id, "role": "enterprise", "reason": "x"})


def test_the_console_pages_and_actions(client):
    admin = make_user(Role.ADMIN)
    member = make_user(Role.ENTERPRISE, display_name="李四")
    login(client, admin)
    listing = client.get("/admin/users?q=李四")
    assert listing.status_code == 200 and f"/admin/users/{member.id}" in listing.get_data(as_text=True)
    detail = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert f"/admin/users/{member.id}/disable" in detail and "user.create" in detail
    assert client.get("/admin/users/999999").status_code == 404
    token = csrf_token(client, f"/admin/users/{member.id}")
    assert client.post(f"/admin/users/{member.id}/disable", data={"csrf_token": token, "reason": ""}).status_code == 302
    assert fresh(member.id).is_active  # refused: no reason
    client.post(f"/admin/users/{member.id}/disable", data={"csrf_token": token, "reason": "冒用他人资料"})
    assert not fresh(member.id).is_active
    page = client.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert "冒用他人资料" in page and f"/admin/users/{member.id}/enable" in page
    client.post(f"/admin/users/{member.id}/enable", data={"csrf_token": token, "reason": "已核实"})
    assert fresh(member.id).is_active
    wrong = client.post(f"/admin/users/{member.id}/membership",
                        data={"csrf_token": token, "organization_id": "abc", "role": "enterprise", "reason": "调岗"})
    assert wrong.status_code == 422 and "请填写存在的机构编号" in wrong.get_data(as_text=True)
    assert "调岗" in wrong.get_data(as_text=True)  # what was typed is kept
    own = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "/disable" not in own and "这是您自己的账号" in own


@pytest.mark.parametrize("path", ["/admin/", "/admin/users", "/admin/audit", "/admin/audit.csv"])
def test_the_console_is_the_operators_alone(client, path):
    assert client.get(path).status_code == 302  # anonymous: sign in first
    login(client, make_user(Role.ENTERPRISE))
    assert client.get(path).status_code == 403


def test_the_console_home_counts_its_queues(client):
    from datetime import timedelta

    from tests.factories import make_demand

    admin = make_user(Role.ADMIN)
    make_org(OrgKind.ENTERPRISE, name="待认证企业甲")
    make_org(OrgKind.CENTER, name="待认证中心乙")
    owner = make_user(Role.ENTERPRISE)
    make_demand(owner, title="下周截止的需求", status="published",
                deadline=(local_today() + timedelta(days=7)).isoformat())
    make_demand(owner, title="远期需求", status="published", deadline=(local_today() + timedelta(days=60)).isoformat())
    login(client, admin)
    page = client.get("/admin/").get_data(as_text=True)
    assert "待认证企业甲" in page and "待认证中心乙" in page and "下周截止的需求" in page and "远期需求" not in page


def test_the_api_refuses_others_and_answers_operators(client):
    admin, member = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    headers, other = api_token(client, admin), api_token(client, make_user(Role.RESEARCHER))
    for method, path, body in (("get", "/api/v1/admin/users", None), ("get", f"/api/v1/admin/users/{member.id}", None),
                               ("post", f"/api/v1/admin/users/{member.id}/disable", {"reason": "x"}),
                               ("post", f"/api/v1/admin/users/{member.id}/enable", {"reason": "x"})):
        assert getattr(client, method)(path, json=body, headers=other).status_code == 404
        assert getattr(client, method)(path, json=body).status_code == 401
    assert fresh(member.id).is_active
    listed = client.get("/api/v1/admin/users?status=active&role=enterprise", headers=headers).get_json()
    assert [u["id"] for u in listed["items"]] == [member.id] and listed["items"][0]["is_active"] is True
    refused = client.post(f"/api/v1/admin/users/{member.id}/disable", json={}, headers=headers)
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"reason"}
    assert client.post(f"/api/v1/admin/users/{member.id}/enable", json={"reason": "x"}, headers=headers).status_code == 409


def test_simultaneous_disables_disable_once(live):
    admin, member = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    path = f"/api/v1/admin/users/{member.id}/disable"
    headers = token_headers(live, admin.email, PASSWORD)
    answers = at_once(10, lambda i: Browser(live).post(path, json_body={"reason": f"理由 {i}"}, headers=headers))
    assert Counter(a.status for a in answers) == {200: 1, 409: 9}
    assert db.session.query(AuditEntry).filter_by(action="user.disable").count() == 1
    winner = next(a for a in answers if a.status == 200).json()["disabled_reason"]
    assert fresh(member.id).disabled_reason == winner


def test_an_organizations_file_shows_members_every_listing_pairings_and_history(client):
    from marketplace.services import moderation, organization_review
    from tests.factories import make_connected_pairing, make_demand, make_result

    admin = make_user(Role.ADMIN)
    owner = make_user(Role.ENTERPRISE, display_name="负责人甲")
    disabled = make_user(Role.ENTERPRISE, organization=owner.organization, display_name="已停用乙")
    user_admin.disable_user(admin, disabled.id, "离职")
    make_demand(owner, title="尚未发布的草稿")
    hidden = make_demand(owner, title="被隐藏的需求", status="published")
    moderation.hide(admin, "demand", hidden.id, "广告")
    pairing = make_connected_pairing(make_demand(owner, title="已对接的需求", status="published"),
                                     make_result(make_user(Role.RESEARCHER), status="published"))
    organization_review.reject_organization(admin, owner.organization_id, "营业执照模糊")
    db.session.commit()
    login(client, admin)
    page = client.get(f"/admin/organizations/{owner.organization_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for expected in ("负责人甲", "已停用乙", "尚未发布的草稿", "被隐藏的需求", f"/pairings/{pairing.id}",
                     "organization.reject", "营业执照模糊"):
        assert expected in text, expected
    assert client.get("/admin/organizations/999999").status_code == 404
    assert f"/admin/organizations/{owner.organization_id}" in client.get("/admin/organizations").get_data(as_text=True)
    login(client, owner)
    assert client.get(f"/admin/organizations/{owner.organization_id}").status_code == 403
