"""E-mail: notifications reach people by mail per their preferences, through a real SMTP server
(aiosmtpd, tests/mailbox.py); the digest, one-click unsubscribe, retries with backoff, the console's
mail page, and where the work runs (in the request, after the response, or a Redis worker)."""
from __future__ import annotations

import logging
import signal
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace import jobs
from marketplace.mail import mail_notifications, send_digests, send_due, unsubscribe_token
from marketplace.services import activity
from models import MailStatus, Notification, NotificationKind, OutboundEmail, Role, db, utcnow
from tests.factories import api_token, csrf_token, login, make_connected_pairing, make_demand, make_result, make_user
from tests.mailbox import body


@pytest.fixture()
def pair(ctx, mailbox):
    """A connected pairing of an enterprise and a researcher, its setup mail already delivered."""
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    pairing = make_connected_pairing(make_demand(enterprise, status="published"),
                                     make_result(researcher, status="published"))
    jobs.run_ready()
    assert len(mailbox.messages) == 2  # the proposal to the enterprise, the acceptance to the researcher
    mailbox.clear()
    return pairing, enterprise, researcher


def rows(**where) -> list[OutboundEmail]:
    db.session.expire_all()
    query = sa.select(OutboundEmail).order_by(OutboundEmail.id)
    for name, value in where.items():
        query = query.where(getattr(OutboundEmail, name) == value)
    return list(db.session.scalars(query))


def notify(user, kind=NotificationKind.MESSAGE, text="您有一条新消息", link="/pairings/1"):
    activity.notify([user], kind, text, link)
    db.session.commit()
    jobs.run_ready()


def test_a_message_reaches_the_other_side_by_mail_with_links_and_a_one_click_unsubscribe(client, pair, mailbox):
    pairing, enterprise, researcher = pair
    answer = client.post(f"/api/v1/pairings/{pairing.id}/messages", json={"body": "下周二到现场测试。"},
                         headers=api_token(client, enterprise))
    assert answer.status_code == 201
    got = mailbox.to(researcher.email)
    assert len(got) == 1 and mailbox.to(enterprise.email) == []  # not to the writer
    mail = got[0]
    assert mail["Subject"].startswith("【创新桥】新消息")
    text = body(mail)
    assert f"https://innobridge.example.cn/pairings/{pairing.id}" in text
    assert mail["List-Unsubscribe"].startswith("<https://innobridge.example.cn/mail/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].strip("<>") in text
    assert rows(to_address=researcher.email)[-1].status is MailStatus.SENT


def test_choices_decide_instant_digest_or_nothing(ctx, mailbox):
    user = make_user(Role.RESEARCHER, email_preferences={"message": "off", "pairing_proposed": "digest"})
    notify(user, NotificationKind.MESSAGE)
    notify(user, NotificationKind.PAIRING_PROPOSED, "新的对接请求：锂电池热失控预警", "/pairings/7")
    notify(user, NotificationKind.PAIRING_ACCEPTED, "对接已接受", "/pairings/8")  # default: at once
    assert [m["Subject"] for m in mailbox.messages] == ["【创新桥】对接已接受：对接已接受"]
    notify(user, NotificationKind.NEW_MATCH, "新的高匹配项：热管理", "/results/3")  # default: the digest

    assert send_digests() == 1
    send_due()
    digest = mailbox.messages[-1]
    assert digest["Subject"] == "【创新桥】每日汇总：2 条新通知"
    assert "锂电池热失控预警" in body(digest) and "热管理" in body(digest) and "新消息" not in body(digest)
    assert "https://innobridge.example.cn/results/3" in body(digest)
    assert send_digests() == 0  # each notification is in one digest only
    assert len(mailbox.messages) == 2


def test_a_disabled_account_gets_no_mail_and_a_notification_is_mailed_once(ctx, mailbox):
    active, disabled = make_user(Role.ENTERPRISE), make_user(Role.ENTERPRISE)
    activity.notify([active], NotificationKind.MESSAGE, "给启用账号", "")
    db.session.add(Notification(user_id=disabled.id, kind=NotificationKind.MESSAGE, text="给停用账号"))
    disabled.is_active = False
    db.session.commit()
    jobs.run_ready()
    assert mail_notifications() == 0  # a second run finds nothing left to mail
    send_due()
    assert [m["To"] for m in mailbox.messages] == [active.email]


def test_nothing_is_mailed_for_work_that_was_rolled_back(ctx, mailbox):
    user = make_user(Role.ENTERPRISE)
    jobs.run_ready()
    activity.notify([user], NotificationKind.MESSAGE, "不会发生的通知", "")
    db.session.flush()
    db.session.rollback()
    jobs.run_ready()
    assert mailbox.messages == [] and rows() == []


def test_demo_data_sends_no_mail(client, mailbox):
    runner = client.application.test_cli_runner()
    assert runner.invoke(args=["seed", "--password", "seeded-pass-12"]).exit_code == 0
    jobs.run_ready()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) > 0
    assert mail_notifications() == 0 and send_digests() == 0  # not later either, nor in a digest
    send_due()
    assert mailbox.messages == [] and rows() == []


def test_unsubscribing_asks_first_then_stops_that_kind_only(client, mailbox):
    user = make_user(Role.RESEARCHER)
    token = unsubscribe_token(user, "message")
    page = client.get(f"/mail/unsubscribe/{token}")
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(user), user.id).email_preferences is None  # a GET changes nothing (link scanners)
    done = client.post(f"/mail/unsubscribe/{token}")  # no CSRF token: a mail program's one-click POST
    assert done.status_code == 200 and "已退订" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(user), user.id).email_preferences == {"message": "off"}
    notify(user, NotificationKind.MESSAGE)
    notify(user, NotificationKind.PAIRING_ACCEPTED, "对接已接受")
    assert [m["Subject"].split("：")[0] for m in mailbox.messages] == ["【创新桥】对接已接受"]


@pytest.mark.parametrize("token", ["nonsense", "WzEsICJtZXNzYWdlIl0.forged"])
def test_a_forged_unsubscribe_token_is_a_404(client, token):
    make_user(Role.RESEARCHER)
    assert client.get(f"/mail/unsubscribe/{token}").status_code == 404
    assert client.post(f"/mail/unsubscribe/{token}").status_code == 404


def test_the_digest_link_stops_every_digest_kind(client, mailbox):
    user = make_user(Role.RESEARCHER, email_preferences={"message": "digest"})
    assert client.post(f"/mail/unsubscribe/{unsubscribe_token(user, 'digest')}").status_code == 200
    db.session.expire_all()
    assert db.session.get(type(user), user.id).email_preferences == {"message": "off", "new_match": "off"}


def test_a_refusing_server_is_retried_with_backoff_then_the_message_fails_and_operators_resend_it(client, mailbox):
    user = make_user(Role.ENTERPRISE)
    mailbox.refuse = True
    notify(user)
    (row,) = rows()
    assert row.status is MailStatus.QUEUED and row.attempts == 1 and "451" in row.last_error
    assert timedelta(seconds=50) < row.next_attempt_at - utcnow() <= timedelta(seconds=60)
    assert send_due() == 0 and rows()[0].attempts == 1  # not due yet: not tried again
    for attempt in range(2, 7):
        db.session.execute(sa.update(OutboundEmail).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        send_due()
        assert rows()[0].attempts == attempt
    assert rows()[0].status is MailStatus.FAILED and mailbox.messages == []

    admin = make_user(Role.ADMIN)
    login(client, admin)
    page = client.get("/admin/mail/").get_data(as_text=True)
    assert user.email in page and "451" in page and "重新发送" in page
    mailbox.refuse = False
    token = csrf_token(client, "/admin/mail/")
    assert client.post(f"/admin/mail/{row.id}/retry", data={"csrf_token": token}).status_code == 302
    assert rows()[0].status is MailStatus.SENT and len(mailbox.to(user.email)) == 1
    assert client.post(f"/admin/mail/{row.id}/retry", data={"csrf_token": token}).status_code == 302  # sent: refused
    assert len(mailbox.to(user.email)) == 1


def test_only_operators_see_the_mail_page(client):
    login(client, make_user(Role.ENTERPRISE))
    assert client.get("/admin/mail/").status_code == 403
    assert client.get("/admin/mail/?status=nonsense").status_code == 403


def test_without_a_mail_server_messages_are_logged_and_marked_sent(ctx, caplog):
    user = make_user(Role.ENTERPRISE)
    with caplog.at_level(logging.INFO, logger="marketplace.mail"):
        notify(user, text="日志里的通知")
    assert any("日志里的通知" in r.getMessage() and user.email in r.getMessage() for r in caplog.records)
    assert [r.status for r in rows()] == [MailStatus.SENT]


def test_preferences_page_and_api(client):
    user = make_user(Role.RESEARCHER)
    login(client, user)
    page = client.get("/me/email").get_data(as_text=True)
    assert 'name="message" value="instant" aria-label="新消息：即时发送" checked' in page
    token = csrf_token(client, "/me/email")
    assert client.post("/me/email", data={"csrf_token": token, "message": "digest", "new_match": "off"}).status_code == 302
    assert client.post("/me/email", data={"message": "off"}).status_code == 400  # no CSRF token
    assert client.post("/me/email", data={"csrf_token": token, "message": "sometimes"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(type(user), user.id).email_preferences == {"message": "digest", "new_match": "off"}

    headers = api_token(client, user)
    got = client.get("/api/v1/me/email-preferences", headers=headers).get_json()["preferences"]
    assert got["message"] == "digest" and got["new_match"] == "off" and got["pairing_proposed"] == "instant"
    put = client.put("/api/v1/me/email-preferences", json={"preferences": {"message": "instant"}}, headers=headers)
    assert put.status_code == 200 and put.get_json()["preferences"]["message"] == "instant"
    for bad, field in (({"preferences": {"message": "loud"}}, "message"), ({"preferences": {"telepathy": "off"}}, "telepathy"),
                       ({"preferences": ["message"]}, "preferences"), ({"preferences": {"message": ["off"]}}, "message")):
        answer = client.put("/api/v1/me/email-preferences", json=bad, headers=headers)
        assert answer.status_code == 422 and field in answer.get_json()["error"]["fields"], bad
    assert client.get("/api/v1/me/email-preferences").status_code == 401


def test_after_response_mode_sends_once_the_response_is_closed(client, pair, mailbox, monkeypatch):
    pairing, enterprise, researcher = pair
    monkeypatch.setitem(client.application.config, "JOBS", "after_response")
    headers = api_token(client, enterprise)
    answer = client.post(f"/api/v1/pairings/{pairing.id}/messages", json={"body": "响应之后再发邮件。"}, headers=headers)
    assert answer.status_code == 201
    assert mailbox.messages == []  # the request did not wait for the mail server
    answer.close()  # what the WSGI server does once the response is sent
    assert [m["To"] for m in mailbox.messages] == [researcher.email]


def test_with_redis_the_request_queues_and_a_worker_sends(client, pair, mailbox, monkeypatch):
    import secrets

    from marketplace.ratelimits import redis_problem
    from tests.test_redis_limits import REDIS_SKIP, REDIS_URL

    if redis_problem(REDIS_URL):
        pytest.skip(REDIS_SKIP)
    pairing, enterprise, researcher = pair
    to_address = researcher.email  # the worker ends the session it ran in
    config = client.application.config
    monkeypatch.setitem(config, "JOBS", "redis")
    monkeypatch.setitem(config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(config, "JOBS_QUEUE", f"innobridge-test-{secrets.token_hex(4)}")
    queue = jobs._redis_queue()
    try:
        answer = client.post(f"/api/v1/pairings/{pairing.id}/messages", json={"body": "交给队列。"},
                             headers=api_token(client, enterprise))
        assert answer.status_code == 201
        answer.close()
        assert mailbox.messages == [] and queue.count >= 1  # queued, not sent by the web process
        runner = client.application.test_cli_runner()
        # RQ's worker installs its own SIGINT/SIGTERM handlers; put them back, or processes this test
        # process forks later (the matcher's pool) would ignore a terminate and hang the suite
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            done = runner.invoke(args=["worker", "--burst"])
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        assert done.exit_code == 0, done.output
        assert [m["To"] for m in mailbox.messages] == [to_address]
        assert queue.count == 0
        assert jobs.failed_jobs() == {"count": 0, "items": []}  # what the console's mail page lists
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


def test_the_worker_needs_redis(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "REDIS_URL", None)
    done = ctx.test_cli_runner().invoke(args=["worker", "--burst"])
    assert done.exit_code == 1 and "REDIS_URL is not set" in done.output


def test_mail_commands_send_what_is_due(ctx, mailbox):
    user = make_user(Role.ENTERPRISE)
    activity.notify([user], NotificationKind.MESSAGE, "命令行发送", "")
    db.session.commit()
    db.session.info.pop("jobs_pending", None)
    from flask import g
    g.pop("jobs_ready", None)  # as if the process that wrote it had died before sending
    runner = ctx.test_cli_runner()
    sent = runner.invoke(args=["mail", "send"])
    assert sent.exit_code == 0 and "1 notifications mailed, 1 messages sent." in sent.output
    assert [m["To"] for m in mailbox.messages] == [user.email]
    digest = runner.invoke(args=["mail", "digest"])
    assert digest.exit_code == 0 and "0 digests written" in digest.output
