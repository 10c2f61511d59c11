"""OpenAPI entries of pairings, threads, undertakings and access logs (merged into ``openapi.build_spec``)."""
from __future__ import annotations

from models import DeclineReason, PairingStatus, Side
from .openapi import _INT, _PAGE, _STR, _enum, _list_of, _op, _q

_DT = {"type": "string", "format": "date-time"}
_NULL_DT, _NULL_INT, _NULL_STR = {"type": ["string", "null"], "format": "date-time"}, {"type": ["integer", "null"]}, {"type": ["string", "null"]}
_PARTY = {"type": ["object", "null"], "properties": {"id": _INT, "name": _STR},
          "description": "null while an anonymous demand's enterprise is hidden (until connected)"}
_ID = [_q("id", _INT, "path")]

SCHEMAS = {
    "PairingInput": {"type": "object", "required": ["demand_id", "result_id", "message"], "properties": {
        "demand_id": _INT, "result_id": _INT, "message": {"type": "string", "maxLength": 2000}}},
    "Pairing": {"type": "object", "properties": {
        "id": _INT, "demand_id": _INT, "result_id": _INT, "status": _enum(PairingStatus),
        "demand": {"type": "object", "properties": {"id": _INT, "title": _STR, "visibility": _STR, "organization": _PARTY}},
        "result": {"type": "object", "properties": {"id": _INT, "title": _STR, "organization": _PARTY}},
        "proposed_by": _enum(Side), "proposer_id": _INT,
        "your_side": {"type": ["string", "null"], "enum": [*Side.codes(), None]}, "message": _STR,
        "respond_by": {**_DT, "description": "answer before this (PAIRING_RESPONSE_DAYS after proposal)"},
        "expires_at": {**_DT, "description": "unanswered proposals expire here (respond_by + 7 days)"},
        "overdue": {"type": "boolean", "description": "flagged overdue to both sides and operators"},
        "overdue_notified_at": _NULL_DT, "responder_id": _NULL_INT, "responded_at": _NULL_DT,
        "decline_reason": {"type": ["string", "null"], "enum": [*DeclineReason.codes(), None]},
        "decline_reason_label": _NULL_STR, "reason_text": _NULL_STR,
        "score": {"type": ["number", "null"], "description": "the matcher's score when proposed"},
        "score_components": {"type": ["object", "null"], "description": "{components, weights} of that score"},
        "created_at": _DT, "updated_at": _DT}},
    "PairingList": _list_of("Pairing"),
    "DeclineInput": {"type": "object", "required": ["reason"], "properties": {
        "reason": _enum(DeclineReason),
        "reason_text": {"type": "string", "maxLength": 1000, "description": "required when reason is other"}}},
    "MessageInput": {"type": "object", "required": ["body"], "properties": {"body": {"type": "string", "maxLength": 2000}}},
    "Message": {"type": "object", "properties": {
        "id": _INT, "pairing_id": _INT, "body": _STR,
        "author": {"type": "object", "properties": {"id": _INT, "display_name": _STR}}, "created_at": _DT}},
    "MessageList": _list_of("Message"),
    "Undertaking": {"type": "object", "properties": {
        "id": _INT, "demand_id": _INT, "organization_id": _INT, "user_id": _INT, "accepted_at": _DT}},
    "AccessLogEntry": {"type": "object", "properties": {
        "id": _INT, "demand_id": _INT, "channel": {"type": "string", "enum": ["web", "api"]},
        "user": {"type": "object", "properties": {"id": _INT, "display_name": _STR, "email": _STR}},
        "organization": {"type": "object", "properties": {"id": _INT, "name": _STR}}, "viewed_at": _DT}},
    "AccessLog": _list_of("AccessLogEntry"),
}

PATHS = {
    "/pairings": {
        "get": _op("The caller's pairings, newest first (overdue proposals are swept first)", 200, "PairingList",
                   errors=(400, 401, 422), params=_PAGE + [_q("status", _enum(PairingStatus)),
                                                           _q("direction", {"type": "string", "enum": ["all", "incoming", "outgoing"]})]),
        "post": _op("Propose a pairing (owner of either side) → status proposed", 201, "Pairing", "PairingInput")},
    "/pairings/{id}": {"get": _op("One pairing (the two parties, operators)", 200, "Pairing", errors=(401, 404), params=_ID)},
    "/pairings/{id}/accept": {"post": _op("The other side accepts → connected", 200, "Pairing", errors=(401, 403, 404, 409), params=_ID)},
    "/pairings/{id}/decline": {"post": _op("The other side declines with a reason → declined", 200, "Pairing", "DeclineInput",
                                           params=_ID)},
    "/pairings/{id}/withdraw": {"post": _op("The proposer's side withdraws → withdrawn", 200, "Pairing",
                                            errors=(401, 403, 404, 409), params=_ID)},
    "/pairings/{id}/messages": {
        "get": _op("The thread, newest last", 200, "MessageList", errors=(400, 401, 404), params=_ID + _PAGE),
        "post": _op("Write to the other party", 201, "Message", "MessageInput", params=_ID)},
    "/demands/{id}/undertaking": {"post": _op(
        "Accept the confidentiality undertaking of a confidential demand (201 new, 200 already accepted); "
        "details are readable once the pairing is connected", 201, "Undertaking", errors=(401, 403, 404, 409), params=_ID)},
    "/demands/{id}/access-log": {"get": _op("Reads of the confidential details (owner), newest first", 200, "AccessLog",
                                            errors=(400, 401, 403, 404), params=_ID + _PAGE)},
}


