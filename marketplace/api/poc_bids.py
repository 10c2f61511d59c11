"""API: centers' bids on a pairing's validation request — submit, revise (against the revision
the client saw), withdraw, history — and the parties' acceptance that engages a center."""
from __future__ import annotations

from typing import Any

from models import db
from ..services.errors import NotFound
from ..services.poc import bids, parties, requests, selection
from ..services.poc.terms import terms_of
from . import api_bp, created, current_api_user, idempotent, json_body, page_params, token_required
from .poc_serializers import bid_json, listed, revision_json


@api_bp.get("/pairings/<int:pairing_id>/bids")
@token_required()
def list_bids(pairing_id: int):
    """The bids on the pairing's current request: all of them to the parties, its own to a center."""
    request, found = bids.bids_of_pairing(current_api_user(), pairing_id)
    return listed(found, *page_params(), bid_json, request_id=request.id)


@api_bp.post("/pairings/<int:pairing_id>/bids")
@token_required()
@idempotent
def submit_bid(pairing_id: int):
    """A verified center bids on the pairing's open request under a term sheet → 201 with the bid."""
    current = requests.current_request(pairing_id)
    if current is None:
        raise NotFound("这项对接没有征集中的验证请求。")
    bid = bids.submit_bid(current_api_user(), current.id, json_body())
    return created(bid_json(bid))


@api_bp.get("/bids/<int:bid_id>")
@token_required()
def get_bid(bid_id: int):
    """One bid (its center, the two parties, operators)."""
    return bid_json(parties.get_bid(current_api_user(), bid_id))


def _merged(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``current`` with ``changes`` laid over it, objects merged key by key (lists replaced)."""
    merged = dict(current)
    for key, value in changes.items():
        both = isinstance(value, dict) and isinstance(current.get(key), dict)
        merged[key] = _merged(current[key], value) if both else value
    return merged


@api_bp.patch("/bids/<int:bid_id>")
@token_required()
def revise_bid(bid_id: int):
    """The center revises its bid: the body names the ``revision`` it revises and the terms that
    change (the rest stay); a stale revision is a 409."""
    user, body = current_api_user(), json_body()
    current = terms_of(parties.get_bid(user, bid_id))
    changes = {key: value for key, value in body.items() if key != "revision"}
    bid = bids.revise_bid(user, bid_id, _merged(current, changes), body.get("revision"))
    db.session.commit()
    return bid_json(bid)


@api_bp.get("/bids/<int:bid_id>/revisions")
@token_required()
def bid_revisions(bid_id: int):
    """Every revision of the bid's terms, oldest first."""
    return listed(bids.bid_history(current_api_user(), bid_id), *page_params(), revision_json, bid_id=bid_id)


@api_bp.post("/bids/<int:bid_id>/withdraw")
@token_required()
def withdraw_bid(bid_id: int):
    """The bidding center withdraws its bid (until the deadline)."""
    bid = bids.withdraw_bid(current_api_user(), bid_id)
    db.session.commit()
    return bid_json(bid)


@api_bp.post("/bids/<int:bid_id>/accept")
@token_required()
@idempotent
def accept_bid(bid_id: int):
    """The enterprise or the institution accepts the bid: the first answer is 200 awaiting the
    other party, the second 201 with the engagement (other bids rejected, request closed)."""
    acceptance = selection.accept_bid(current_api_user(), bid_id)
    body = {"status": acceptance.status, "party": acceptance.party.value, "bid": bid_json(acceptance.bid)}
    if acceptance.engagement is None:
        return created(body, 200)
    return created(body | {"engagement_id": acceptance.engagement.id}, 201)
