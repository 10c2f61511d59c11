"""Changing the sign-in address (the profile page's 更换邮箱), with a real SMTP server: the current
password is asked for (a wrong one counts against the password-change limit); a signed 24-hour
link goes to the new address and a notice without a link to the old one; only confirming at the
new address changes it — once; an address taken meanwhile is a clear refusal."""
from __future__ import annotations

import re

from marketplace.services import credentials
from models import AuditEntry, OutboundEmail, User, db
from tests.factories import PASSWORD, csrf_token, login, make_user
from tests.mailbox import body
from tests.views.test_password_reset import links_signed_ago

NEW = "new.address@example.org"
LINK = re.compile(r"https://innobridge\.example\.cn(/account/email/confirm/[A-Za-z0-9_.\-]+)")


def ask(client, new_email: str = NEW, password: str = PASSWORD, with_csrf: bool = True):
    """Send the profile page's 更换邮箱 form (its fields carry the prefix ``change-``)."""
    data = {"change-new_email": new_email, "change-current_password": password}
    if with_csrf:
        data["change-csrf_token"] = csrf_token(client, "/me/profile")
    return client.post("/me/email-change", data=data)


def confirm(client, path: str, with_csrf: bool = True):
    data = {"csrf_token": csrf_token(client, path)} if with_csrf else {}
    return client.post(path, data=data)


def link_in(mailbox, address: str = NEW) -> str:
    [message] = mailbox.to(address)
    assert message["Subject"] == "【创新桥】确认新的登录邮箱"
    found = LINK.search(body(message))
    assert found, body(message)
    return found.group(1)


def email_of(user: User) -> str:
    db.session.expire_all()
    return db.session.get(User, user.id).email


def signs_in(client, email: str, password: str = PASSWORD) -> bool:
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code in (201, 401), response.get_json()
    return response.status_code == 201


def test_the_profile_page_offers_the_change(client):
    user = make_user()
    login(client, user)
    page = client.get("/me/profile").get_data(as_text=True)
    assert "更换邮箱" in page and 'action="/me/email-change"' in page and 'name="change-new_email"' in page


def test_the_new_address_confirms_and_only_it_signs_in_afterwards(client, mailbox, new_client):
    user = make_user(email="old@example.com")
    login(client, user)
    response = ask(client)
    assert response.status_code == 302 and response.headers["Location"] == "/me/profile"
    assert email_of(user) == "old@example.com"  # nothing changes before the new address confirms

    [notice] = mailbox.to("old@example.com")
    assert "n***@example.org" in body(notice) and "/account/email/confirm/" not in body(notice)
    path = link_in(mailbox)
    phone = new_client()  # the new mailbox is read elsewhere, signed out
    page = phone.get(path)
    assert page.status_code == 200 and NEW in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    assert email_of(user) == "old@example.com"  # a GET (a mail scanner's) changes nothing

    response = confirm(phone, path)
    assert response.status_code == 200 and "登录邮箱已更换为 " + NEW in response.get_data(as_text=True)
    assert email_of(user) == NEW
    assert not signs_in(client, "old@example.com") and signs_in(client, NEW)
    db.session.expire_all()
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.email_change"))
    assert entry.object_id == user.id and entry.changes["email"] == ["old@example.com", NEW]
    kinds = {row.kind: row.body for row in db.session.scalars(db.select(OutboundEmail))}
    assert kinds["email_change"] == "" and kinds["email_change_notice"]  # the link is not kept once sent


def test_confirming_while_signed_in_goes_back_to_the_profile(client, mailbox):
    user = make_user()
    login(client, user)
    ask(client)
    response = confirm(client, link_in(mailbox))
    assert response.status_code == 302 and response.headers["Location"] == "/me/profile"
    assert NEW in client.get("/me/profile").get_data(as_text=True)


def test_a_wrong_password_is_refused_and_sends_nothing(client, mailbox):
    user = make_user()
    login(client, user)
    response = ask(client, password="not-my-password-1")
    assert response.status_code == 400 and "当前密码不正确" in response.get_data(as_text=True)
    assert mailbox.messages == [] and email_of(user) == user.email


def test_wrong_passwords_share_the_password_change_limit(client, mailbox, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_PASSWORD_CHANGE", "3 per hour")
    user = make_user()
    login(client, user)
    token = csrf_token(client, "/me/profile")
    wrong = {"current_password": "guess-number-1", "new_password": "whatever-pass-12", "confirm": "whatever-pass-12",
             "csrf_token": token}
    assert client.post("/me/password", data=wrong).status_code == 400
    assert [ask(client, password=f"guess-number-{n}").status_code for n in (2, 3)] == [400, 400]
    limited = ask(client)  # the right password, too late
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert mailbox.messages == []


def test_an_address_taken_invalid_or_unchanged_is_refused(client, mailbox):
    user = make_user()
    make_user(email="taken@example.com")
    login(client, user)
    for address, message in (("taken@example.com", "该邮箱已注册。"), ("not-an-address", "邮箱格式不正确。"),
                             (user.email.upper(), "新邮箱与当前邮箱相同。")):
        response = ask(client, address)
        assert response.status_code == 400 and message in response.get_data(as_text=True), address
    assert mailbox.messages == [] and email_of(user) == user.email


def test_a_link_works_once(client, mailbox):
    user = make_user()
    login(client, user)
    ask(client)
    path = link_in(mailbox)
    token = csrf_token(client, path)
    assert confirm(client, path).status_code == 302

    again = client.get(path)
    assert again.status_code == 400 and "链接无效或已过期" in again.get_data(as_text=True)
    assert client.post(path, data={"csrf_token": token}).status_code == 400
    assert email_of(user) == NEW


def test_changing_the_password_meanwhile_cancels_the_link(client, mailbox):
    user = make_user()
    login(client, user)
    ask(client)
    token = csrf_token(client, "/me/profile")
    client.post("/me/password", data={"current_password": PASSWORD, "new_password": "another-pass-word-3",
                                      "confirm": "another-pass-word-3", "csrf_token": token})
    assert client.get(link_in(mailbox)).status_code == 400
    assert email_of(user) == user.email


def test_a_link_older_than_a_day_or_tampered_with_is_refused(client, mailbox, monkeypatch, app):
    user = make_user()
    login(client, user)
    with links_signed_ago(monkeypatch, app, 24 * 3600 + 60):
        ask(client)
    path = link_in(mailbox)
    payload, _, signature = path.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (path, forged, "/account/email/confirm/garbage"):
        assert client.get(bad).status_code == 400, bad
    assert email_of(user) == user.email


def test_an_address_registered_meanwhile_is_a_clear_refusal(client, mailbox):
    user = make_user()
    login(client, user)
    ask(client)
    path = link_in(mailbox)
    make_user(email=NEW)  # someone signed up with it before the link was followed
    response = confirm(client, path)
    assert response.status_code == 409 and "已被其他账号使用" in response.get_data(as_text=True)
    assert email_of(user) == user.email


def test_a_race_on_the_unique_address_is_a_clear_refusal(client, mailbox, monkeypatch):
    user = make_user()
    login(client, user)
    ask(client)
    path = link_in(mailbox)
    make_user(email=NEW)
    monkeypatch.setattr(credentials, "_taken", lambda address, user=None: False)  # it committed after the check
    response = confirm(client, path)
    assert response.status_code == 409 and "已被其他账号使用" in response.get_data(as_text=True)
    assert email_of(user) == user.email


def test_both_posts_need_the_csrf_token_and_the_log_never_holds_the_link(client, mailbox):
    user = make_user()
    login(client, user)
    assert ask(client, with_csrf=False).status_code == 400
    assert mailbox.messages == []
    ask(client)
    path = link_in(mailbox)
    assert confirm(client, path, with_csrf=False).status_code == 400
    assert email_of(user) == user.email
    assert confirm(client, path).status_code == 302

    db.session.expire_all()
    log = " ".join(f"{e.action} {e.note} {e.changes}" for e in db.session.scalars(db.select(AuditEntry)))
    assert "POST /account/email/confirm/‹token›" in log and path.rsplit("/", 1)[1] not in log


def test_signing_in_is_needed_to_ask(client, mailbox):
    make_user()
    token = csrf_token(client, "/auth/login")
    response = client.post("/me/email-change", data={"change-new_email": NEW, "change-current_password": PASSWORD,
                                                     "change-csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert mailbox.messages == []
