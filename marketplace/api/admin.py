"""API of the operators' console: users (find, read, disable, enable) and the audit log. Operators
only; anyone else with a valid token is answered as if the resource did not exist (404)."""
from __future__ import annotations

from flask import request

from models import User, db
from ..services import audit, user_admin
from . import api_bp, current_api_user, json_body, page_json, page_params, token_required
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
    filters = audit.clean_filters({name: request.args.get(name, "") for name in ("actor", "action", "object", "from", "to")})
    page = audit.list_entries(current_api_user(), filters, *page_params())
    return page_json(page, audit.entry_json)
