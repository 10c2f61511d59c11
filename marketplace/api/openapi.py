"""The served OpenAPI 3 description of what the API offers so far."""
from __future__ import annotations

import copy

from models import CooperationMode, Maturity, OrgKind, PatentStatus, Role, TransferMode, Visibility
from . import api_bp

_STR, _INT, _NUM, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}


def _enum(enum_cls) -> dict:
    return {"type": "string", "enum": enum_cls.codes()}


def _list_of(ref: str) -> dict:
    return {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
        "page": _INT, "per_page": _INT,
        "total": {"type": "integer", "description": "matching rows, counted up to 10,000"},
        "total_capped": {"type": "boolean", "description": "more than `total` rows match; pages end at 10,000 rows"}}}


_ORG = {"type": "object", "properties": {"id": _INT, "name": _STR, "kind": _enum(OrgKind), "region": _STR, "verified": _BOOL}}
_DEMAND_IN = {
    "title": {"type": "string", "maxLength": 120}, "description": {"type": "string", "maxLength": 10000},
    "summary": {"type": "string", "maxLength": 500, "description": "public summary; required when confidential"},
    "field": {"type": "string", "description": "a code of GET /fields"},
    "keywords": {"type": "array", "items": _STR, "maxItems": 10},
    "budget_min": {"type": "number", "minimum": 0, "description": "万元"},
    "budget_max": {"type": "number", "minimum": 0, "description": "万元, ≥ budget_min"},
    "deadline": {"type": "string", "format": "date", "description": "in the future"},
    "cooperation_mode": _enum(CooperationMode), "trl_target": {"type": "integer", "minimum": 1, "maximum": 9},
    "region": _STR, "visibility": _enum(Visibility),
    "status": {"type": "string", "enum": ["draft", "published", "closed"]},
}
_RESULT_IN = {
    "title": {"type": "string", "maxLength": 120}, "abstract": {"type": "string", "maxLength": 10000},
    "field": _STR, "keywords": {"type": "array", "items": _STR, "maxItems": 10},
    "trl": {"type": "integer", "minimum": 1, "maximum": 9}, "maturity": _enum(Maturity),
    "patents": {"type": "array", "items": {"type": "object", "required": ["number", "status"], "properties": {
        "number": {"type": "string", "description": "CN…, ZL…, PCT/CN2024/081234, US…, EP…"},
        "status": _enum(PatentStatus)}}},
    "transfer_modes": {"type": "array", "items": _enum(TransferMode), "minItems": 1},
    "asking_price": {"type": ["number", "null"], "minimum": 0, "description": "万元; null = 面议"},
    "region": _STR, "status": {"type": "string", "enum": ["draft", "published", "withdrawn"]},
}
_READ = {"id": _INT, "organization": {"oneOf": [{"$ref": "#/components/schemas/Organization"}, {"type": "null"}]},
         "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
         "published_at": {"type": ["string", "null"], "format": "date-time"}}

SCHEMAS = {
    "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string", "enum": ["validation_error", "not_found", "forbidden", "conflict",
                                           "unauthorized", "rate_limited", "payload_too_large"]},
        "message": _STR, "fields": {"type": "object", "additionalProperties": _STR}}}}},
    "Organization": _ORG,
    "User": {"type": "object", "properties": {"id": _INT, "email": _STR, "display_name": _STR,
                                              "role": _enum(Role), "organization": {"$ref": "#/components/schemas/Organization"}}},
    "NewUser": {"type": "object", "required": ["email", "password", "role", "organization"], "properties": {
        "email": _STR, "password": {"type": "string", "minLength": 8}, "display_name": _STR,
        "role": {"type": "string", "enum": ["enterprise", "researcher", "center"]},
        "organization": {"type": "object", "properties": {"name": _STR, "kind": _enum(OrgKind), "region": _STR}}}},
    "DemandInput": {"type": "object", "properties": _DEMAND_IN},
    "Demand": {"type": "object", "properties": {**_DEMAND_IN, **_READ,
        "description": {"type": ["string", "null"], "description": "null when details are restricted"},
        "details_restricted": _BOOL}},
    "ResultInput": {"type": "object", "properties": _RESULT_IN},
    "Result": {"type": "object", "properties": {**_RESULT_IN, **_READ}},
    "DemandList": _list_of("Demand"), "ResultList": _list_of("Result"),
    "Explanation": {"type": "object", "description": "why a pair matches; offsets index the original texts",
                    "properties": {"terms": {"type": "array", "items": {"type": "object"}},
                                   "keywords": {"type": "array", "items": {"type": "object"}},
                                   "notes": {"type": "array", "items": {"type": "object", "properties": {
                                       "aspect": _STR, "ok": _BOOL, "text": _STR}}},
                                   "highlights": {"type": "object"}, "summary": _STR}},
    "Match": {"type": "object", "properties": {
        "result": {"$ref": "#/components/schemas/Result"}, "demand": {"$ref": "#/components/schemas/Demand"},
        "score": _NUM, "fit": {"type": "integer", "minimum": 0, "maximum": 100}, "components": {"type": "object"},
        "explanation": {"$ref": "#/components/schemas/Explanation"}}},
    "MatchList": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}}}},
    "Field": {"type": "object", "properties": {"code": _STR, "name_zh": _STR, "name_en": _STR}},
}


def _ref(name: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _op(summary: str, ok: int, out: str | None, body: str | None = None, auth: bool = True,
        errors=(400, 401, 403, 404, 409, 422), params=()) -> dict:
    responses = {str(ok): {"description": "OK", **(_ref(out) if out else {})}}
    responses.update({str(code): {"description": "error", **_ref("Error")} for code in errors})
    op = {"summary": summary, "responses": responses, "parameters": list(params)}
    if body:
        op["requestBody"] = {"required": True, **_ref(body)}
    if not auth:
        op["security"] = []
    return op


def _q(name: str, schema=_STR, where: str = "query") -> dict:
    return {"name": name, "in": where, "required": where == "path", "schema": schema}


_PAGE = [_q("page", _INT), _q("per_page", {"type": "integer", "maximum": 100})]
_FILTERS = [_q("q"), _q("field"), _q("region"), _q("trl_min", _INT), _q("trl_max", _INT), _q("sort"), _q("mine")]


def _item_paths(kind: str, schema: str) -> dict:
    path_id = [_q("id", _INT, "path")]
    return {
        "get": _op(f"Read one {kind}", 200, schema, auth=False, errors=(401, 404), params=path_id),
        "patch": _op(f"Edit a {kind} or move its status", 200, schema, f"{schema}Input", params=path_id),
        "delete": _op(f"Delete a draft {kind}", 204, None, errors=(401, 403, 404, 409), params=path_id),
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
    "414": {"description": "The query string is longer than the limit (4,096 bytes by default)", **_ref("Error")},
    "503": {"description": "A database statement ran past the limit (5 s by default) and was cut off; "
                           "retry after the Retry-After seconds, with a narrower query", **_ref("Error")},
}


def _with_request_limits(spec: dict) -> dict:
    """Every operation may meet the request limits (marketplace/request_limits.py); the lists'
    keyword filter takes at most 24 words (more: 422). Works on the copy made for the document."""
    for path, item in spec["paths"].items():
        for method, op in item.items():
            op["responses"] = {**op["responses"], **_LIMIT_ERRORS}
            if method == "get" and path in ("/demands", "/results"):
                op["responses"].setdefault("422", {"description": "More than 24 words in q", **_ref("Error")})
    return spec


def build_spec() -> dict:
    """The OpenAPI document."""
    from . import openapi_activity as activity
    from . import openapi_pairings as pairings
    from . import openapi_poc as poc

    return _with_request_limits(_with_idempotency_keys({
        "openapi": "3.1.0",
        "info": {"title": "InnoBridge 创新桥 API", "version": "1",
                 "description": "Money in 万元, dates ISO 8601, errors as {error: {code, message, fields}}."},
        "servers": [{"url": "/api/v1"}],
        "components": {"schemas": SCHEMAS | activity.SCHEMAS | pairings.SCHEMAS | poc.SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/tokens": {"post": {**_op("Exchange email and password for a token", 201, None, auth=False,
                                       errors=(400, 401, 429)),
                                 "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"email": _STR, "password": _STR}}}}}}},
            "/tokens/current": {"delete": _op("Revoke the token of this request", 204, None, errors=(401,))},
            "/me": {"get": _op("The caller", 200, "User", errors=(401,))},
            "/users": {"post": _op("Create an account (operators)", 201, "User", "NewUser")},
            "/organizations/{id}/verify": {"post": _op("Verify an organization (operators)", 200, "Organization",
                                                       errors=(401, 404), params=[_q("id", _INT, "path")])},
            "/fields": {"get": _op("The field taxonomy", 200, None, auth=False, errors=())},
            "/demands": {"get": _op("List published demands", 200, "DemandList", auth=False, errors=(400, 401),
                                    params=_PAGE + _FILTERS + [_q("cooperation_mode", _enum(CooperationMode))]),
                         "post": _op("Create a demand (enterprise)", 201, "Demand", "DemandInput")},
            "/demands/{id}": _item_paths("demand", "Demand"),
            "/results": {"get": _op("List published results", 200, "ResultList", auth=False, errors=(400, 401),
                                    params=_PAGE + _FILTERS + [_q("transfer_mode", _enum(TransferMode))]),
                         "post": _op("Create a result (researcher)", 201, "Result", "ResultInput")},
            "/results/{id}": _item_paths("result", "Result"),
            "/demands/{id}/matches": {"get": _op("Results that fit a demand, explained", 200, "MatchList", errors=(400, 401, 404),
                                                 params=[_q("id", _INT, "path"), _q("limit", {"type": "integer", "maximum": 50})])},
            "/results/{id}/matches": {"get": _op("Demands that fit a result, explained", 200, "MatchList", errors=(400, 401, 404),
                                                 params=[_q("id", _INT, "path"), _q("limit", {"type": "integer", "maximum": 50})])},
            "/search": {"get": _op("Matcher-ranked search", 200, None, auth=False, errors=(400, 422),
                                   params=_PAGE + [_q("q"), _q("kind", {"type": "string", "enum": ["demand", "result"]}), _q("field")])},
            **activity.PATHS,
            **pairings.PATHS,
            **poc.PATHS,
            "/openapi.json": {"get": _op("This document", 200, None, auth=False, errors=())},
        },
    }))


@api_bp.get("/openapi.json")
def spec():
    """The OpenAPI 3 document of this API."""
    return build_spec()
