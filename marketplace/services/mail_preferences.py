"""How each person hears of each kind of notification by e-mail: at once, in a daily digest, or not
at all. Every notification also stays in the site's notification list whatever is chosen here."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models import MailDelivery, NotificationKind, User, db

from .errors import FieldErrors

# A new match from a saved search comes in the daily digest; everything that asks a person to act
# — a proposal, an answer, a message, a signature, an overdue step — comes at once.
DEFAULTS: dict[NotificationKind, MailDelivery] = {kind: MailDelivery.INSTANT for kind in NotificationKind}
DEFAULTS[NotificationKind.NEW_MATCH] = MailDelivery.DIGEST


def delivery(user: User, kind: NotificationKind) -> MailDelivery:
    """How ``user`` gets ``kind`` by e-mail."""
    chosen = (user.email_preferences or {}).get(kind.value)
    try:
        return MailDelivery(chosen) if chosen else DEFAULTS[kind]
    except ValueError:  # a value no longer offered: the default
        return DEFAULTS[kind]


def preferences(user: User) -> dict[NotificationKind, MailDelivery]:
    """Every kind with how ``user`` gets it, in the kinds' order."""
    return {kind: delivery(user, kind) for kind in NotificationKind}


def update_preferences(user: User, data: Mapping[str, Any]) -> dict[NotificationKind, MailDelivery]:
    """Set the kinds named in ``data`` (kind code → instant / digest / off); others keep theirs."""
    errors = FieldErrors()
    chosen = dict(user.email_preferences or {})
    for code, value in data.items():
        try:
            kind = NotificationKind(code)
        except ValueError:
            errors.add(str(code)[:40], "没有这种通知。")
            continue
        try:
            chosen[kind.value] = MailDelivery(value).value
        except (ValueError, TypeError):  # TypeError: a list or an object is no choice
            errors.add(kind.value, "应为 instant（即时）、digest（每日汇总）或 off（不发送）。")
    errors.raise_if_any("邮件设置有误。")
    user.email_preferences = chosen
    db.session.flush()
    return preferences(user)


def unsubscribe(user: User, kind: NotificationKind | None) -> None:
    """Stop e-mail of ``kind`` (None: the daily digest, i.e. every kind now in it)."""
    chosen = dict(user.email_preferences or {})
    kinds = [kind] if kind else [k for k, how in preferences(user).items() if how is MailDelivery.DIGEST]
    for each in kinds:
        chosen[each.value] = MailDelivery.OFF.value
    user.email_preferences = chosen
    db.session.flush()
