"""OpenAPI entries of notifications, watches and statistics (merged into ``openapi.build_spec``)."""
from __future__ import annotations

from models import NotificationKind, Verdict
from .openapi_common import BOOL, INT, NUM, PAGE, STR, SWITCH, enum_of, list_of, operation, param

_DT = {"type": "string", "format": "date-time"}
_TARGET = {"type": "string", "enum": ["demand", "result"]}
_NULL_INT, _NULL_STR = {"type": ["integer", "null"]}, {"type": ["string", "null"]}
_FUNNEL = {"demands": INT, "results": INT, "pairings": INT, "connected_pairings": INT,
           "declined": INT, "withdrawn": INT, "expired": INT}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


_MONEY = {"type": "number", "description": "万元"}
_POC = {"validation_requests": INT,
        "bids": {"type": "integer", "description": "bids submitted (a revision is the same bid)"},
        "engagements": ref("EngagementsByStatus"), "completed_validations": ref("CompletedValidations"),
        "deal_amount": {**_MONEY, "description": "sum of the completed validations' amounts, 万元"}}
_POC_MONTH = {"validation_requests": INT, "bids": INT, "engagements_created": INT,
              "engagements_signed": INT, "validations_completed": INT, "deal_amount": _MONEY}

_DELIVERY = {"type": "string", "enum": ["instant", "digest", "off"]}

SCHEMAS = {
    "EmailPreferences": {"type": "object", "required": ["preferences"], "properties": {
        "preferences": {"type": "object", "description": "notification kind → instant | digest | off "
                        "(every kind when read; the kinds to change when written)",
                        "propertyNames": enum_of(NotificationKind), "additionalProperties": _DELIVERY}}},
    "Notification": {"type": "object", "properties": {
        "id": INT, "kind": enum_of(NotificationKind), "text": STR,
        "link": {"type": "string", "description": "a path on this site, e.g. /pairings/12 (may be empty)"},
        "read": BOOL, "created_at": _DT}},
    "NotificationList": {"allOf": [list_of("Notification"), {"type": "object", "properties": {
        "unread": {"type": "integer", "description": "the caller's unread count"}}}]},
    "WatchInput": {"type": "object", "description": "a saved search (query + target) or a listing alert "
                   "(demand_id or result_id: new listings of the other kind that fit it)", "properties": {
        "query": {"type": "string", "maxLength": 200}, "target": _TARGET,
        "demand_id": INT, "result_id": INT, "field": {"type": "string", "description": "optional field code"},
        "min_score": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                      "description": "fit threshold: score ÷ the best possible score"}}},
    "Watch": {"type": "object", "properties": {
        "id": INT, "target": _TARGET, "query": _NULL_STR, "demand_id": _NULL_INT, "result_id": _NULL_INT,
        "field": _NULL_STR, "min_score": NUM, "created_at": _DT}},
    "WatchList": list_of("Watch"),
    "Stats": {"type": "object", "description": "counted from recorded events only (editing a row changes "
              "nothing); connection_rate = demands with ≥ 1 connected pairing ÷ demands published (0 when none).",
              "properties": {
        **_FUNNEL, "connected_demands": INT, "connection_rate": NUM, **_POC,
        "organizations": {"type": "integer", "description": "organizations registered (the home page shows "
                          "this, demands and results: the same figures)"},
        "poc_open": {"type": "boolean", "description": "the proof-of-concept stage is open (always true now)"},
        "funnel": {"type": "array", "items": ref("FunnelStep"), "description": "published → proposed → connected "
                   "→ validation_requested → engaged → validated"},
        "by_field": {"type": "array", "items": {"type": "object", "properties": {
            "field": _NULL_STR, "name": STR, **_FUNNEL, "connected_demands": INT, "connection_rate": NUM,
            **_POC}}},
        "by_month": {"type": "array", "description": "the last 12 calendar months in the configured time "
                     "zone (TIMEZONE, default Asia/Shanghai), oldest first, the current one last; each counts the "
                     "events of that month", "items": {"type": "object", "properties": {
                         "month": {"type": "string", "example": "2026-11"}, **_FUNNEL, **_POC_MONTH}}}}},
    "EngagementsByStatus": {"type": "object", "description": "each engagement once, at the furthest step its "
                            "events reached (a report awaiting the parties' answer counts as active)",
                            "properties": {"awaiting_signatures": INT, "active": INT, "completed": INT}},
    "VerdictCounts": {"type": "object", "properties": {code: INT for code in Verdict.codes()}},
    "CompletedValidations": {"type": "object", "properties": {
        "total": INT, "technical": ref("VerdictCounts"), "market": ref("VerdictCounts")}},
    "FunnelStep": {"type": "object", "properties": {
        "step": {"type": "string", "enum": ["published", "proposed", "connected", "validation_requested", "engaged",
                                            "validated"]},
        "label": STR, "demands": {"type": "integer", "description": "distinct published demands at this step"},
        "share": {"type": "number", "description": "demands ÷ published demands (0 when none)"},
        "from_previous": {"type": "number", "description": "demands ÷ the previous step's (0 when none)"}}},
}

_ID = [param("id", INT, "path")]
PATHS = {
    "/notifications": {"get": operation("The caller's notifications, newest first", 200, "NotificationList",
                                  errors=(400, 401), params=PAGE + [param("unread", SWITCH)])},
    "/notifications/{id}/read": {"post": operation("Mark one notification read", 200, "Notification",
                                             errors=(401, 404), params=_ID)},
    "/me/email-preferences": {
        "get": operation("How the caller gets each notification kind by e-mail", 200, "EmailPreferences", errors=(401,)),
        "put": operation("Change how the caller gets some notification kinds by e-mail", 200, "EmailPreferences",
                         "EmailPreferences", errors=(400, 401, 422))},
    "/notifications/read-all": {"post": operation("Mark all of the caller's notifications read", 200, None, errors=(401,))},
    "/watches": {"get": operation("The caller's watches", 200, "WatchList", errors=(400, 401), params=PAGE),
                 "post": operation("Save a search or a listing alert", 201, "Watch", "WatchInput", errors=(400, 401, 409, 422))},
    "/watches/{id}": {"delete": operation("Delete one of the caller's watches", 204, None, errors=(401, 404), params=_ID)},
    "/stats": {"get": operation("The funnel from publication to validation, the PoC figures, by field and by month "
                          "(public)", 200, "Stats", auth=False, errors=())},
}
