"""The served OpenAPI 3 description of what the API offers so far."""
from __future__ import annotations

import copy

from models import CooperationMode, Maturity, OrgKind, PatentStatus, Role, TransferMode, Visibility
from . import api_bp
from . import openapi_activity as activity
from . import openapi_admin as admin
from . import openapi_attachments as attachments
from . import openapi_pairings as pairings
from . import openapi_poc as poc
from . import openapi_quality as quality
from ..errors import ERROR_CODES
from ..services.browse import DEMAND_SORTS, RESULT_SORTS
from ..services.visibility import RESTRICTED_DEMAND_FIELDS
from .openapi_common import BOOL, INT, NUM, PAGE, STR, SWITCH, enum_of, list_of, operation, param, ref

_ORG = {"type": "object", "properties": {"id": INT, "name": STR, "kind": enum_of(OrgKind), "region": STR, "verified": BOOL}}
_DEMAND_IN = {
    "title": {"type": "string", "maxLength": 120}, "description": {"type": "string", "maxLength": 10000},
    "summary": {"type": "string", "maxLength": 500, "description": "public summary; required when confidential"},
    "field": {"type": "string", "description": "a code of GET /fields"},
    "keywords": {"type": "array", "items": STR, "maxItems": 10},
    "budget_min": {"type": "number", "minimum": 0, "description": "万元"},
    "budget_max": {"type": "number", "minimum": 0, "description": "万元, ≥ budget_min"},
    "deadline": {"type": "string", "format": "date", "description": "in the future"},
    "cooperation_mode": enum_of(CooperationMode), "trl_target": {"type": "integer", "minimum": 1, "maximum": 9},
    "region": STR, "visibility": enum_of(Visibility),
    "status": {"type": "string", "enum": ["draft", "published", "closed"]},
}
_RESULT_IN = {
    "title": {"type": "string", "maxLength": 120}, "abstract": {"type": "string", "maxLength": 10000},
    "field": STR, "keywords": {"type": "array", "items": STR, "maxItems": 10},
    "trl": {"type": "integer", "minimum": 1, "maximum": 9}, "maturity": enum_of(Maturity),
    "patents": {"type": "array", "items": {"type": "object", "required": ["number", "status"], "properties": {
        "number": {"type": "string", "description": "CN…, ZL…, PCT/CN2024/081234, US…, EP…"},
        "status": enum_of(PatentStatus)}}},
    "transfer_modes": {"type": "array", "items": enum_of(TransferMode), "minItems": 1},
    "asking_price": {"type": ["number", "null"], "minimum": 0, "description": "万元; null = 面议"},
    "region": STR, "status": {"type": "string", "enum": ["draft", "published", "withdrawn"]},
}
def _or_null(schema: dict) -> dict:
    """A field of a confidential demand as a caller without access reads it: null (keywords: [])."""
    nullable = {**schema, "type": [schema["type"], "null"], "description": "null when details_restricted"}
    return nullable | ({"enum": [*schema["enum"], None]} if "enum" in schema else {})


_RESTRICTED = {name: _or_null(_DEMAND_IN[name]) for name in RESTRICTED_DEMAND_FIELDS if name != "keywords"}
_READ = {"id": INT, "organization": {"oneOf": [{"$ref": "#/components/schemas/Organization"}, {"type": "null"}]},
         "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
         "published_at": {"type": ["string", "null"], "format": "date-time"}}

SCHEMAS = {
    "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string", "enum": ERROR_CODES},
        "message": STR, "fields": {"type": "object", "additionalProperties": STR}}}}},
    "Organization": _ORG,
    "OrganizationReview": {"type": "object", "properties": {
        **_ORG["properties"], "review_status": {"type": "string", "enum": ["pending", "verified", "rejected"]},
        "review_note": {"type": "string", "description": "why it was rejected or its verification revoked"},
        "rejected_at": {"type": ["string", "null"], "format": "date-time"},
        "similar_to": {"type": ["object", "null"], "description": "the organization its name looks like",
                       "properties": {"id": INT, "name": STR}}}},
    "ReviewReason": {"type": "object", "required": ["reason"], "properties": {
        "reason": {"type": "string", "minLength": 1, "maxLength": 500}}},
    "User": {"type": "object", "properties": {"id": INT, "email": STR, "display_name": STR,
                                              "role": enum_of(Role), "organization": {"$ref": "#/components/schemas/Organization"}}},
    "PasswordResetRequest": {"type": "object", "required": ["email"], "properties": {
        "email": {"type": "string", "format": "email", "minLength": 3, "maxLength": 254}}},
    "PasswordResetAnswer": {"type": "object", "required": ["message"], "properties": {"message": STR}},
    "NewUser": {"type": "object", "required": ["email", "password", "role", "organization"], "properties": {
        "email": STR, "password": {"type": "string", "minLength": 8}, "display_name": STR,
        "role": {"type": "string", "enum": ["enterprise", "researcher", "center"]},
        "organization": {"type": "object", "properties": {"name": STR, "kind": enum_of(OrgKind), "region": STR}}}},
    "DemandInput": {"type": "object", "properties": _DEMAND_IN},
    "Demand": {"type": "object", "properties": {**_DEMAND_IN, **_READ, **_RESTRICTED, "details_restricted": BOOL}},
    "ResultInput": {"type": "object", "properties": _RESULT_IN},
    "Result": {"type": "object", "properties": {**_RESULT_IN, **_READ}},
    "DemandList": list_of("Demand"), "ResultList": list_of("Result"),
    "Explanation": {"type": "object", "description": "why a pair matches; offsets index the original texts",
                    "properties": {"terms": {"type": "array", "items": {"type": "object"}},
                                   "keywords": {"type": "array", "items": {"type": "object"}},
                                   "notes": {"type": "array", "items": {"type": "object", "properties": {
                                       "aspect": STR, "ok": BOOL, "text": STR}}},
                                   "highlights": {"type": "object"}, "summary": STR}},
    "Match": {"type": "object", "properties": {
        "result": {"$ref": "#/components/schemas/Result"}, "demand": {"$ref": "#/components/schemas/Demand"},
        "score": NUM, "fit": {"type": "integer", "minimum": 0, "maximum": 100}, "components": {"type": "object"},
        "explanation": {"$ref": "#/components/schemas/Explanation"}}},
    "MatchList": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}}}},
    "Field": {"type": "object", "properties": {"code": STR, "name_zh": STR, "name_en": STR}},
}


_TRL = {"type": "integer", "minimum": 1, "maximum": 9}
_FILTERS = [param("q"), param("field"), param("region"), param("trl_min", _TRL), param("trl_max", _TRL), param("mine", SWITCH)]


def _sorts(codes) -> dict:
    return param("sort", {"type": "string", "enum": ["", *codes], "description": "empty: newest first, or relevance with q"})


def _item_paths(kind: str, schema: str) -> dict:
    path_id = [param("id", INT, "path")]
    return {
        "get": operation(f"Read one {kind}", 200, schema, auth=False, errors=(401, 404), params=path_id),
        "patch": operation(f"Edit a {kind} or move its status", 200, schema, f"{schema}Input", params=path_id),
        "delete": operation(f"Delete a draft {kind}", 204, None, errors=(401, 403, 404, 409), params=path_id),
    }


_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Repeat a create safely: the same key and body within 24 h return the first response "
                   "(header Idempotent-Replayed: true); the same key with another body is a 422."}


def _with_idempotency_keys(spec: dict) -> dict:
    """Every authenticated create (POST answering 201) takes an Idempotency-Key header. Works on a
    copy: the path entries are module constants, shared by every request for the document."""
    spec = copy.deepcopy(spec)
    for item in spec["paths"].values():
        post = item.get("post")
        if post and "201" in post["responses"] and post.get("security") != []:
            post["parameters"] = [*post.get("parameters", []), _IDEMPOTENCY_KEY]
    return spec


_LIMIT_ERRORS = {
    "414": {"description": "The query string is longer than the limit (4,096 bytes by default)", **ref("Error")},
    "503": {"description": "A database statement ran past the limit (5 s by default) and was cut off; "
                           "retry after the Retry-After seconds, with a narrower query", **ref("Error")},
}


_INPUT_ERRORS = {
    "400": {"description": "The request could not be read (malformed JSON or form)", **ref("Error")},
    "422": {"description": "A parameter or a field of the body breaks a rule; `fields` names each", **ref("Error")},
}


def _with_request_limits(spec: dict) -> dict:
    """Every operation may meet the request limits (marketplace/request_limits.py); one that takes
    input (query parameters, a body) may refuse it — query parameters are checked against this
    document (api/query_params.py), bodies by the services. Works on the copy made for the document."""
    for item in spec["paths"].values():
        for op in item.values():
            takes_input = "requestBody" in op or any(p["in"] == "query" for p in op.get("parameters", []))
            op["responses"] = {**(_INPUT_ERRORS if takes_input else {}), **op["responses"], **_LIMIT_ERRORS}
    for path in ("/demands", "/results"):
        spec["paths"][path]["get"]["responses"]["422"] = {
            "description": "A parameter breaks a rule (`fields` names each) — or q has more than 24 words", **ref("Error")}
    return spec


def build_spec() -> dict:
    """The OpenAPI document."""
    return _with_request_limits(_with_idempotency_keys({
        "openapi": "3.1.0",
        "info": {"title": "InnoBridge 创新桥 API", "version": "1",
                 "description": "Money in 万元, dates ISO 8601, errors as {error: {code, message, fields}}."},
        "servers": [{"url": "/api/v1"}],
        "components": {"schemas": SCHEMAS | activity.SCHEMAS | admin.SCHEMAS | attachments.SCHEMAS | pairings.SCHEMAS
                       | poc.SCHEMAS | quality.SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/tokens": {"post": {**operation("Exchange email and password for a token", 201, None, auth=False,
                                       errors=(400, 401, 429)),
                                 "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"email": STR, "password": STR}}}}}}},
            "/password-reset": {"post": operation(
                "Mail a one-time password reset link (1 hour) to the account with this address, if any: "
                "the same 202 either way", 202, "PasswordResetAnswer", "PasswordResetRequest", auth=False,
                errors=(400, 422, 429))},
            "/tokens/current": {"delete": operation("Revoke the token of this request", 204, None, errors=(401,))},
            "/me": {"get": operation("The caller", 200, "User", errors=(401,))},
            "/users": {"post": operation("Create an account (operators)", 201, "User", "NewUser")},
            "/organizations/{id}/verify": {"post": operation("Verify an organization (operators)", 200, "Organization",
                                                       errors=(401, 404), params=[param("id", INT, "path")])},
            "/organizations/{id}/reject": {"post": operation(
                "Refuse an organization's verification, with the reason it reads (operators)", 200,
                "OrganizationReview", "ReviewReason", errors=(401, 404, 409, 422), params=[param("id", INT, "path")])},
            "/organizations/{id}/revoke": {"post": operation(
                "Take a verification back, with the reason the organization reads (operators)", 200,
                "OrganizationReview", "ReviewReason", errors=(401, 404, 409, 422), params=[param("id", INT, "path")])},
            "/fields": {"get": operation("The field taxonomy", 200, None, auth=False, errors=())},
            "/demands": {"get": operation("List published demands", 200, "DemandList", auth=False, errors=(400, 401),
                                    params=PAGE + _FILTERS + [_sorts(DEMAND_SORTS), param("cooperation_mode", enum_of(CooperationMode))]),
                         "post": operation("Create a demand (enterprise)", 201, "Demand", "DemandInput")},
            "/demands/{id}": _item_paths("demand", "Demand"),
            "/demands/{id}/confirm": {"post": operation(
                "The owners confirm a published demand is still current (restarts its 180 days)", 200, "Demand",
                errors=(401, 403, 404, 409), params=[param("id", INT, "path")])},
            "/results": {"get": operation("List published results", 200, "ResultList", auth=False, errors=(400, 401),
                                    params=PAGE + _FILTERS + [_sorts(RESULT_SORTS), param("transfer_mode", enum_of(TransferMode))]),
                         "post": operation("Create a result (researcher)", 201, "Result", "ResultInput")},
            "/results/{id}": _item_paths("result", "Result"),
            "/results/{id}/confirm": {"post": operation(
                "The owners confirm a published result is still current (restarts its 180 days)", 200, "Result",
                errors=(401, 403, 404, 409), params=[param("id", INT, "path")])},
            "/demands/{id}/matches": {"get": operation("Results that fit a demand, explained", 200, "MatchList", errors=(400, 401, 404),
                                                 params=[param("id", INT, "path"), param("limit", {"type": "integer", "minimum": 1, "maximum": 50})])},
            "/results/{id}/matches": {"get": operation("Demands that fit a result, explained", 200, "MatchList", errors=(400, 401, 404),
                                                 params=[param("id", INT, "path"), param("limit", {"type": "integer", "minimum": 1, "maximum": 50})])},
            "/search": {"get": operation("Matcher-ranked search", 200, None, auth=False, errors=(400, 422),
                                   params=PAGE + [{**param("q", {"type": "string", "minLength": 1, "maxLength": 500}), "required": True},
                                                  param("kind", {"type": "string", "enum": ["demand", "result"]}), param("field")])},
            **activity.PATHS,
            **admin.PATHS,
            **attachments.PATHS,
            **pairings.PATHS,
            **poc.PATHS,
            **quality.PATHS,
            "/openapi.json": {"get": operation("This document", 200, None, auth=False, errors=())},
        },
    }))


@api_bp.get("/openapi.json")
def spec():
    """The OpenAPI 3 document of this API."""
    return build_spec()
