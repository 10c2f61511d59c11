"""Notifications: newest first, paginated, unread filter and count, mark read (own only)."""
import pytest

from marketplace.services import notifications
from marketplace.services.activity import notify
from marketplace.services.errors import NotFound
from models import NotificationKind, Role, db

from ..factories import make_user


def _notes(user, count: int):
    created = [notify([user], NotificationKind.MESSAGE, f"消息 {i}", f"/pairings/{i}")[0] for i in range(count)]
    db.session.commit()
    return created


def test_newest_first_and_paginated(ctx):
    user = make_user()
    created = _notes(user, 5)
    first = notifications.list_notifications(user, 1, 2)
    assert (first.total, first.pages) == (5, 3)
    assert [n.id for n in first.items] == [created[4].id, created[3].id]
    assert [n.id for n in notifications.list_notifications(user, 3, 2).items] == [created[0].id]


def test_only_own_notifications_are_listed_and_counted(ctx):
    alice, bob = make_user(), make_user(Role.RESEARCHER)
    _notes(alice, 2)
    _notes(bob, 1)
    assert notifications.list_notifications(bob, 1, 20).total == 1
    assert notifications.unread_count(alice) == 2


def test_mark_read_changes_unread_count_and_filter(ctx):
    user = make_user()
    first, second = _notes(user, 2)
    notifications.mark_read(user, first.id)
    db.session.commit()
    assert notifications.unread_count(user) == 1
    assert [n.id for n in notifications.list_notifications(user, 1, 20, unread_only=True).items] == [second.id]
    read_at = first.read_at
    notifications.mark_read(user, first.id)  # reading again keeps the first time
    assert first.read_at == read_at


def test_mark_read_of_another_users_notification_is_not_found(ctx):
    owner, other = make_user(), make_user()
    (note,) = _notes(owner, 1)
    with pytest.raises(NotFound):
        notifications.mark_read(other, note.id)
    with pytest.raises(NotFound):
        notifications.mark_read(other, note.id + 999)
    db.session.rollback()
    assert notifications.unread_count(owner) == 1


def test_mark_all_read_touches_only_the_users_unread(ctx):
    user, other = make_user(), make_user()
    _notes(user, 3)
    _notes(other, 2)
    assert notifications.mark_all_read(user) == 3
    db.session.commit()
    assert notifications.unread_count(user) == 0
    assert notifications.unread_count(other) == 2
    assert all(n.is_read for n in notifications.list_notifications(user, 1, 20).items)
    assert notifications.mark_all_read(user) == 0


def test_inactive_users_get_no_notification(ctx):
    user = make_user(is_active=False)
    assert notify([user], NotificationKind.MESSAGE, "x") == []
