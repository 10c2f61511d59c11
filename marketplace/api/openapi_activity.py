"""OpenAPI entries of notifications, watches and statistics (merged into ``openapi.build_spec``)."""
from __future__ import annotations

from models import NotificationKind, Verdict
from .openapi import _BOOL, _INT, _NUM, _PAGE, _STR, _enum, _list_of, _op, _q

_DT = {"type": "string", "format": "date-time"}
_TARGET = {"type": "string", "enum": ["demand", "result"]}
_NULL_INT, _NULL_STR = {"type": ["integer", "null"]}, {"type": ["string", "null"]}
_FUNNEL = {"demands": _INT, "results": _INT, "pairings": _INT, "connected_pairings": _INT,
           "declined": _INT, "withdrawn": _INT, "expired": _INT}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_MONEY = {"type": "number", "description": "万元"}
_POC = {"validation_requests": _INT,
        "bids": {"type": "integer", "description": "bids submitted (a revision is the same bid)"},
        "engagements": _ref("EngagementsByStatus"), "completed_validations": _ref("CompletedValidations"),
        "deal_amount": {**_MONEY, "description": "sum of the completed validations' amounts, 万元"}}
_POC_MONTH = {"validation_requests": _INT, "bids": _INT, "engagements_created": _INT,
              "engagements_signed": _INT, "validations_completed": _INT, "deal_amount": _MONEY}

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
    "Stats": {"type": "object", "description": "counted from recorded events only (editing a row changes "
              "nothing); connection_rate = demands with ≥ 1 connected pairing ÷ demands published (0 when none).",
              "properties": {
        **_FUNNEL, "connected_demands": _INT, "connection_rate": _NUM, **_POC,
        "poc_open": {"type": "boolean", "description": "the proof-of-concept stage is open (always true now)"},
        "funnel": {"type": "array", "items": _ref("FunnelStep"), "description": "published → proposed → connected "
                   "→ validation_requested → engaged → validated"},
        "by_field": {"type": "array", "items": {"type": "object", "properties": {
            "field": _NULL_STR, "name": _STR, **_FUNNEL, "connected_demands": _INT, "connection_rate": _NUM,
            **_POC}}},
        "by_month": {"type": "array", "description": "the last 12 months (UTC), oldest first; each counts the "
                     "events of that month", "items": {"type": "object", "properties": {
                         "month": {"type": "string", "example": "2026-11"}, **_FUNNEL, **_POC_MONTH}}}}},
    "EngagementsByStatus": {"type": "object", "description": "each engagement once, at the furthest step its "
                            "events reached (a report awaiting the parties' answer counts as active)",
                            "properties": {"awaiting_signatures": _INT, "active": _INT, "completed": _INT}},
    "VerdictCounts": {"type": "object", "properties": {code: _INT for code in Verdict.codes()}},
    "CompletedValidations": {"type": "object", "properties": {
        "total": _INT, "technical": _ref("VerdictCounts"), "market": _ref("VerdictCounts")}},
    "FunnelStep": {"type": "object", "properties": {
        "step": {"type": "string", "enum": ["published", "proposed", "connected", "validation_requested", "engaged",
                                            "validated"]},
        "label": _STR, "demands": {"type": "integer", "description": "distinct published demands at this step"},
        "share": {"type": "number", "description": "demands ÷ published demands (0 when none)"},
        "from_previous": {"type": "number", "description": "demands ÷ the previous step's (0 when none)"}}},
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
    "/stats": {"get": _op("The funnel from publication to validation, the PoC figures, by field and by month "
                          "(public)", 200, "Stats", auth=False, errors=())},
}
