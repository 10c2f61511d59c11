"""E-mail: notifications by mail per each person's preferences, the daily digest, and delivery.

Every message is first a row of ``outbound_emails`` written in the transaction that caused it;
the ``mail.send`` job (marketplace/jobs.py: after the response, or a worker with Redis) delivers
what is due. A message that fails is tried again with backoff (1 min, 5 min, 30 min, 2 h, 12 h)
and is marked failed after ``MAIL_MAX_ATTEMPTS``; the console's mail page lists it with the error.
With no ``MAIL_SERVER`` configured, messages are written to the log instead of sent, so the
embedded default works with no mail server. Loading the demo data sends nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
import smtplib
import ssl
from datetime import timedelta, timezone
from email.message import EmailMessage
from email.utils import formataddr, format_datetime, make_msgid, parseaddr

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.session import Session
from itsdangerous import BadSignature, URLSafeSerializer

from models import MailDelivery, MailStatus, Notification, NotificationKind, OutboundEmail, User, db, utcnow

from . import jobs
from .services.mail_preferences import delivery

log = logging.getLogger(__name__)

BACKOFF_SECONDS = [60, 300, 1800, 7200, 43200]  # after the 1st, 2nd, … failed attempt
SECRET_KINDS = frozenset({"password_reset", "email_change"})  # their body holds a one-time link
NOTIFY_WINDOW = timedelta(days=2)  # notifications older than this are never mailed one by one
DIGEST_WINDOW = timedelta(days=7)
BATCH = 200
STUCK_AFTER = timedelta(minutes=10)  # a message "sending" this long was abandoned by a dead process


# --- addresses and links -----------------------------------------------------------------------

def site_url(path: str = "/") -> str:
    """An absolute link into the site (``SITE_URL``: mail is read away from the site)."""
    return current_app.config["SITE_URL"].rstrip("/") + "/" + path.lstrip("/")


def _unsubscribe_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-unsubscribe")


def unsubscribe_token(user: User, kind: str) -> str:
    """A link token that stops ``kind`` (a notification kind, or "digest") for ``user``."""
    return _unsubscribe_signer().dumps([user.id, kind])


def read_unsubscribe_token(token: str) -> tuple[User, NotificationKind | None] | None:
    """The user and kind (None: the digest) of a token, or None when it is not one of ours."""
    try:
        user_id, kind = _unsubscribe_signer().loads(token)
        user = db.session.get(User, int(user_id))
        return (user, None if kind == "digest" else NotificationKind(kind)) if user else None
    except (BadSignature, ValueError, TypeError, OverflowError):
        return None


# --- writing messages --------------------------------------------------------------------------

def queue(to_address: str, subject: str, body: str, kind: str, user: User | None = None,
          unsubscribe_url: str = "") -> OutboundEmail:
    """Write a message to send once the current transaction commits."""
    row = OutboundEmail(to_address=to_address, subject=subject[:200], body=body, kind=kind[:40],
                        user_id=user.id if user else None, unsubscribe_url=unsubscribe_url[:500])
    db.session.add(row)
    jobs.after_commit("mail.send")
    return row


def _footer(user: User, why: str, unsubscribe_url: str) -> str:
    return (f"\n\n—\n创新桥 InnoBridge · {why}\n不想再收到这类邮件（一键退订）：{unsubscribe_url}\n"
            f"管理全部邮件设置：{site_url('/me/email')}\n")


def notification_mail(user: User, note: Notification) -> OutboundEmail:
    """The e-mail of one notification."""
    unsubscribe_url = site_url(f"/mail/unsubscribe/{unsubscribe_token(user, note.kind.value)}")
    link = f"\n\n查看详情：{site_url(note.link)}" if note.link else ""
    body = (f"{user.display_name or user.email}，您好：\n\n{note.text}{link}"
            + _footer(user, f"您收到这封邮件，是因为开启了“{note.kind.label}”的邮件通知。", unsubscribe_url))
    return queue(user.email, f"【创新桥】{note.kind.label}：{note.text[:60]}", body, note.kind.value, user,
                 unsubscribe_url)


@jobs.job("mail.notifications")
def mail_notifications() -> int:
    """Mail each new notification whose recipient wants that kind at once; returns how many.

    A notification is claimed by setting its ``emailed_at`` only where it is still empty, so two
    runs at once mail it once."""
    sent = 0
    since = utcnow() - NOTIFY_WINDOW
    while True:
        rows = db.session.execute(
            sa.select(Notification, User).join(User, User.id == Notification.user_id)
            .where(Notification.emailed_at.is_(None), Notification.created_at >= since)
            .order_by(Notification.id).limit(BATCH)).all()
        claimed_any = False
        for note, user in rows:
            if not user.is_active or delivery(user, note.kind) is not MailDelivery.INSTANT:
                continue
            claimed = db.session.execute(sa.update(Notification).where(
                Notification.id == note.id, Notification.emailed_at.is_(None)).values(emailed_at=utcnow()))
            if claimed.rowcount == 1:
                notification_mail(user, note)
                sent += 1
                claimed_any = True
        db.session.commit()
        if len(rows) < BATCH or not claimed_any:
            return sent


def send_digests(now=None) -> int:
    """One message per person with the notifications of their digest kinds not yet mailed
    (``flask mail digest``, daily from cron); returns how many messages were written."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.created_at >= now - DIGEST_WINDOW,
               User.is_active.is_(True))
        .order_by(Notification.user_id, Notification.id)).all()
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for note, user in rows:
        if delivery(user, note.kind) is MailDelivery.DIGEST:
            by_user.setdefault(user.id, (user, []))[1].append(note)
    written = 0
    for user, notes in by_user.values():
        ids = [note.id for note in notes]
        claimed = db.session.execute(sa.update(Notification).where(
            Notification.id.in_(ids), Notification.emailed_at.is_(None)).values(emailed_at=now))
        if claimed.rowcount != len(ids):  # another run took some: leave them to it
            db.session.rollback()
            continue
        lines = "\n".join(f"· [{note.kind.label}] {note.text}" + (f"\n  {site_url(note.link)}" if note.link else "")
                          for note in notes)
        unsubscribe_url = site_url(f"/mail/unsubscribe/{unsubscribe_token(user, 'digest')}")
        body = (f"{user.display_name or user.email}，您好：\n\n过去一段时间您有 {len(notes)} 条新通知：\n\n{lines}"
                + _footer(user, "这是您的每日汇总邮件。", unsubscribe_url))
        queue(user.email, f"【创新桥】每日汇总：{len(notes)} 条新通知", body, "digest", user, unsubscribe_url)
        user.last_digest_at = now
        db.session.commit()
        written += 1
    return written


# --- delivering --------------------------------------------------------------------------------

def compose(row: OutboundEmail) -> EmailMessage:
    """The RFC 5322 message of a row (plain text, UTF-8)."""
    message = EmailMessage()
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    message["From"] = formataddr((name, address))
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = format_datetime(utcnow().replace(tzinfo=timezone.utc))
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
    if row.unsubscribe_url:  # RFC 8058: mail programs offer a one-click unsubscribe button
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body)
    return message


def transmit(message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server of the configuration, or log it when there is none."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info("mail (no MAIL_SERVER, logged instead of sent) to %s: %s\n%s", message["To"], message["Subject"],
                 message.get_content())
        return
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        server = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    with server:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            server.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        server.send_message(message)


@jobs.job("mail.send")
def send_due(limit: int = BATCH) -> int:
    """Deliver the messages that are due, each claimed first so that two senders never send one
    twice; returns how many were sent."""
    now = utcnow()
    db.session.execute(sa.update(OutboundEmail).where(  # abandoned by a process that died mid-send
        OutboundEmail.status == MailStatus.SENDING, OutboundEmail.next_attempt_at < now - STUCK_AFTER)
        .values(status=MailStatus.QUEUED))
    db.session.commit()
    ids = db.session.scalars(sa.select(OutboundEmail.id).where(
        OutboundEmail.status == MailStatus.QUEUED, OutboundEmail.next_attempt_at <= now)
        .order_by(OutboundEmail.id).limit(limit)).all()
    sent = 0
    for row_id in ids:
        claimed = db.session.execute(sa.update(OutboundEmail).where(
            OutboundEmail.id == row_id, OutboundEmail.status == MailStatus.QUEUED)
            .values(status=MailStatus.SENDING, next_attempt_at=utcnow()))
        db.session.commit()
        if claimed.rowcount == 1:
            sent += _deliver(db.session.get(OutboundEmail, row_id))
    return sent


def _deliver(row: OutboundEmail) -> int:
    row.attempts += 1
    try:
        transmit(compose(row))
    except (OSError, smtplib.SMTPException) as error:
        row.last_error = f"{type(error).__name__}: {error}"[:500]
        if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            row.status = MailStatus.FAILED
            log.error("mail %s to %s failed for good after %s attempts: %s", row.id, row.to_address,
                      row.attempts, row.last_error)
        else:
            delay = timedelta(seconds=BACKOFF_SECONDS[min(row.attempts, len(BACKOFF_SECONDS)) - 1])
            row.status, row.next_attempt_at = MailStatus.QUEUED, utcnow() + delay
            log.warning("mail %s to %s not sent (attempt %s, next in %s): %s", row.id, row.to_address,
                        row.attempts, delay, row.last_error)
            jobs.push_later("mail.send", delay)
        db.session.commit()
        return 0
    row.status, row.sent_at, row.last_error = MailStatus.SENT, utcnow(), ""
    if row.kind in SECRET_KINDS:
        row.body = ""  # the one-time link is the recipient's alone
    db.session.commit()
    return 1


@contextmanager
def unmailed() -> Iterator[None]:
    """Notifications written inside are never mailed, now or in a digest (the demo data is nobody's
    news): they are marked as dealt with when the block ends."""
    first = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
    yield
    db.session.execute(sa.update(Notification).where(Notification.id > first, Notification.emailed_at.is_(None))
                       .values(emailed_at=Notification.created_at))
    db.session.commit()


# --- wiring ------------------------------------------------------------------------------------

@sa.event.listens_for(Session, "after_flush")
def _notifications_written(session, flush_context) -> None:
    """A transaction that wrote notifications mails them once it commits (demo data excepted)."""
    if session.info.get("audit_off"):
        return
    if any(isinstance(obj, Notification) for obj in session.new):
        jobs.after_commit("mail.notifications", session)


def init_app(app) -> None:
    """Say where mail goes (the session listener and the jobs register on import)."""
    if not app.config.get("MAIL_SERVER"):
        app.logger.info("mail: no MAIL_SERVER configured, messages are written to the log instead of sent")
