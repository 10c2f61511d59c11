"""Password reset by a mailed one-time link (the web pages and ``POST /api/v1/password-reset``),
with a real SMTP server: the answer never says whether an address is registered; the link is
signed, good for one hour and once; using it ends every session and API token; asking is
rate-limited per address and per client; the link is never written to the audit log."""
from __future__ import annotations

import re
import time
from contextlib import contextmanager

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from marketplace import tokens
from marketplace.account_mail import RESET_ANSWER
from marketplace.tokens import email_change_token
from models import AuditEntry, AuthToken, OutboundEmail, db
from tests.factories import PASSWORD, api_token, csrf_token, login, make_user
from tests.mailbox import body

NEW_PASSWORD = "a-brand-new-pass-81"
LINK = re.compile(r"https://innobridge\.example\.cn(/auth/reset/[A-Za-z0-9_.\-]+)")


def ask(client, email: str, address: str = "192.0.2.10"):
    """Fill in 忘记密码 from ``address``."""
    token = csrf_token(client, "/auth/forgot")
    return client.post("/auth/forgot", data={"email": email, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def link_in(mailbox, email: str) -> str:
    """The path of the reset link in the (one) mail to ``email``."""
    [message] = mailbox.to(email)
    assert message["Subject"] == "【创新桥】重设密码"
    found = LINK.search(body(message))
    assert found, body(message)
    return found.group(1)


@contextmanager
def links_signed_ago(monkeypatch, app, seconds: int):
    """Links made inside are signed as if ``seconds`` ago (only the links: not the CSRF tokens)."""
    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds

    with monkeypatch.context() as m:
        m.setattr(tokens, "_serializer", lambda salt: URLSafeTimedSerializer(
            app.config["SECRET_KEY"], salt=salt, signer=Earlier))
        yield


def set_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    token = csrf_token(client, "/auth/forgot")  # the session's token (a refused link shows no form)
    return client.post(path, data={"new_password": password, "confirm": confirm or password, "csrf_token": token})


def signs_in(client, email: str, password: str) -> bool:
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code in (201, 401), response.get_json()
    return response.status_code == 201


def audit_text() -> str:
    db.session.expire_all()
    return " ".join(f"{e.action} {e.note} {e.changes}" for e in db.session.scalars(db.select(AuditEntry)))


# --- asking -----------------------------------------------------------------------------------

def test_the_login_page_links_to_forgot_password(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in page and "忘记密码？" in page
    assert client.get("/auth/forgot").status_code == 200


def test_a_mailed_link_sets_a_new_password_and_only_the_new_one_signs_in(client, mailbox):
    user = make_user()
    response = ask(client, user.email)
    assert response.status_code == 200 and RESET_ANSWER in response.get_data(as_text=True)

    path = link_in(mailbox, user.email)
    assert client.get(path).status_code == 200
    response = set_password(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert "密码已重设" in client.get("/auth/login").get_data(as_text=True)

    assert not signs_in(client, user.email, PASSWORD)
    assert signs_in(client, user.email, NEW_PASSWORD)
    db.session.expire_all()
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.password_reset")).object_id == user.id
    [row] = db.session.scalars(db.select(OutboundEmail)).all()
    assert row.kind == "password_reset" and row.sent_at is not None and row.body == ""  # the link is not kept


@pytest.mark.parametrize("setup", ["unknown", "disabled"])
def test_an_unknown_or_disabled_address_gets_the_same_answer_and_no_mail(client, mailbox, new_client, setup):
    registered = make_user()
    other = make_user(is_active=setup != "disabled")
    asked = "nobody@example.com" if setup == "unknown" else other.email
    answers = [ask(new_client(), email, address) for email, address in
               ((registered.email, "192.0.2.1"), (asked, "192.0.2.2"))]

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].get_data() == answers[1].get_data()  # the same page, byte for byte
    assert [m["To"] for m in mailbox.messages] == [registered.email]
    api = [client.post("/api/v1/password-reset", json={"email": email}, environ_base={"REMOTE_ADDR": "192.0.2.3"})
           for email in (registered.email, asked)]
    assert [a.status_code for a in api] == [202, 202] and api[0].get_json() == api[1].get_json() == {"message": RESET_ANSWER}
    assert [m["To"] for m in mailbox.messages] == [registered.email] * 2


def test_a_malformed_address_is_a_form_error_and_sends_nothing(client, mailbox):
    response = ask(client, "not-an-address")
    assert response.status_code == 400 and "邮箱格式不正确" in response.get_data(as_text=True)
    response = client.post("/api/v1/password-reset", json={"email": "not-an-address"})
    assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"]
    assert client.post("/api/v1/password-reset", json=["x"]).status_code == 422
    assert mailbox.messages == []


def test_the_address_is_matched_as_sign_in_matches_it(client, mailbox):
    user = make_user(email="zhang.wei@example.com")
    assert ask(client, "  Zhang.Wei@Example.COM ").status_code == 200
    assert [m["To"] for m in mailbox.messages] == [user.email]


# --- the link -----------------------------------------------------------------------------------

def test_a_used_link_no_longer_works(client, mailbox):
    user = make_user()
    ask(client, user.email)
    path = link_in(mailbox, user.email)
    token = csrf_token(client, path)
    assert set_password(client, path).status_code == 302

    again = client.get(path)
    assert again.status_code == 400 and "链接无效或已过期" in again.get_data(as_text=True)
    assert 'href="/auth/forgot"' in again.get_data(as_text=True)
    response = client.post(path, data={"new_password": "yet-another-pass-5", "confirm": "yet-another-pass-5",
                                       "csrf_token": token})
    assert response.status_code == 400
    assert signs_in(client, user.email, NEW_PASSWORD)


def test_a_link_older_than_an_hour_is_refused(client, mailbox, monkeypatch, app):
    user = make_user()
    with links_signed_ago(monkeypatch, app, 3660):
        ask(client, user.email)
    expired = link_in(mailbox, user.email)
    assert client.get(expired).status_code == 400
    assert set_password(client, expired).status_code == 400
    assert signs_in(client, user.email, PASSWORD)


def test_a_link_of_59_minutes_still_works(client, mailbox, monkeypatch, app):
    user = make_user()
    with links_signed_ago(monkeypatch, app, 3540):
        ask(client, user.email)
    assert set_password(client, link_in(mailbox, user.email)).status_code == 302


def test_a_tampered_or_foreign_token_is_refused(client, mailbox):
    user = make_user()
    ask(client, user.email)
    path = link_in(mailbox, user.email)
    payload, _, signature = path.rpartition(".")
    flipped = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    other_salt = "/auth/reset/" + email_change_token(user, "new@example.com")  # signed, but for another purpose
    for bad in (flipped, other_salt, "/auth/reset/garbage", "/auth/reset/" + "x" * 2000):
        assert client.get(bad).status_code == 400, bad
    assert signs_in(client, user.email, PASSWORD)


def test_a_link_of_an_account_disabled_since_is_refused(client, mailbox):
    user = make_user()
    ask(client, user.email)
    user.is_active = False
    db.session.commit()
    assert client.get(link_in(mailbox, user.email)).status_code == 400


def test_a_weak_or_mismatched_password_is_refused_and_the_link_stays_good(client, mailbox):
    user = make_user()
    ask(client, user.email)
    path = link_in(mailbox, user.email)
    assert set_password(client, path, "short").status_code == 400
    response = set_password(client, path, NEW_PASSWORD, confirm="something-else-1")
    assert response.status_code == 400 and "两次输入的密码不一致" in response.get_data(as_text=True)
    assert signs_in(client, user.email, PASSWORD)
    assert set_password(client, path).status_code == 302


def test_a_reset_ends_every_other_session_and_api_token(client, mailbox, new_client):
    user = make_user()
    laptop = new_client()
    assert login(laptop, user).status_code == 302 and laptop.get("/me/").status_code == 200
    headers = api_token(new_client(), user)
    assert client.get("/api/v1/me", headers=headers).status_code == 200

    ask(client, user.email)
    assert set_password(client, link_in(mailbox, user.email)).status_code == 302

    assert laptop.get("/me/").status_code == 302  # signed out
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    db.session.expire_all()
    assert all(t.revoked_at is not None for t in db.session.scalars(db.select(AuthToken)))


def test_setting_the_password_needs_the_csrf_token_and_the_log_never_holds_the_link(client, mailbox):
    user = make_user()
    ask(client, user.email)
    path = link_in(mailbox, user.email)
    secret = path.rsplit("/", 1)[1]

    response = client.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert signs_in(client, user.email, PASSWORD)
    assert "POST /auth/reset/‹token›" in audit_text()  # the refusal is recorded, without the token

    assert set_password(client, path).status_code == 302
    log = audit_text()
    assert "user.password_reset" in log and "auth.password_reset_request" in log
    assert secret not in log and secret[:40] not in log


def test_asking_needs_the_csrf_token(client, mailbox):
    user = make_user()
    assert client.post("/auth/forgot", data={"email": user.email}).status_code == 400
    assert mailbox.messages == []


def test_the_reset_page_sends_no_referrer_and_is_not_cached(client, mailbox):
    user = make_user()
    ask(client, user.email)
    response = client.get(link_in(mailbox, user.email))
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


# --- rate limits --------------------------------------------------------------------------------

def test_one_address_is_limited_across_clients_and_the_api_shares_the_count(client, mailbox):
    user = make_user()
    statuses = [ask(client, user.email, f"198.51.100.{n}").status_code for n in range(1, 4)]
    statuses += [client.post("/api/v1/password-reset", json={"email": user.email},
                             environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code for n in range(4, 6)]
    assert statuses == [200, 200, 200, 202, 202]  # RATELIMIT_PASSWORD_RESET: 5 per hour

    limited = ask(client, user.email, "198.51.100.99")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    page = limited.get_data(as_text=True)
    assert "请求过于频繁" in page and 'class="site-header"' in page  # the site's own error page
    assert client.post("/api/v1/password-reset", json={"email": user.email},
                       environ_base={"REMOTE_ADDR": "198.51.100.98"}).status_code == 429
    assert len(mailbox.messages) == 5
    assert ask(client, make_user().email, "198.51.100.99").status_code == 200  # another address is not held up


def test_one_client_is_limited_across_addresses(client, mailbox):
    statuses = [ask(client, f"someone{n}@example.com", "203.0.113.5").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    assert ask(client, "someone0@example.com", "203.0.113.6").status_code == 200


def test_a_malformed_request_costs_nothing(client, mailbox):
    for _ in range(6):
        assert ask(client, "not-an-address", "203.0.113.7").status_code == 400
    assert ask(client, "someone@example.com", "203.0.113.7").status_code == 200
