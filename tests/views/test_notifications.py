"""Notification pages: the unread badge, the list, mark read (CSRF, own only), open a notification."""
import pytest

from marketplace.services.activity import notify
from marketplace.views.notifications import same_site_link
from models import Notification, NotificationKind, Role, db

from ..clients import isolated_client
from ..factories import csrf_token, login, make_user


@pytest.fixture
def client(ctx):
    """Each request in its own app context, like separate browser requests."""
    return isolated_client(ctx)


def _note(user, link="/results/1", text="有新的对接请求") -> Notification:
    (note,) = notify([user], NotificationKind.PAIRING_PROPOSED, text, link)
    db.session.commit()
    return note


def _is_read(note_id: int) -> bool:
    db.session.rollback()
    return db.session.get(Notification, note_id).is_read


def test_visitors_are_sent_to_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_nav_shows_the_unread_count(client):
    user = make_user()
    _note(user)
    _note(user)
    login(client, user)
    html = client.get("/").get_data(as_text=True)
    assert 'class="badge badge-count" aria-label="2 条未读">2<' in html


def test_list_is_newest_first_and_paginated(client):
    user = make_user()
    for i in range(3):
        _note(user, text=f"通知{i}")
    _note(make_user(), text="别人的通知")
    login(client, user)
    first = client.get("/notifications/?per_page=2").get_data(as_text=True)
    assert first.index("通知2") < first.index("通知1") and "通知0" not in first and "别人的通知" not in first
    assert "通知0" in client.get("/notifications/?per_page=2&page=2").get_data(as_text=True)


def test_unread_filter(client):
    user = make_user()
    read = _note(user, text="已读的")
    _note(user, text="未读的")
    read.read_at = read.created_at
    db.session.commit()
    login(client, user)
    html = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "未读的" in html and "已读的" not in html


def test_mark_read_needs_csrf(client):
    user = make_user()
    note = _note(user)
    login(client, user)
    assert client.post(f"/notifications/{note.id}/read").status_code == 400
    assert not _is_read(note.id)


def test_mark_read_and_back_to_the_list(client):
    user = make_user()
    note = _note(user)
    login(client, user)
    token = csrf_token(client, "/notifications/")
    response = client.post(f"/notifications/{note.id}/read", data={"csrf_token": token, "next": "/notifications/?page=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifications/?page=1"
    assert _is_read(note.id)


def test_mark_read_never_follows_a_next_with_control_characters(client):
    user = make_user()
    note = _note(user)
    login(client, user)
    token = csrf_token(client, "/notifications/")
    for target in ("/\t/evil.example", "/notifications/\r\nSet-Cookie: x=1"):
        response = client.post(f"/notifications/{note.id}/read", data={"csrf_token": token, "next": target})
        assert response.status_code == 302 and response.headers["Location"] == "/notifications/"


def test_another_users_notification_is_not_found(client):
    owner, other = make_user(), make_user(Role.RESEARCHER)
    note = _note(owner)
    login(client, other)
    token = csrf_token(client, "/notifications/")
    assert client.post(f"/notifications/{note.id}/read", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/notifications/{note.id}/open", data={"csrf_token": token}).status_code == 404
    assert not _is_read(note.id)


def test_opening_marks_read_and_follows_a_same_site_link(client):
    user = make_user()
    note = _note(user, link="/pairings/7")
    login(client, user)
    response = client.post(f"/notifications/{note.id}/open", data={"csrf_token": csrf_token(client, "/notifications/")})
    assert response.status_code == 302 and response.headers["Location"] == "/pairings/7"
    assert _is_read(note.id)


def test_opening_never_follows_a_link_off_site(client):
    user = make_user()
    notes = [_note(user, link=link) for link in ("https://evil.example/x", "//evil.example/x", "/\\evil.example")]
    login(client, user)
    token = csrf_token(client, "/notifications/")
    for note in notes:
        response = client.post(f"/notifications/{note.id}/open", data={"csrf_token": token})
        assert response.headers["Location"] == "/notifications/"


def test_mark_all_read(client):
    user, other = make_user(), make_user()
    notes = [_note(user), _note(user)]
    theirs = _note(other)
    login(client, user)
    token = csrf_token(client, "/notifications/")
    assert client.post("/notifications/read-all").status_code == 400  # no CSRF token
    assert client.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    assert all(_is_read(n.id) for n in notes) and not _is_read(theirs.id)
    assert "badge-count" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("link", [
    "/", "/notifications/?page=2", "/demands/?field=ai&q=a%2F%2Fb", "/pairings/7#thread", "/search/?q=a//b",
])
def test_same_site_link_keeps_paths_on_this_site(link):
    assert same_site_link(link) == link


@pytest.mark.parametrize("link", [
    "", "evil.com", "demands/", "https://evil.com", "javascript:alert(1)", "mailto:a@evil.com",
    "//evil.com", "///evil.com", "////evil.com", "/////evil.com/x",  # each is a host to a browser
    "/\\evil.com", "/\\/evil.com", "\\\\evil.com",  # browsers read a backslash as a slash
    "/\t/evil.com", "/\n/evil.com", "/\r\n/evil.com", "/\t//evil.com",  # dropped by browsers and urlsplit
    "/demands/\x00", "/demands/\x1b[31m", "/demands/\x7f", "/notifications/\r\nSet-Cookie: x=1",
])
def test_same_site_link_refuses_hosts_schemes_backslashes_and_control_characters(link):
    assert same_site_link(link) is None
