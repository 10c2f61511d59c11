"""Rate limits (issue 7): sign-in per account and address, per account, per address (failures
only); throttled writes; every 429 says when to come back. Limits are read from the config at
request time, so tests lower them with monkeypatch instead of making hundreds of requests."""
from __future__ import annotations

import pytest

from models import Demand, PairingMessage, Role, User, db
from tests.factories import (
    PASSWORD, api_token, csrf_token, demand_data, login, make_connected_pairing, make_demand, make_result,
    make_user,
)

ADDRESS_A, ADDRESS_B = "198.51.100.7", "203.0.113.9"


def web_login(client, user_or_email, password: str, address: str = ADDRESS_A):
    email = getattr(user_or_email, "email", user_or_email)
    token = csrf_token(client, "/auth/login")
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def api_login(client, user, password: str, address: str = ADDRESS_A):
    return client.post("/api/v1/tokens", json={"email": user.email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def assert_limited(response) -> None:
    assert response.status_code == 429, response.get_data(as_text=True)[:300]
    assert int(response.headers["Retry-After"]) > 0


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_web_login_and_token_failures_share_the_account_and_address_count(client):
    user = make_user()
    statuses = [web_login(client, user, "wrong-password-1").status_code for _ in range(5)]
    statuses += [api_login(client, user, "wrong-password-1").status_code for _ in range(5)]
    assert statuses == [401] * 10
    assert_limited(api_login(client, user, PASSWORD))
    assert_limited(web_login(client, user, PASSWORD))
    # the same account from another address is still let in
    assert api_login(client, user, PASSWORD, address=ADDRESS_B).status_code == 201


def test_an_account_is_limited_across_addresses(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ACCOUNT", "6 per hour")
    user = make_user()
    addresses = [f"192.0.2.{n}" for n in range(1, 7)]
    assert [api_login(client, user, "wrong-password-1", a).status_code for a in addresses] == [401] * 6
    assert_limited(api_login(client, user, PASSWORD, address="192.0.2.99"))
    assert api_login(client, make_user(), PASSWORD, address="192.0.2.99").status_code == 201  # others unaffected


def test_someone_elses_failures_do_not_lock_out_a_neighbour_behind_the_same_address(client):
    victim_of_guessing, neighbour = make_user(), make_user()
    for _ in range(12):
        api_login(client, victim_of_guessing, "wrong-password-1")
    assert_limited(api_login(client, victim_of_guessing, "wrong-password-1"))
    assert web_login(client, neighbour, PASSWORD).status_code == 302
    assert api_login(client, neighbour, PASSWORD).status_code == 201


def test_the_address_ceiling_counts_failures_across_accounts_only(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LOGIN_ADDRESS", "4 per minute")
    users = [make_user() for _ in range(6)]
    assert [api_login(client, u, PASSWORD).status_code for u in users] == [201] * 6  # successes are free
    assert [api_login(client, u, "wrong-password-1").status_code for u in users[:4]] == [401] * 4
    assert_limited(api_login(client, users[5], PASSWORD))
    assert api_login(client, users[5], PASSWORD, address=ADDRESS_B).status_code == 201


def test_an_unknown_email_is_limited_like_a_real_one(client):
    statuses = [api_login(client, User(email="nobody@example.com"), "whatever-123").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_a_wrong_current_password_is_limited_per_user(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PASSWORD_CHANGE", "3 per hour")
    user = make_user()
    login(client, user)
    token = csrf_token(client, "/me/profile")
    wrong = {"current_password": "not-my-password", "new_password": "brand-new-pass-77",
             "confirm": "brand-new-pass-77", "csrf_token": token}
    assert [client.post("/me/password", data=wrong).status_code for _ in range(3)] == [400] * 3
    assert_limited(client.post("/me/password", data=wrong | {"current_password": PASSWORD}))
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_registration_is_limited_per_address(client, new_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_REGISTRATION", "2 per hour")

    def register(n: int, address: str):
        browser = new_client()
        token = csrf_token(browser, "/auth/register")
        return browser.post("/auth/register", environ_base={"REMOTE_ADDR": address}, data={
            "account_type": "enterprise", "email": f"new{n}@example.com", "display_name": "新用户", "password": "long-enough-9",
            "confirm": "long-enough-9", "organization_name": f"新机构{n}",
            "organization_region": "上海市", "csrf_token": token})

    assert [register(n, ADDRESS_A).status_code for n in (1, 2)] == [302, 302]
    assert_limited(register(3, ADDRESS_A))
    assert register(4, ADDRESS_B).status_code == 302
    assert count(User) == 3


def test_messages_are_limited_per_user_across_web_and_api(client, new_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_MESSAGES", "4 per minute")
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    pairing = make_connected_pairing(make_demand(enterprise, status="published"),
                                     make_result(researcher, status="published"))
    login(client, researcher)
    token = csrf_token(client, f"/pairings/{pairing.id}")
    web = [client.post(f"/pairings/{pairing.id}/messages", data={"body": f"第{n}条", "csrf_token": token})
           for n in range(2)]
    assert [r.status_code for r in web] == [302, 302]
    headers = api_token(new_client(), researcher)
    api = [new_client().post(f"/api/v1/pairings/{pairing.id}/messages", json={"body": f"API {n}"}, headers=headers)
           for n in range(3)]
    assert [r.status_code for r in api[:2]] == [201, 201]
    assert_limited(api[2])
    assert count(PairingMessage) == 4
    # the other party writes on its own count
    other = api_token(new_client(), enterprise)
    assert new_client().post(f"/api/v1/pairings/{pairing.id}/messages", json={"body": "回复"},
                             headers=other).status_code == 201


def test_listing_creation_is_limited_per_user(client, new_client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LISTINGS", "2 per hour")
    user = make_user(Role.ENTERPRISE)
    headers = api_token(client, user)
    invalid = [new_client().post("/api/v1/demands", json=demand_data(title=""), headers=headers).status_code
               for _ in range(3)]
    assert invalid == [422] * 3  # refused input writes nothing and costs nothing
    statuses = [new_client().post("/api/v1/demands", json=demand_data(title=f"需求{n}"), headers=headers).status_code
                for n in range(3)]
    assert statuses == [201, 201, 429]
    assert count(Demand) == 2
    colleague = make_user(Role.ENTERPRISE, organization=user.organization)
    assert new_client().post("/api/v1/demands", json=demand_data(), headers=api_token(new_client(), colleague)
                             ).status_code == 201


def test_proposals_are_limited_per_user(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PROPOSALS", "1 per hour")
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    first, second = (make_demand(enterprise, status="published", title=t) for t in ("甲需求", "乙需求"))
    result = make_result(researcher, status="published")
    headers = api_token(client, researcher)
    body = {"result_id": result.id, "message": "希望合作"}
    assert client.post("/api/v1/pairings", json=body | {"demand_id": first.id}, headers=headers).status_code == 201
    assert_limited(client.post("/api/v1/pairings", json=body | {"demand_id": second.id}, headers=headers))


@pytest.mark.parametrize("path", ["/auth/login", "/api/v1/tokens"])
def test_reading_the_login_form_is_not_counted(client, path):
    for _ in range(15):
        client.get(path)
    user = make_user()
    assert (web_login(client, user, PASSWORD).status_code if path == "/auth/login"
            else api_login(client, user, PASSWORD).status_code) in (201, 302)


def test_signing_attempts_count_once_across_the_web_form_and_the_api(client, new_client, app, monkeypatch):
    """A wrong password at signing is a guess: the web form and the API share one count per person."""
    from tests.poc_factories import engage, make_world

    monkeypatch.setitem(app.config, "RATELIMIT_SIGNING", "2 per hour")
    world = make_world()
    engagement, _ = engage(world)
    path = f"/engagements/{engagement.id}/sign"
    login(client, world.enterprise)
    token = csrf_token(client, f"/engagements/{engagement.id}")
    assert client.post(path, data={"password": "not-my-password", "csrf_token": token}).status_code == 422
    headers = api_token(new_client(), world.enterprise)
    api = new_client().post(f"/api/v1/engagements/{engagement.id}/sign", json={"password": "still-wrong"},
                            headers=headers)
    assert api.status_code == 422
    assert_limited(new_client().post(f"/api/v1/engagements/{engagement.id}/sign", json={"password": PASSWORD},
                                     headers=headers))
    assert_limited(client.post(path, data={"password": PASSWORD, "csrf_token": token}))
