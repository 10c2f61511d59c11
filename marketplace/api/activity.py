"""API: notifications, watches (saved searches and listing alerts) and the public statistics."""
from __future__ import annotations

from flask import request

from models import Notification, Watch, db
from ..public_figures import statistics
from ..services import mail_preferences, notifications, watches
from ..services.errors import ValidationFailed
from . import api_bp, created, current_api_user, idempotent, json_body, page_json, page_params, token_required
from .serializers import iso


def notification_json(note: Notification) -> dict:
    return {"id": note.id, "kind": note.kind.value, "text": note.text, "link": note.link,
            "read": note.is_read, "created_at": iso(note.created_at)}


def watch_json(watch: Watch) -> dict:
    return {"id": watch.id, "target": watch.target.value, "query": watch.query_text,
            "demand_id": watch.demand_id, "result_id": watch.result_id, "field": watch.field_code,
            "min_score": watch.min_score, "created_at": iso(watch.created_at)}


@api_bp.get("/notifications")
@token_required()
def list_notifications():
    """The caller's notifications, newest first (``?unread=1``: only unread)."""
    unread_only = request.args.get("unread") in ("1", "true")
    page = notifications.list_notifications(current_api_user(), *page_params(), unread_only=unread_only)
    body = page_json(page, notification_json)
    return body | {"unread": notifications.unread_count(current_api_user())}


@api_bp.post("/notifications/<int:notification_id>/read")
@token_required()
def read_notification(notification_id: int):
    """Mark one of the caller's notifications read."""
    note = notifications.mark_read(current_api_user(), notification_id)
    db.session.commit()
    return notification_json(note)


def email_preferences_json(user) -> dict:
    return {"preferences": {kind.value: how.value for kind, how in mail_preferences.preferences(user).items()}}


@api_bp.get("/me/email-preferences")
@token_required()
def get_email_preferences():
    """How the caller gets each kind of notification by e-mail (instant, digest or off)."""
    return email_preferences_json(current_api_user())


@api_bp.put("/me/email-preferences")
@token_required()
def put_email_preferences():
    """Change some kinds: ``{"preferences": {"message": "digest", …}}``; kinds not named keep theirs."""
    data = json_body()
    chosen = data.get("preferences")
    if not isinstance(chosen, dict):
        raise ValidationFailed("请求体应为 {\"preferences\": {通知类型: instant|digest|off}}。",
                               {"preferences": "应为对象。"})
    mail_preferences.update_preferences(current_api_user(), chosen)
    db.session.commit()
    return email_preferences_json(current_api_user())


@api_bp.post("/notifications/read-all")
@token_required()
def read_all_notifications():
    """Mark every notification of the caller read."""
    changed = notifications.mark_all_read(current_api_user())
    db.session.commit()
    return {"updated": changed, "unread": 0}


@api_bp.get("/watches")
@token_required()
def list_watches():
    """The caller's watches, newest first."""
    return page_json(watches.list_watches(current_api_user(), *page_params()), watch_json)


@api_bp.post("/watches")
@token_required()
@idempotent
def create_watch():
    """A saved search {query, target, field?, min_score?} or a listing alert {demand_id|result_id, min_score?}."""
    watch = watches.create_watch(current_api_user(), json_body())
    return created(watch_json(watch))


@api_bp.delete("/watches/<int:watch_id>")
@token_required()
def delete_watch(watch_id: int):
    """Delete one of the caller's watches."""
    watches.delete_watch(current_api_user(), watch_id)
    db.session.commit()
    return "", 204


@api_bp.get("/stats")
def stats_json():
    """The funnel from recorded events (public): listings, pairings, the PoC stage (requests, bids,
    engagements by status, completed validations by verdict, deal amount), by_field, by_month."""
    return statistics()
