"""OpenAPI entries of pairings, threads, undertakings and access logs (merged into ``openapi.build_spec``)."""
from __future__ import annotations

from models import DeclineReason, PairingStatus, Side
from .openapi_common import INT, PAGE, STR, enum_of, list_of, operation, param

_DT = {"type": "string", "format": "date-time"}
_NULL_DT, _NULL_INT, _NULL_STR = {"type": ["string", "null"], "format": "date-time"}, {"type": ["integer", "null"]}, {"type": ["string", "null"]}
_PARTY = {"type": ["object", "null"], "properties": {"id": INT, "name": STR},
          "description": "null while an anonymous demand's enterprise is hidden (until connected)"}
_ID = [param("id", INT, "path")]

SCHEMAS = {
    "PairingInput": {"type": "object", "required": ["demand_id", "result_id", "message"], "properties": {
        "demand_id": INT, "result_id": INT, "message": {"type": "string", "maxLength": 2000}}},
    "Pairing": {"type": "object", "properties": {
        "id": INT, "demand_id": INT, "result_id": INT, "status": enum_of(PairingStatus),
        "demand": {"type": "object", "properties": {"id": INT, "title": STR, "visibility": STR, "organization": _PARTY}},
        "result": {"type": "object", "properties": {"id": INT, "title": STR, "organization": _PARTY}},
        "proposed_by": enum_of(Side), "proposer_id": INT,
        "your_side": {"type": ["string", "null"], "enum": [*Side.codes(), None]}, "message": STR,
        "respond_by": {**_DT, "description": "answer before this (PAIRING_RESPONSE_DAYS after proposal)"},
        "expires_at": {**_DT, "description": "unanswered proposals expire here (respond_by + 7 days)"},
        "overdue": {"type": "boolean", "description": "flagged overdue to both sides and operators"},
        "overdue_notified_at": _NULL_DT, "responder_id": _NULL_INT, "responded_at": _NULL_DT,
        "decline_reason": {"type": ["string", "null"], "enum": [*DeclineReason.codes(), None]},
        "decline_reason_label": _NULL_STR, "reason_text": _NULL_STR,
        "score": {"type": ["number", "null"], "description": "the matcher's score when proposed"},
        "score_components": {"type": ["object", "null"], "description": "{components, weights} of that score"},
        "created_at": _DT, "updated_at": _DT}},
    "PairingList": list_of("Pairing"),
    "DeclineInput": {"type": "object", "required": ["reason"], "properties": {
        "reason": enum_of(DeclineReason),
        "reason_text": {"type": "string", "maxLength": 1000, "description": "required when reason is other"}}},
    "MessageInput": {"type": "object", "required": ["body"], "properties": {"body": {"type": "string", "maxLength": 2000}}},
    "Message": {"type": "object", "properties": {
        "id": INT, "pairing_id": INT, "body": STR,
        "author": {"type": "object", "properties": {"id": INT, "display_name": STR}}, "created_at": _DT}},
    "MessageList": list_of("Message"),
    "Undertaking": {"type": "object", "properties": {
        "id": INT, "demand_id": INT, "organization_id": INT, "user_id": INT, "accepted_at": _DT}},
    "AccessLogEntry": {"type": "object", "properties": {
        "id": INT, "demand_id": INT, "channel": {"type": "string", "enum": ["web", "api"]},
        "user": {"type": "object", "properties": {"id": INT, "display_name": STR, "email": STR}},
        "organization": {"type": "object", "properties": {"id": INT, "name": STR}}, "viewed_at": _DT}},
    "AccessLog": list_of("AccessLogEntry"),
}

PATHS = {
    "/pairings": {
        "get": operation("The caller's pairings, newest first (overdue proposals are swept first)", 200, "PairingList",
                   errors=(400, 401, 422), params=PAGE + [param("status", enum_of(PairingStatus)),
                                                           param("direction", {"type": "string", "enum": ["all", "incoming", "outgoing"]})]),
        "post": operation("Propose a pairing (owner of either side) → status proposed", 201, "Pairing", "PairingInput")},
    "/pairings/{id}": {"get": operation("One pairing (the two parties, operators)", 200, "Pairing", errors=(401, 404), params=_ID)},
    "/pairings/{id}/accept": {"post": operation("The other side accepts → connected", 200, "Pairing", errors=(401, 403, 404, 409), params=_ID)},
    "/pairings/{id}/decline": {"post": operation("The other side declines with a reason → declined", 200, "Pairing", "DeclineInput",
                                           params=_ID)},
    "/pairings/{id}/withdraw": {"post": operation("The proposer's side withdraws → withdrawn", 200, "Pairing",
                                            errors=(401, 403, 404, 409), params=_ID)},
    "/pairings/{id}/messages": {
        "get": operation("The thread, newest last", 200, "MessageList", errors=(400, 401, 404), params=_ID + PAGE),
        "post": operation("Write to the other party", 201, "Message", "MessageInput", params=_ID)},
    "/demands/{id}/undertaking": {"post": operation(
        "Accept the confidentiality undertaking of a confidential demand (201 new, 200 already accepted); "
        "details are readable once the pairing is connected", 201, "Undertaking", errors=(401, 403, 404, 409), params=_ID)},
    "/demands/{id}/access-log": {"get": operation("Reads of the confidential details (owner), newest first", 200, "AccessLog",
                                            errors=(400, 401, 403, 404), params=_ID + PAGE)},
}


