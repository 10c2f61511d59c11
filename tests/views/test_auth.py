"""Web sign-up, sign-in, sign-out, sessions and passwords: status, redirects, database state."""
from __future__ import annotations

import pytest

from marketplace.services.accounts import LOGIN_FAILED
from models import AuthToken, Organization, Role, TokenKind, User, db
from tests.factories import PASSWORD, csrf_token, login, make_org, make_user

COOKIE = "innobridge_session"


def register_form(**overrides) -> dict:
    return {
        "account_type": "enterprise", "email": "new@example.com", "display_name": "王工",
        "password": "long-enough-pass-7", "confirm": "long-enough-pass-7",
        "organization_name": "苏州新能科技有限公司",
        "organization_region": "江苏省苏州市",
    } | overrides


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def session_token(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def signed_in(client) -> bool:
    response = client.get("/me/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


# --- register -------------------------------------------------------------------------------

def test_register_creates_account_and_organization_and_signs_in(client):
    data = register_form(csrf_token=csrf_token(client, "/auth/register"))
    response = client.post("/auth/register", data=data)

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/"
    db.session.expire_all()
    user = db.session.scalar(db.select(User).where(User.email == "new@example.com"))
    assert user.role is Role.ENTERPRISE and user.display_name == "王工"
    assert user.organization.name == "苏州新能科技有限公司"
    assert user.organization.region == "江苏省苏州市" and not user.organization.verified
    assert user.password_hash != data["password"]
    assert signed_in(client)


@pytest.mark.parametrize("overrides, message", [
    ({"confirm": "something-else-9"}, "两次输入的密码不一致。"),
    ({"password": "short", "confirm": "short"}, None),
    ({"email": "not-an-email"}, None),
    ({"organization_name": ""}, "请填写机构名称。"),
    ({"account_type": "admin"}, None),  # not an option of the form
    ({"account_type": "service"}, None),  # 服务机构: operators only, never a sign-up
    ({"account_type": ""}, None),
])
def test_register_errors_are_shown_and_nothing_is_written(client, overrides, message):
    data = register_form(csrf_token=csrf_token(client, "/auth/register")) | overrides
    response = client.post("/auth/register", data=data)

    assert response.status_code == 400
    if message:
        assert message in response.get_data(as_text=True)
    assert count(User) == 0 and count(Organization) == 0
    assert not signed_in(client)


@pytest.mark.parametrize("account_type, role, kind", [
    ("enterprise", Role.ENTERPRISE, "enterprise"), ("university", Role.RESEARCHER, "university"),
    ("institute", Role.RESEARCHER, "institute"), ("center", Role.CENTER, "center"),
])
def test_one_question_decides_role_and_organization_kind(client, account_type, role, kind):
    form_page = client.get("/auth/register").get_data(as_text=True)
    assert form_page.count("<select") == 1 and 'name="organization_kind"' not in form_page  # asked once
    data = register_form(csrf_token=csrf_token(client, "/auth/register"), account_type=account_type)
    assert client.post("/auth/register", data=data).status_code == 302
    db.session.expire_all()
    user = db.session.scalar(db.select(User).where(User.email == "new@example.com"))
    assert user.role is role and user.organization.kind.value == kind


def test_register_refuses_an_existing_organization_name(client):
    make_org(name="苏州新能科技有限公司")
    data = register_form(csrf_token=csrf_token(client, "/auth/register"))
    response = client.post("/auth/register", data=data)

    assert response.status_code == 400
    assert "该机构已在平台注册" in response.get_data(as_text=True)
    assert count(User) == 0 and count(Organization) == 1


def test_register_racing_another_sign_up_of_the_organization_is_a_form_error(client, monkeypatch):
    from marketplace.services import accounts
    make_org(name="苏州新能科技有限公司")
    monkeypatch.setattr(accounts, "_find_org", lambda name: None)  # the other sign-up committed after the check
    response = client.post("/auth/register", data=register_form(csrf_token=csrf_token(client, "/auth/register")))
    assert response.status_code == 400
    assert "该机构已在平台注册" in response.get_data(as_text=True)
    assert count(User) == 0 and count(Organization) == 1


def test_register_refuses_an_email_already_taken(client):
    make_user(email="new@example.com")
    response = client.post("/auth/register", data=register_form(csrf_token=csrf_token(client, "/auth/register")))

    assert response.status_code == 400
    assert "该邮箱已注册。" in response.get_data(as_text=True)
    assert count(User) == 1


def test_register_without_csrf_token_is_refused(client):
    response = client.post("/auth/register", data=register_form())
    assert response.status_code == 400
    assert count(User) == 0


# --- login ----------------------------------------------------------------------------------

def test_login_redirects_to_workspace_and_signs_in(client):
    user = make_user()
    response = login(client, user)

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/"
    assert signed_in(client)


def test_login_email_is_case_insensitive(client):
    user = make_user(email="mixed@example.com")
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"email": "MIXED@Example.com", "password": PASSWORD,
                                                "csrf_token": token})
    assert response.status_code == 302
    assert user.email == "mixed@example.com"


@pytest.mark.parametrize("target, expected", [
    ("/demands/?field=ai", "/demands/?field=ai"),
    ("/results/", "/results/"),
    ("//evil.com", "/me/"),
    ("//evil.com/demands/", "/me/"),
    ("https://evil.com", "/me/"),
    ("https://evil.com/me/", "/me/"),
    ("///evil.com", "/me/"),  # urlsplit sees no host here, browsers do
    ("////evil.com", "/me/"),  # Werkzeug folds it to "//evil.com" in Location
    ("/\\evil.com", "/me/"),
    ("/\\/evil.com", "/me/"),
    ("javascript:alert(1)", "/me/"),
    ("evil.com", "/me/"),
    ("/\t/evil.com", "/me/"),  # browsers drop the tab: "//evil.com"
    ("/\n/evil.com", "/me/"),  # and the newline (which a header cannot hold: it was a 500)
    ("/\t//evil.com", "/me/"),
])
def test_login_follows_next_only_for_same_site_paths(client, target, expected):
    user = make_user()
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_unknown_email_and_wrong_password_get_the_same_answer(client):
    user = make_user()
    token = csrf_token(client, "/auth/login")
    wrong = client.post("/auth/login", data={"email": user.email, "password": "not-the-password",
                                             "csrf_token": token})
    unknown = client.post("/auth/login", data={"email": "nobody@example.com", "password": PASSWORD,
                                               "csrf_token": token})

    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        text = response.get_data(as_text=True)
        assert LOGIN_FAILED in text
        assert "该邮箱" not in text  # no hint whether the address exists
    assert not signed_in(client)


def test_inactive_account_cannot_sign_in(client):
    user = make_user(is_active=False)
    assert login(client, user).status_code == 401
    assert not signed_in(client)


def test_login_without_csrf_token_is_refused(client):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert session_token(client) is None
    assert not signed_in(client)
    assert count(AuthToken) == 0


def test_eleventh_failed_login_within_a_minute_is_rate_limited(client):
    user = make_user()
    token = csrf_token(client, "/auth/login")
    bad = {"email": user.email, "password": "wrong-password-0", "csrf_token": token}
    statuses = [client.post("/auth/login", data=bad).status_code for _ in range(10)]
    assert statuses == [401] * 10

    limited = client.post("/auth/login", data=bad | {"password": PASSWORD})
    assert limited.status_code == 429
    assert not signed_in(client)


def test_session_cookie_is_httponly_and_samesite_lax(client):
    response = login(client, make_user())
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{COOKIE}=")]
    assert cookies
    attributes = [part.strip().lower() for part in cookies[-1].split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_each_login_starts_a_fresh_server_session(client):
    user = make_user()
    login(client, user)
    first = session_token(client)
    login(client, user)
    second = session_token(client)

    assert first and second and first != second
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(AuthToken)
                             .where(AuthToken.kind == TokenKind.WEB, AuthToken.user_id == user.id)) == 2


def test_login_drops_what_the_session_held_before(client):
    """Session fixation: values planted before sign-in do not survive it."""
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    login(client, make_user())
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_forged_session_token_does_not_sign_in(client):
    with client.session_transaction() as session:
        session["_user_id"] = "made-up-token"
    assert not signed_in(client)


# --- logout ---------------------------------------------------------------------------------

def test_logout_is_post_only(client):
    login(client, make_user())
    assert client.get("/auth/logout").status_code == 405
    assert signed_in(client)


def test_logout_without_csrf_token_is_refused(client):
    login(client, make_user())
    assert client.post("/auth/logout").status_code == 400
    assert signed_in(client)


def test_logout_ends_the_session(client):
    login(client, make_user())
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/me/")})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert not signed_in(client)
    db.session.expire_all()
    assert db.session.scalar(db.select(AuthToken.revoked_at)) is not None


def test_replayed_cookie_no_longer_authenticates_after_logout(client, new_client):
    login(client, make_user())
    stolen = client.get_cookie(COOKIE).value

    before = new_client()
    before.set_cookie(COOKIE, stolen, domain="localhost")
    assert before.get("/me/").status_code == 200  # the copy works while the session lives

    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/me/")})

    replay = new_client()
    replay.set_cookie(COOKIE, stolen, domain="localhost")
    response = replay.get("/me/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# --- account pages --------------------------------------------------------------------------

def test_workspace_needs_sign_in(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_profile_update(client):
    user = make_user()
    login(client, user)
    token = csrf_token(client, "/me/profile")
    response = client.post("/me/profile", data={"display_name": "新名字", "region": "浙江省杭州市",
                                                "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.display_name == "新名字" and user.organization.region == "浙江省杭州市"


def test_password_change_ends_other_sessions(client, new_client):
    user = make_user()
    other_device = new_client()
    login(other_device, user)
    login(client, user)
    assert signed_in(other_device)

    token = csrf_token(client, "/me/profile")
    response = client.post("/me/password", data={
        "current_password": PASSWORD, "new_password": "a-brand-new-pass-9",
        "confirm": "a-brand-new-pass-9", "csrf_token": token})

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/profile"
    assert signed_in(client)
    assert not signed_in(other_device)
    fresh = new_client()
    assert login(fresh, user, "a-brand-new-pass-9").status_code == 302
    assert login(new_client(), user, PASSWORD).status_code == 401


def test_password_change_with_wrong_current_password_changes_nothing(client, new_client):
    user = make_user()
    other_device = new_client()
    login(other_device, user)
    login(client, user)
    old_hash = user.password_hash

    token = csrf_token(client, "/me/profile")
    response = client.post("/me/password", data={
        "current_password": "not-my-password", "new_password": "a-brand-new-pass-9",
        "confirm": "a-brand-new-pass-9", "csrf_token": token})

    assert response.status_code == 400
    assert "当前密码不正确。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash
    assert signed_in(other_device)


def test_an_api_token_in_the_session_cookie_does_not_sign_in(client):
    user = make_user()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        session["_user_id"] = response.get_json()["token"]
    assert not signed_in(client)


@pytest.mark.parametrize("value", ["", " ", "x" * 300, "<script>", "9" * 400, "\u202e", "邮箱@例子.中国"])
def test_odd_registration_values_are_never_server_errors(client, value):
    token = csrf_token(client, "/auth/register")
    for name in register_form():
        response = client.post("/auth/register", data=register_form(csrf_token=token, **{name: value}))
        assert response.status_code in (302, 400), (name, value)
        if response.status_code == 302:
            client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/me/")})
