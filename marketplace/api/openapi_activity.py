"""OpenAPI entries of notifications, watches and statistics (merged into ``openapi.build_spec``)."""
from __future__ import annotations

from models import NotificationKind
from .openapi import _BOOL, _INT, _NUM, _PAGE, _STR, _enum, _list_of, _op, _q

_DT = {"type": "string", "format": "date-time"}
_TARGET = {"type": "string", "enum": ["demand", "result"]}
_NULL_INT, _NULL_STR = {"type": ["integer", "null"]}, {"type": ["string", "null"]}
_FUNNEL = {"demands": _INT, "results": _INT, "pairings": _INT, "connected_pairings": _INT,
           "declined": _INT, "withdrawn": _INT, "expired": _INT}

SCHEMAS = {
    "Notification": {"type": "object", "properties": {
        "id": _INT, "kind": _enum(NotificationKind), "text": _STR,
        "link": {"type": "string", "description": "a path on this site, e.g. /pairings/12 (may be empty)"},
        "read": _BOOL, "created_at": _DT}},
    "NotificationList": {"allOf": [_list_of("Notification"), {"type": "object", "properties": {
        "unread": {"type": "integer", "description": "the caller's unread count"}}}]},
    "WatchInput": {"type": "object", "description": "a saved search (query + target) or a listing alert "
                   "(demand_id or result_id: new listings of the other kind that fit it)", "properties": {
        "query": {"type": "string", "maxLength": 200}, "target": _TARGET,
        "demand_id": _INT, "result_id": _INT, "field": {"type": "string", "description": "optional field code"},
        "min_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                      "description": "fit threshold: score ÷ the best possible score"}}},
    "Watch": {"type": "object", "properties": {
        "id": _INT, "target": _TARGET, "query": _NULL_STR, "demand_id": _NULL_INT, "result_id": _NULL_INT,
        "field": _NULL_STR, "min_score": _NUM, "created_at": _DT}},
    "WatchList": _list_of("Watch"),
    "Stats": {"type": "object", "description": "counted from recorded events only; connection_rate = demands "
              "with ≥ 1 connected pairing ÷ demands published (0 when none). The PoC stage is not open yet: "
              "bids, engagements and deal_amount are 0/{}.", "properties": {
        **_FUNNEL, "connected_demands": _INT, "connection_rate": _NUM, "bids": _INT,
        "engagements": {"type": "object", "additionalProperties": _INT, "description": "by status"},
        "deal_amount": {"type": "number", "description": "万元"}, "poc_open": _BOOL,
        "by_field": {"type": "array", "items": {"type": "object", "properties": {
            "field": _NULL_STR, "name": _STR, **_FUNNEL, "connected_demands": _INT, "connection_rate": _NUM}}},
        "by_month": {"type": "array", "description": "the last 12 months (UTC), oldest first", "items": {
            "type": "object", "properties": {"month": {"type": "string", "example": "2026-11"}, **_FUNNEL}}}}},
}

_ID = [_q("id", _INT, "path")]
PATHS = {
    "/notifications": {"get": _op("The caller's notifications, newest first", 200, "NotificationList",
                                  errors=(400, 401), params=_PAGE + [_q("unread", {"type": "string", "enum": ["1"]})])},
    "/notifications/{id}/read": {"post": _op("Mark one notification read", 200, "Notification",
                                             errors=(401, 404), params=_ID)},
    "/notifications/read-all": {"post": _op("Mark all of the caller's notifications read", 200, None, errors=(401,))},
    "/watches": {"get": _op("The caller's watches", 200, "WatchList", errors=(400, 401), params=_PAGE),
                 "post": _op("Save a search or a listing alert", 201, "Watch", "WatchInput", errors=(400, 401, 409, 422))},
    "/watches/{id}": {"delete": _op("Delete one of the caller's watches", 204, None, errors=(401, 404), params=_ID)},
    "/stats": {"get": _op("The funnel, by field and by month (public)", 200, "Stats", auth=False, errors=())},
}
