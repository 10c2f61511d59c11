"""API: validation requests (申请概念验证) — opened by either party of a connected pairing, listed
to centers best fit first, cancelled by the parties — and the side-by-side comparison of bids."""
from __future__ import annotations

from models import Role, db
from ..extensions import match_index
from ..services.poc import comparison, fit, parties, requests
from . import api_bp, created, current_api_user, idempotent, json_body, page_json, page_params, token_required
from .poc_serializers import comparison_json, fit_json, request_json


@api_bp.post("/pairings/<int:pairing_id>/validation-request")
@token_required()
@idempotent
def open_validation_request(pairing_id: int):
    """Either party opens the connected pairing to centers → 201, status open_for_bids."""
    user = current_api_user()
    opened = requests.open_request(user, pairing_id, json_body(), match_index())
    return created(request_json(opened, user))


@api_bp.get("/validation-requests")
@token_required(Role.CENTER)
def list_validation_requests():
    """Open requests, best fit to the caller's center first, each with fit, reasons and can_bid."""
    user = current_api_user()
    page = fit.open_requests_for(user, match_index(), *page_params())
    return page_json(page, lambda found: fit_json(found, user))


@api_bp.get("/validation-requests/<int:request_id>")
@token_required()
def get_validation_request(request_id: int):
    """One request (the parties, operators, centers while it is open or once they bid)."""
    user = current_api_user()
    return request_json(parties.get_request(user, request_id), user)


@api_bp.post("/validation-requests/<int:request_id>/cancel")
@token_required()
def cancel_validation_request(request_id: int):
    """Either party cancels an open request; its live bids are rejected."""
    user = current_api_user()
    cancelled = requests.cancel_request(user, request_id)
    db.session.commit()
    return request_json(cancelled, user)


@api_bp.get("/validation-requests/<int:request_id>/comparison")
@token_required()
def compare_bids(request_id: int):
    """The bids side by side, term by term (the two parties only)."""
    return comparison_json(comparison.compare_bids(current_api_user(), request_id))
