"""API of the operators' console: users (find, read, disable, enable), moderation (reports, hiding
and restoring listings) and the audit log. Operators only, but for filing a report; anyone else
with a valid token is answered as if the resource did not exist (404)."""
from __future__ import annotations

from flask import request

from models import User, db
from ..ratelimits import report_limit
from ..services import audit_log, moderation, user_admin
from . import api_bp, created, current_api_user, idempotent, json_body, page_json, page_params, token_required
from .serializers import iso, user_json


def admin_user_json(user: User) -> dict:
    """A user as operators see it: the account, and whether and why it is disabled."""
    return user_json(user) | {"is_active": user.is_active, "disabled_at": iso(user.disabled_at),
                              "disabled_reason": user.disabled_reason, "created_at": iso(user.created_at)}


@api_bp.get("/admin/users")
@token_required()
def admin_users():
    """Users, newest first; ``q`` searches e-mail, name and organization; ``role``, ``status``."""
    args = request.args
    page = user_admin.list_users(current_api_user(), args.get("q", ""), args.get("role", ""),
                                 args.get("status", ""), *page_params())
    return page_json(page, admin_user_json)


@api_bp.get("/admin/users/<int:user_id>")
@token_required()
def admin_user(user_id: int):
    """One user."""
    return admin_user_json(user_admin.get_user(current_api_user(), user_id))


@api_bp.post("/admin/users/<int:user_id>/disable")
@token_required()
def disable_user(user_id: int):
    """Disable an account with {reason}: every session and token of it ends at once."""
    user = user_admin.disable_user(current_api_user(), user_id, json_body().get("reason"))
    db.session.commit()
    return admin_user_json(user)


@api_bp.post("/admin/users/<int:user_id>/enable")
@token_required()
def enable_user(user_id: int):
    """Let a disabled account sign in again, with {reason} for the log."""
    user = user_admin.enable_user(current_api_user(), user_id, json_body().get("reason"))
    db.session.commit()
    return admin_user_json(user)


@api_bp.get("/admin/audit")
@token_required()
def audit_entries():
    """The audit log, newest first, filtered by actor, action, object, from and to."""
    filters = audit_log.clean_filters({name: request.args.get(name, "") for name in ("actor", "action", "object", "from", "to")})
    page = audit_log.list_entries(current_api_user(), filters, *page_params())
    return page_json(page, audit_log.entry_json)


# --- moderation ---------------------------------------------------------------------------------

def report_json(row) -> dict:
    """A report as its reporter and the operators see it."""
    return {"id": row.id, "kind": row.target.value, "target_id": row.target_id, "reason": row.reason,
            "status": row.status.value, "created_at": iso(row.created_at), "resolved_at": iso(row.resolved_at),
            "resolution_note": row.resolution_note}


def moderated_json(listing) -> dict:
    """A listing's moderation state."""
    return {"id": listing.id, "kind": "demand" if listing.__tablename__ == "demands" else "result",
            "status": listing.status.value, "hidden_at": iso(listing.hidden_at),
            "hidden_reason": listing.hidden_reason, "appealed_at": iso(listing.appealed_at)}


@api_bp.post("/reports")
@token_required()
@report_limit
@idempotent
def create_report():
    """Report a demand, a result or a message: {kind, id, reason} (any signed-in user)."""
    row = moderation.report(current_api_user(), json_body())
    return created(report_json(row) | {"reporter_id": row.reporter_id})


@api_bp.get("/admin/reports")
@token_required()
def admin_reports():
    """Reports, open first (``status``: open, actioned, dismissed)."""
    page = moderation.list_reports(current_api_user(), request.args.get("status", ""), *page_params())
    return page_json(page, lambda row: report_json(row) | {"reporter_id": row.reporter_id})


@api_bp.post("/admin/reports/<int:report_id>/dismiss")
@token_required()
def dismiss_report(report_id: int):
    """Close a report without action, with an optional {note}."""
    row = moderation.dismiss(current_api_user(), report_id, json_body().get("note"))
    db.session.commit()
    return report_json(row) | {"reporter_id": row.reporter_id}


@api_bp.post("/admin/listings/<any(demand, result):kind>/<int:listing_id>/hide")
@token_required()
def hide_listing(kind: str, listing_id: int):
    """Hide a listing with {reason}, which its owner reads."""
    listing = moderation.hide(current_api_user(), kind, listing_id, json_body().get("reason"))
    db.session.commit()
    return moderated_json(listing)


@api_bp.post("/admin/listings/<any(demand, result):kind>/<int:listing_id>/restore")
@token_required()
def restore_listing(kind: str, listing_id: int):
    """Show a hidden listing again, with an optional {note}."""
    listing = moderation.restore(current_api_user(), kind, listing_id, json_body().get("note"))
    db.session.commit()
    return moderated_json(listing)
