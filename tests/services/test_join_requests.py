"""Joining a registered organization: a request at sign-up, decided by the organization's owner
(its first active member) or an operator; the account exists only once approved; nobody else
learns of the request (404); each request decided once."""
from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from marketplace.services import accounts, join_requests
from marketplace.services.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from models import AuditEntry, JoinRequest, JoinStatus, Notification, NotificationKind, OrgKind, Role, User, db
from tests.factories import PASSWORD, csrf_token, login, make_org, make_user
from tests.live import Browser, at_once

JOINER_PASSWORD = "joiner-pass-2026"


def ask(org, **overrides) -> JoinRequest:
    data = {"email": "new.member@example.com", "password": JOINER_PASSWORD, "role": "enterprise",
            "display_name": "新成员", "message": "研发部张工", "organization": {"name": org.name}} | overrides
    return join_requests.request_to_join(data)


def test_the_owner_approves_and_the_new_member_signs_in_with_the_password_chosen(ctx):
    owner = make_user(Role.ENTERPRISE)
    second = make_user(Role.ENTERPRISE, organization=owner.organization)
    row = ask(owner.organization)
    db.session.commit()
    assert db.session.scalar(sa.select(User.id).where(User.email == "new.member@example.com")) is None
    with pytest.raises(Unauthorized):  # nothing can sign in before the approval
        accounts.authenticate("new.member@example.com", JOINER_PASSWORD)
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == NotificationKind.JOIN_REQUEST))
    assert owner.id in set(told) and second.id not in set(told)
    assert [r.id for r in join_requests.pending_for(owner)] == [row.id] and join_requests.pending_for(second) == []
    with pytest.raises(NotFound):  # a member who is not the owner
        join_requests.approve(second, row.id)
    user = join_requests.approve(owner, row.id)
    db.session.commit()
    assert (user.organization_id, user.role, user.display_name) == (owner.organization_id, Role.ENTERPRISE, "新成员")
    assert accounts.authenticate("new.member@example.com", JOINER_PASSWORD).id == user.id
    decided = db.session.get(JoinRequest, row.id)
    assert (decided.status, decided.decided_by_id, decided.user_id) == (JoinStatus.APPROVED, owner.id, user.id)
    with pytest.raises(Conflict):
        join_requests.approve(owner, row.id)
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "join_request.approve"))
    assert entry.actor_id == owner.id and entry.changes["status"] == ["pending", "approved"]
    [created] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "join_request.create"))
    assert created.changes["password_hash"] == [None, "‹已隐去›"]  # the chosen password's hash is not copied


def test_operators_decide_any_request_and_others_learn_nothing(ctx):
    owner, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    row = ask(owner.organization)
    for outsider in (make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER), None):
        with pytest.raises(NotFound):
            join_requests.approve(outsider, row.id)
        with pytest.raises(NotFound):
            join_requests.decline(outsider, row.id)
    assert [r.id for r in join_requests.pending_for(admin)] == [row.id]
    join_requests.decline(admin, row.id, "查无此人")
    db.session.commit()
    assert db.session.get(JoinRequest, row.id).status is JoinStatus.DECLINED
    assert db.session.scalar(sa.select(User.id).where(User.email == "new.member@example.com")) is None
    with pytest.raises(NotFound):
        join_requests.approve(admin, 2**31)


@pytest.mark.parametrize("overrides, field", [
    ({"organization": {"name": "不存在的机构"}}, "organization.name"),
    ({"role": "researcher"}, "role"),  # an enterprise's member is an enterprise user
    ({"role": "admin"}, "role"),
    ({"email": "taken@example.com"}, "email"),
    ({"password": "short"}, "password"),
    ({"message": "长" * 501}, "message"),
])
def test_a_request_is_checked_like_a_sign_up(ctx, overrides, field):
    owner = make_user(Role.ENTERPRISE)
    make_user(Role.ENTERPRISE, email="taken@example.com")
    with pytest.raises(ValidationFailed) as refused:
        ask(owner.organization, **overrides)
    assert field in refused.value.fields


def test_one_pending_request_per_address(ctx):
    owner = make_user(Role.ENTERPRISE)
    ask(owner.organization)
    with pytest.raises(ValidationFailed) as refused:
        ask(make_user(Role.ENTERPRISE).organization)
    assert "email" in refused.value.fields


def test_an_address_registered_meanwhile_cannot_be_approved(ctx):
    owner = make_user(Role.ENTERPRISE)
    row = ask(owner.organization)
    db.session.commit()
    make_user(Role.RESEARCHER, email="new.member@example.com")
    with pytest.raises(Conflict):
        join_requests.approve(owner, row.id)
    db.session.rollback()
    assert db.session.get(JoinRequest, row.id).status is JoinStatus.PENDING


def test_signing_up_to_join_on_the_web_and_approving_in_the_workspace(client, new_client):
    owner = make_user(Role.RESEARCHER, organization=make_org(OrgKind.UNIVERSITY, name="华东理工大学（测试）"))
    page = new_client()
    token = csrf_token(page, "/auth/register")
    form = {"csrf_token": token, "account_type": "university", "email": "li.si@ecust.example.cn", "display_name": "李四",
            "password": JOINER_PASSWORD, "confirm": JOINER_PASSWORD, "organization_name": "华东理工大学（测试）",
            "organization_region": "上海"}
    refused = page.post("/auth/register", data=form)
    assert refused.status_code == 400 and "申请加入该机构" in refused.get_data(as_text=True)
    answer = page.post("/auth/register", data=form | {"join": "y", "join_message": "化工学院李四"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/auth/login")
    login(client, owner)
    workspace = client.get("/me/").get_data(as_text=True)
    assert "加入机构的申请" in workspace and "li.si@ecust.example.cn" in workspace and "化工学院李四" in workspace
    row = db.session.scalars(sa.select(JoinRequest)).one()
    token = csrf_token(client, "/me/")
    assert client.post(f"/me/join-requests/{row.id}/approve", data={"csrf_token": token}).status_code == 302
    joined = new_client()
    login(joined, db.session.scalar(sa.select(User).where(User.email == "li.si@ecust.example.cn")), JOINER_PASSWORD)
    assert "华东理工大学（测试）" in joined.get("/me/").get_data(as_text=True)


def test_simultaneous_approvals_create_one_account(live):
    owner, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    row_id = ask(owner.organization).id
    db.session.commit()
    browsers = []
    for user in (owner, admin):
        browser = Browser(live)
        browser.sign_in(user.email, PASSWORD)
        browsers.append((browser, browser.form_fields("/me/profile")["csrf_token"]))
    answers = at_once(6, lambda i: browsers[i % 2][0].post(f"/me/join-requests/{row_id}/approve",
                                                           form={"csrf_token": browsers[i % 2][1]}))
    assert Counter(a.status for a in answers) == {302: 6}  # the losers are sent back with a message
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                             .where(User.email == "new.member@example.com")) == 1
    assert db.session.get(JoinRequest, row_id).status is JoinStatus.APPROVED
