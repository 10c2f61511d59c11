"""Query parameters are checked against the OpenAPI document before a view runs: a declared
integer must be an integer within its bounds, a declared enum one of its values, a required
parameter present, and each given once. What the document declares is what the API accepts — a client that sends
``trl_min=false`` or ``transfer_mode=`` hears so (422, naming the parameter) instead of getting a
list silently left unfiltered. Parameters the document does not declare are ignored, as before.

The web pages are not checked here: their filter forms send empty values for "any" and keep
parsing leniently (services/browse.ListingFilters)."""
from __future__ import annotations

import re
from functools import lru_cache

from flask import request

from ..services.errors import ValidationFailed

_INTEGER = re.compile(r"-?\d{1,18}")
_PLACEHOLDER = re.compile(r"\{[^}]+\}|<(?:[^:<>]+:)?[^<>]+>")


def _shape(path: str) -> str:
    """``/demands/{id}`` and Flask's ``/demands/<int:demand_id>`` alike: ``/demands/{}``."""
    return _PLACEHOLDER.sub("{}", path)


@lru_cache(maxsize=1)
def _declared() -> dict[tuple[str, str], tuple[bool, dict[str, dict]]]:
    """{(method, path shape): (signed in only, {name: parameter})} of every operation's query parameters."""
    from .openapi import build_spec

    found = {}
    for path, item in build_spec()["paths"].items():
        for method, operation in item.items():
            found[(method.upper(), _shape(path))] = (operation.get("security") != [], {
                p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"})
    return found


def problem(value: str, schema: dict) -> str | None:
    """Why ``value`` does not fit ``schema`` (None when it does)."""
    if "enum" in schema:
        allowed = [v for v in schema["enum"] if v is not None]
        return None if value in allowed else "应为以下之一：" + "、".join(map(str, allowed)) + "。"
    if schema.get("type") == "integer":
        if not _INTEGER.fullmatch(value):
            return "应为整数。"
        number = int(value)
        if "minimum" in schema and number < schema["minimum"]:
            return f"应不小于 {schema['minimum']}。"
        if "maximum" in schema and number > schema["maximum"]:
            return f"应不大于 {schema['maximum']}。"
    if "minLength" in schema and len(value) < schema["minLength"]:
        return "不能为空。" if schema["minLength"] == 1 else f"至少 {schema['minLength']} 个字符。"
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return f"最多 {schema['maxLength']} 个字符。"
    return None


def check_query() -> None:
    """Refuse (422) a request whose declared query parameters do not fit the document. An
    operation for signed-in callers answers a call without a token 401 first, as it always has."""
    from . import bearer_token

    rule = request.url_rule
    if rule is None:
        return
    signed_in_only, declared = _declared().get((request.method, _shape(rule.rule.removeprefix("/api/v1"))), (False, {}))
    if not declared or (signed_in_only and bearer_token() is None):
        return
    fields = {}
    for name, parameter in declared.items():
        values = request.args.getlist(name)
        if len(values) > 1:
            fields[name] = "只能给一个值。"
        elif not values and parameter.get("required"):
            fields[name] = "必填。"
        elif values and (why := problem(values[0], parameter.get("schema", {}))):
            fields[name] = why
    if fields:
        raise ValidationFailed("查询参数不符合 API 文档：" + "、".join(sorted(fields)) + "。", fields)
