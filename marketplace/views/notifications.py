"""In-app notifications: the list, mark one or all read, open one, and the unread badge."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from models import db
from ..forms import ActionForm
from ..security import actor
from ..services import notifications
from . import page_args

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def unread_notifications() -> int:
    """The signed-in person's unread count for the navigation badge (0 for visitors)."""
    return notifications.unread_count(current_user) if current_user.is_authenticated else 0


def same_site_link(link: str) -> str | None:
    """``link`` if it is a relative path on this site (no scheme, host or protocol-relative //)."""
    parts = urlsplit(link or "")
    if not link.startswith("/") or link.startswith("//") or "\\" in link or parts.scheme or parts.netloc:
        return None
    # Browsers drop tabs and newlines ("/\t/evil.com" is "//evil.com"); a header cannot hold them.
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in link):
        return None
    return link


@bp.get("/")
@login_required
def index():
    """My notifications, newest first (``?unread=1``: only the unread ones)."""
    unread_only = request.args.get("unread") == "1"
    page = notifications.list_notifications(actor(), *page_args(request.args), unread_only=unread_only)
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           action_form=ActionForm())


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    """Mark one notification read and come back to the list (CSRF is checked for every POST)."""
    notifications.mark_read(actor(), notification_id)
    db.session.commit()
    return redirect(same_site_link(request.form.get("next", "")) or url_for(".index"))


@bp.post("/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Mark the notification read and follow its link (only links within this site)."""
    note = notifications.mark_read(actor(), notification_id)
    db.session.commit()
    return redirect(same_site_link(note.link) or url_for(".index"))


@bp.post("/read-all")
@login_required
def mark_all_read():
    """Mark every notification read."""
    notifications.mark_all_read(actor())
    db.session.commit()
    return redirect(url_for(".index"))
