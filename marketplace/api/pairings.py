"""API: pairings (对接), their threads, the confidentiality undertaking and the access log."""
from __future__ import annotations

from flask import current_app, request

from models import commit_keeping_loaded, db
from ..extensions import match_index
from ..ratelimits import message_limit, proposal_limit
from ..services import confidentiality, pairing_messages, pairing_views, pairings
from . import api_bp, created, current_api_user, idempotent, json_body, page_json, page_params, token_required
from ..services.errors import ValidationFailed
from .pairing_serializers import disclosure_log_json, message_json, pairing_json, undertaking_json


@api_bp.get("/pairings")
@token_required()
def list_pairings():
    """The caller's pairings, newest first (``status``, ``direction`` = all/incoming/outgoing)."""
    user = current_api_user()
    page = pairing_views.list_pairings(user, request.args.get("direction", "all"), request.args.get("status", ""),
                                       *page_params())
    commit_keeping_loaded()  # the lazy sweep's expiries and overdue flags; the rows stay loaded
    return page_json(page, lambda p: pairing_json(p, user))


@api_bp.post("/pairings")
@token_required()
@idempotent
@proposal_limit
def propose_pairing():
    """Propose a pairing {demand_id, result_id, message} → 201 with status proposed."""
    user, data = current_api_user(), json_body()
    pairing = pairings.propose_pairing(user, _id(data, "demand_id"), _id(data, "result_id"), data.get("message"),
                                       match_index(), current_app.config["PAIRING_RESPONSE_DAYS"])
    return created(pairing_json(pairing, user))


def _id(data: dict, name: str) -> int:
    """A positive integer id from the body, or a 422 on that field."""
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationFailed("请求体缺少或包含无效的编号。", {name: "应为正整数。"})
    return value


@api_bp.get("/pairings/<int:pairing_id>")
@token_required()
def get_pairing(pairing_id: int):
    """One pairing (the two parties and operators; others 404)."""
    user = current_api_user()
    return pairing_json(pairings.get_pairing(user, pairing_id), user)


@api_bp.post("/pairings/<int:pairing_id>/accept")
@token_required()
def accept_pairing(pairing_id: int):
    """The other side accepts → connected."""
    user = current_api_user()
    pairing = pairings.accept_pairing(user, pairing_id)
    db.session.commit()
    return pairing_json(pairing, user)


@api_bp.post("/pairings/<int:pairing_id>/decline")
@token_required()
def decline_pairing(pairing_id: int):
    """The other side declines {reason, reason_text} → declined."""
    user, data = current_api_user(), json_body()
    pairing = pairings.decline_pairing(user, pairing_id, data.get("reason"), data.get("reason_text"))
    db.session.commit()
    return pairing_json(pairing, user)


@api_bp.post("/pairings/<int:pairing_id>/withdraw")
@token_required()
def withdraw_pairing(pairing_id: int):
    """The proposer's side withdraws → withdrawn."""
    user = current_api_user()
    pairing = pairings.withdraw_pairing(user, pairing_id)
    db.session.commit()
    return pairing_json(pairing, user)


@api_bp.get("/pairings/<int:pairing_id>/messages")
@token_required()
def list_messages(pairing_id: int):
    """The thread, newest last."""
    user = current_api_user()
    pairing = pairings.get_pairing(user, pairing_id)
    return page_json(pairing_messages.list_messages(user, pairing_id, *page_params()),
                     lambda message: message_json(message, pairing, user))


@api_bp.post("/pairings/<int:pairing_id>/messages")
@token_required()
@idempotent
@message_limit
def post_message(pairing_id: int):
    """A party writes {body} → 201 with the message."""
    message = pairing_messages.post_message(current_api_user(), pairing_id, json_body().get("body"))
    return created(message_json(message))


@api_bp.post("/demands/<int:demand_id>/undertaking")
@token_required()
def accept_undertaking(demand_id: int):
    """Accept the confidentiality undertaking of a confidential demand (201 new, 200 already)."""
    undertaking, created = confidentiality.accept_undertaking(current_api_user(), demand_id)
    db.session.commit()
    return undertaking_json(undertaking), 201 if created else 200


@api_bp.get("/demands/<int:demand_id>/access-log")
@token_required()
def access_log(demand_id: int):
    """Who read the confidential details (owner only), newest first."""
    _, page = confidentiality.access_log(current_api_user(), demand_id, *page_params())
    return page_json(page, disclosure_log_json)
