"""OpenAPI entries of the operators' console — users and the audit log, operators only (any
other caller gets a 404) — and of the organizations' public profile (merged into
``openapi.build_spec``)."""
from __future__ import annotations

from models import Role
from .openapi_common import INT, PAGE, STR, enum_of, list_of, operation, param, ref

_DT = {"type": "string", "format": "date-time"}
_NULL_DT = {"type": ["string", "null"], "format": "date-time"}
_REASON = {"type": "object", "required": ["reason"], "properties": {
    "reason": {"type": "string", "minLength": 1, "maxLength": 500}}}
_ID = [param("id", INT, "path")]
_KIND_ID = [param("kind", {"type": "string", "enum": ["demand", "result"]}, "path"), param("id", INT, "path")]

SCHEMAS = {
    "AdminUser": {"allOf": [ref("User"), {"type": "object", "properties": {
        "is_active": {"type": "boolean"}, "disabled_at": _NULL_DT,
        "disabled_reason": {"type": "string", "description": "what the user reads at sign-in"},
        "created_at": _DT}}]},
    "AdminUserList": list_of("AdminUser"),
    "AccountReason": {**_REASON, "description": "why; kept in the audit log (on disable, the user reads it)"},
    "AuditEntry": {"type": "object", "properties": {
        "id": INT, "action": {"type": "string", "description": "e.g. user.disable, auth.login_failed, demand.update"},
        "actor_id": {"type": ["integer", "null"], "description": "the acting user; null for the system or an anonymous caller"},
        "object": {"type": "object", "properties": {"kind": {"type": ["string", "null"]}, "id": {"type": ["integer", "null"]}}},
        "ip": STR, "at": _DT,
        "changes": {"type": "object", "description": "{field: [before, after]}; secrets and content are "
                    "recorded as changed, not copied", "additionalProperties": {"type": "array"}},
        "note": STR}},
    "AuditList": list_of("AuditEntry"),
    "OrganizationProfile": {"allOf": [ref("Organization"), {"type": "object", "properties": {
        "created_at": _DT,
        "counts": {"type": "object", "properties": {"demands": INT, "results": INT, "connected_pairings": INT,
                                                    "completed_validations": INT}},
        "demands": {"type": "array", "items": ref("ListingBrief"),
                    "description": "newest first, at most 20; anonymous demands are never listed"},
        "results": {"type": "array", "items": ref("ListingBrief"), "description": "newest first, at most 20"}}}]},
    "ModerationReportInput": {"type": "object", "required": ["kind", "id", "reason"], "properties": {
        "kind": {"type": "string", "enum": ["demand", "result", "message"]}, "id": INT,
        "reason": {"type": "string", "minLength": 1, "maxLength": 500}}},
    "ModerationReport": {"type": "object", "properties": {
        "id": INT, "kind": {"type": "string", "enum": ["demand", "result", "message"]}, "target_id": INT,
        "reason": STR, "status": {"type": "string", "enum": ["open", "actioned", "dismissed"]},
        "reporter_id": INT, "created_at": _DT, "resolved_at": _NULL_DT, "resolution_note": STR}},
    "ModerationReportList": list_of("ModerationReport"),
    "Note": {"type": "object", "properties": {"note": {"type": "string", "maxLength": 500}}},
    "ModeratedListing": {"type": "object", "properties": {
        "id": INT, "kind": {"type": "string", "enum": ["demand", "result"]}, "status": STR,
        "hidden_at": _NULL_DT, "hidden_reason": STR, "appealed_at": _NULL_DT}},
    "ListingBrief": {"type": "object", "properties": {
        "id": INT, "title": STR, "field": STR, "status": STR, "published_at": _NULL_DT}},
}

PATHS = {
    "/organizations/{id}": {"get": operation(
        "An organization's public profile (anyone)", 200, "OrganizationProfile", auth=False, errors=(401, 404),
        params=_ID)},
    "/admin/users": {"get": operation(
        "Users, newest first (operators)", 200, "AdminUserList", errors=(401, 404),
        params=PAGE + [param("q", {"type": "string", "maxLength": 100}), param("role", enum_of(Role)),
                       param("status", {"type": "string", "enum": ["active", "disabled"]})])},
    "/admin/users/{id}": {"get": operation("One user (operators)", 200, "AdminUser", errors=(401, 404), params=_ID)},
    "/admin/users/{id}/disable": {"post": operation(
        "Disable an account; its sessions and tokens end at once (operators)", 200, "AdminUser", "AccountReason",
        errors=(401, 404, 409, 422), params=_ID)},
    "/admin/users/{id}/enable": {"post": operation(
        "Let a disabled account sign in again (operators)", 200, "AdminUser", "AccountReason",
        errors=(401, 404, 409, 422), params=_ID)},
    "/reports": {"post": operation(
        "Report a demand, a result or a message to the operators (any signed-in user)", 201, "ModerationReport", "ModerationReportInput",
        errors=(400, 401, 404, 409, 422, 429))},
    "/admin/reports": {"get": operation(
        "Reports, open first (operators)", 200, "ModerationReportList", errors=(401, 404),
        params=PAGE + [param("status", {"type": "string", "enum": ["open", "actioned", "dismissed"]})])},
    "/admin/reports/{id}/dismiss": {"post": operation(
        "Close a report without action (operators)", 200, "ModerationReport", "Note", errors=(400, 401, 404, 409, 422),
        params=_ID)},
    "/admin/listings/{kind}/{id}/hide": {"post": operation(
        "Hide a listing with the reason its owner reads (operators)", 200, "ModeratedListing", "ReviewReason",
        errors=(400, 401, 404, 409, 422), params=_KIND_ID)},
    "/admin/listings/{kind}/{id}/restore": {"post": operation(
        "Show a hidden listing again (operators)", 200, "ModeratedListing", "Note",
        errors=(400, 401, 404, 409, 422), params=_KIND_ID)},
    "/admin/audit": {"get": operation(
        "The audit log, newest first (operators)", 200, "AuditList", errors=(401, 404, 422),
        params=PAGE + [param("actor", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
                       param("action", {"type": "string", "maxLength": 60,
                                        "description": "exact, or a prefix ending in '.' (user.)"}),
                       param("object", {"type": "string", "description": "kind or kind:id, e.g. user:12"}),
                       param("from", {"type": "string", "format": "date"}),
                       param("to", {"type": "string", "format": "date"})])},
}
