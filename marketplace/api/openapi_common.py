"""The pieces every part of the OpenAPI document is built from: scalar schemas, enums, paged lists,
operations and parameters. The per-area modules (openapi_activity, openapi_pairings, openapi_poc…)
and openapi.py import them from here, so no part of the document imports another."""
from __future__ import annotations

STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}


def enum_of(enum_cls) -> dict:
    """A string schema whose values are the enum's codes."""
    return {"type": "string", "enum": enum_cls.codes()}


def list_of(schema: str) -> dict:
    """A page of ``schema`` items with the paging fields every list shares."""
    return {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}},
        "page": INT, "per_page": INT,
        "total": {"type": "integer", "description": "matching rows, counted up to 10,000"},
        "total_capped": {"type": "boolean", "description": "more than `total` rows match; pages end at 10,000 rows"}}}


def ref(name: str) -> dict:
    """A JSON body of the named component schema."""
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def operation(summary: str, ok: int, out: str | None, body: str | None = None, auth: bool = True,
              errors=(400, 401, 403, 404, 409, 422), params=()) -> dict:
    """One operation: its success answer, the error answers it may give, its parameters and body."""
    responses = {str(ok): {"description": "OK", **(ref(out) if out else {})}}
    responses.update({str(code): {"description": "error", **ref("Error")} for code in errors})
    op = {"summary": summary, "responses": responses, "parameters": list(params)}
    if body:
        op["requestBody"] = {"required": True, **ref(body)}
    if not auth:
        op["security"] = []
    return op


def param(name: str, schema=STR, where: str = "query") -> dict:
    """A query (or path, always required) parameter."""
    return {"name": name, "in": where, "required": where == "path", "schema": schema}


PAGE = [param("page", {"type": "integer", "minimum": 1, "maximum": 100_000}),
        param("per_page", {"type": "integer", "minimum": 1, "maximum": 100})]
# a switch in the query string: "1" or "true" turns it on, "0" or "false" (or leaving it out) off
SWITCH = {"type": "string", "enum": ["1", "true", "0", "false"]}
