"""API: explained matches of a listing, and matcher-ranked search."""
from __future__ import annotations

from flask import request

from ..extensions import match_index
from ..services import demands, results, suggestions
from ..services.errors import ValidationFailed
from . import api_bp, current_api_user, page_json, page_params, token_required
from .serializers import demand_json, result_json


def _limit() -> int:
    try:
        limit = int(request.args.get("limit", 10))
    except ValueError:
        raise ValidationFailed("limit 应为整数。", {"limit": "应为 1–50 的整数。"}) from None
    if not 1 <= limit <= suggestions.MAX_SUGGESTIONS:
        raise ValidationFailed("limit 超出范围。", {"limit": "应为 1–50 的整数。"})
    return limit


def suggestion_json(item: suggestions.Suggestion, key: str, viewer) -> dict:
    """{demand|result, score, fit, components, explanation}."""
    listing = demand_json(item.listing, viewer) if key == "demand" else result_json(item.listing, viewer)
    return {key: listing, "score": item.score, "fit": item.fit, "components": item.components,
            "explanation": item.explanation}


@api_bp.get("/demands/<int:demand_id>/matches")
@token_required()
def demand_matches(demand_id: int):
    """Results that fit a demand, best first, each with its explanation."""
    user = current_api_user()
    demand = demands.get_demand(user, demand_id)
    found = suggestions.suggest(match_index(), demand, user, limit=_limit())
    return {"items": [suggestion_json(s, "result", user) for s in found]}


@api_bp.get("/results/<int:result_id>/matches")
@token_required()
def result_matches(result_id: int):
    """Demands that fit a result, best first, each with its explanation."""
    user = current_api_user()
    result = results.get_result(user, result_id)
    found = suggestions.suggest(match_index(), result, user, limit=_limit())
    return {"items": [suggestion_json(s, "demand", user) for s in found]}


@api_bp.get("/search")
def search():
    """Published demands or results ranked by the matcher (?q=&kind=demand|result&field=)."""
    user = current_api_user()
    kind = request.args.get("kind", "result")
    q = (request.args.get("q") or "").strip()
    errors = {}
    if kind not in ("demand", "result"):
        errors["kind"] = "应为 demand 或 result。"
    if not q or len(q) > 500:
        errors["q"] = "请提供 1–500 个字符的查询。"
    if errors:
        raise ValidationFailed("查询参数不正确。", errors)
    found = suggestions.search(match_index(), q, kind, request.args.get("field", ""), *page_params())
    return page_json(found, lambda s: suggestion_json(s, kind, user))
