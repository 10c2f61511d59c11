"""API: tokens, password reset mails, the caller, operator onboarding, organizations, the field taxonomy."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from models import Field, Role, TokenKind, db
from .. import account_mail
from ..ratelimits import login_limits, password_reset_limits
from ..services import accounts, organization_review, organizations, sessions
from . import api_bp, bearer_token, created, current_api_user, idempotent, json_body, token_required
from .serializers import iso, organization_json, organization_review_json, user_json


@api_bp.post("/tokens")
@login_limits
def create_token():
    """Exchange email and password for a bearer token."""
    data = json_body()
    user = accounts.authenticate(data.get("email"), data.get("password"))
    hours = current_app.config["API_TOKEN_LIFETIME_HOURS"]
    secret, row = sessions.issue_token(user, TokenKind.API, timedelta(hours=hours))
    db.session.commit()
    return {"token": secret, "expires_at": iso(row.expires_at)}, 201


@api_bp.post("/password-reset")
@password_reset_limits
def password_reset():
    """Ask for a password reset link by e-mail: 202 with the same body whether or not the
    address has an account (a malformed address is a 422)."""
    account_mail.send_password_reset(json_body().get("email"))
    db.session.commit()
    return {"message": account_mail.RESET_ANSWER}, 202


@api_bp.delete("/tokens/current")
@token_required()
def revoke_token():
    """Revoke the token used for this request."""
    sessions.revoke_token(bearer_token())
    db.session.commit()
    return "", 204


@api_bp.get("/me")
@token_required()
def me():
    """The caller's account and organization."""
    return user_json(current_api_user())


@api_bp.post("/users")
@token_required(Role.ADMIN)
@idempotent
def create_user():
    """Operator onboarding of an account; the organization is found by name or created."""
    user = accounts.create_user(current_api_user(), json_body())
    return created(user_json(user))


@api_bp.post("/organizations/<int:organization_id>/verify")
@token_required()
def verify_organization(organization_id: int):
    """Mark an organization verified (operators; others get a 404)."""
    organization = organization_review.verify_organization(current_api_user(), organization_id)
    db.session.commit()
    return organization_json(organization)


@api_bp.post("/organizations/<int:organization_id>/reject")
@token_required()
def reject_organization(organization_id: int):
    """Refuse an organization's verification with {reason}, which it reads (operators; others get a 404)."""
    organization = organization_review.reject_organization(current_api_user(), organization_id, json_body().get("reason"))
    db.session.commit()
    return organization_review_json(organization)


@api_bp.post("/organizations/<int:organization_id>/revoke")
@token_required()
def revoke_verification(organization_id: int):
    """Take a verification back with {reason}, which the organization reads (operators; others get a 404)."""
    organization = organization_review.revoke_verification(current_api_user(), organization_id, json_body().get("reason"))
    db.session.commit()
    return organization_review_json(organization)


@api_bp.get("/fields")
def fields():
    """The field taxonomy in display order; a retired field is still listed (its listings keep
    it) but new listings cannot choose it."""
    rows = db.session.scalars(db.select(Field).order_by(Field.sort_order, Field.code))
    return {"items": [{"code": f.code, "name_zh": f.name_zh, "name_en": f.name_en, "retired": f.retired_at is not None}
                      for f in rows]}


@api_bp.get("/organizations/<int:organization_id>")
def organization_profile(organization_id: int):
    """An organization's public profile: verification, published listings (newest first, at most
    20 of each kind; an anonymous demand is never listed under its organization), connected
    pairings and completed validations (anyone)."""
    view = organizations.public_profile(current_api_user(), organization_id)

    def brief(listing) -> dict:
        return {"id": listing.id, "title": listing.title, "field": listing.field_code, "status": listing.status.value,
                "published_at": iso(listing.published_at)}

    return organization_json(view.organization) | {
        "created_at": iso(view.organization.created_at),
        "counts": {"demands": view.demand_count, "results": view.result_count,
                   "connected_pairings": view.connected_pairings, "completed_validations": view.completed_validations},
        "demands": [brief(d) for d in view.demands], "results": [brief(r) for r in view.results]}
