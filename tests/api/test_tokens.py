"""API authentication: tokens, bearer headers, and the wall between web sessions and the API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from models import AuthToken, Demand, Role, db
from tests.factories import PASSWORD, api_token, csrf_token, demand_data, login, make_user


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"] and isinstance(error["fields"], dict)
    return error


def test_token_is_issued_for_good_credentials(client):
    user = make_user()
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})

    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"} and len(body["token"]) >= 32
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert expires > datetime.now(timezone.utc) + timedelta(days=1)
    db.session.expire_all()
    row = db.session.scalar(db.select(AuthToken))
    assert row.user_id == user.id and row.token_hash != body["token"]  # only a hash is stored

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["email"] == user.email


def test_wrong_password_and_unknown_email_get_identical_answers(client):
    user = make_user()
    wrong = client.post("/api/v1/tokens", json={"email": user.email, "password": "not-the-password"})
    unknown = client.post("/api/v1/tokens", json={"email": "nobody@example.com", "password": PASSWORD})

    assert_error(wrong, 401, "unauthorized")
    assert wrong.get_json() == unknown.get_json()
    assert unknown.status_code == 401
    assert db.session.scalar(db.select(db.func.count()).select_from(AuthToken)) == 0


@pytest.mark.parametrize("kwargs", [
    {"data": "{not json", "content_type": "application/json"},
    {"data": "email=a&password=b", "content_type": "application/x-www-form-urlencoded"},
    {"json": ["a", "b"]},
    {"json": "just a string"},
    {"json": None},
])
def test_malformed_bodies_are_validation_errors(client, kwargs):
    response = client.post("/api/v1/tokens", **kwargs)
    assert response.status_code in (400, 422)
    assert_error(response, response.status_code, "validation_error")


@pytest.mark.parametrize("body", [{}, {"email": None, "password": None}, {"email": 42, "password": ["x"]},
                                  {"email": {"a": 1}, "password": {"b": 2}}])
def test_odd_credentials_are_401_not_500(client, body):
    assert_error(client.post("/api/v1/tokens", json=body), 401, "unauthorized")


def test_token_creation_is_rate_limited(client):
    user = make_user()
    bad = {"email": user.email, "password": "wrong-password-0"}
    assert [client.post("/api/v1/tokens", json=bad).status_code for _ in range(10)] == [401] * 10
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert_error(response, 429, "rate_limited")


def test_me_needs_a_bearer_token(client):
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")


@pytest.mark.parametrize("header", ["Bearer not-a-real-token", "Bearer " + "x" * 500, "Basic dXNlcjpwYXNz",
                                    "Bearer", "token abc"])
def test_invalid_authorization_headers_are_401(client, header):
    assert_error(client.get("/api/v1/me", headers={"Authorization": header}), 401, "unauthorized")


def test_a_present_but_invalid_token_is_401_even_on_public_endpoints(client):
    response = client.get("/api/v1/demands", headers={"Authorization": "Bearer wrong"})
    assert_error(response, 401, "unauthorized")


def test_expired_token_is_401(client):
    headers = api_token(client, make_user())
    db.session.execute(db.update(AuthToken).values(expires_at=datetime(2020, 1, 1)))
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_revoked_token_is_401(client):
    headers = api_token(client, make_user())
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_token_of_an_inactive_account_is_401(client):
    user = make_user()
    headers = api_token(client, user)
    user.is_active = False
    db.session.commit()
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_password_change_revokes_api_tokens(client, new_client):
    user = make_user()
    headers = api_token(client, user)
    browser = new_client()
    login(browser, user)
    token = csrf_token(browser, "/me/profile")
    response = browser.post("/me/password", data={"current_password": PASSWORD, "new_password": "fresh-pass-word-8",
                                                   "confirm": "fresh-pass-word-8", "csrf_token": token})
    assert response.status_code == 302
    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")


def test_me_describes_the_caller(client):
    user = make_user(Role.RESEARCHER)
    body = client.get("/api/v1/me", headers=api_token(client, user)).get_json()
    assert body["id"] == user.id and body["email"] == user.email and body["role"] == "researcher"
    assert body["organization"] == {"id": user.organization.id, "name": user.organization.name,
                                    "kind": "university", "region": "上海市", "verified": False}


def test_web_session_does_not_authorize_the_api(client):
    login(client, make_user())
    assert client.get("/me/").status_code == 200  # signed in on the web
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")
    assert_error(client.post("/api/v1/demands", json=demand_data()), 401, "unauthorized")
    assert db.session.scalar(db.select(db.func.count()).select_from(Demand)) == 0


def test_api_token_does_not_authorize_web_pages_or_forms(client):
    headers = api_token(client, make_user())
    page = client.get("/me/", headers=headers)
    assert page.status_code == 302 and page.headers["Location"].startswith("/auth/login")
    form = dict(demand_data(), keywords="储能", status="published")
    assert client.post("/demands/new", data=form, headers=headers).status_code == 400  # no CSRF token
    form["csrf_token"] = csrf_token(client, "/auth/login")  # a visitor's valid token: only the sign-in is missing
    response = client.post("/demands/new", data=form, headers=headers)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert db.session.scalar(db.select(db.func.count()).select_from(Demand)) == 0
