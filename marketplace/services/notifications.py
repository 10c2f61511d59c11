"""A person's in-app notifications: list, unread count, mark read (created by ``activity.notify``)."""
from __future__ import annotations

import sqlalchemy as sa

from models import Notification, User, db, utcnow

from .errors import NotFound
from .pagination import Page, paginate


def list_notifications(user: User, page: int, per_page: int, unread_only: bool = False) -> Page:
    """The user's notifications, newest first; only the unread ones when asked."""
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return paginate(query.order_by(Notification.created_at.desc(), Notification.id.desc()), page, per_page)


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread (the badge in the navigation)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def get_notification(user: User, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's is NotFound (no existence leak)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound("通知不存在。")
    return note


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (reading it twice keeps the first time)."""
    note = get_notification(user, notification_id)
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.flush()
    return note


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    return result.rowcount or 0
