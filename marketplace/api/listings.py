"""API: demands and results (list with filters, create, read, patch, delete, the quality meter)."""
from __future__ import annotations

from flask import request

from models import Role, db
from .. import http_cache
from ..extensions import match_index
from ..ratelimits import listing_limit
from ..services import browse, confidentiality, demands, listing_quality, results
from ..services.listing_quality_input import read_demand_draft, read_result_draft
from . import api_bp, created, current_api_user, idempotent, json_body, page_json, page_params, token_required
from .serializers import demand_json, result_json


def _listing_page(search, mine):
    user = current_api_user()
    page, per_page = page_params()
    if request.args.get("mine") in ("1", "true") and user is not None:
        return mine(user, page, per_page), user
    return search(browse.ListingFilters.from_args(request.args), page, per_page, user, index=match_index()), user


@api_bp.get("/demands")
def list_demands():
    """Published demands (filters: q, field, region, trl_min, trl_max, cooperation_mode, status, sort; mine=1)."""
    page, user = _listing_page(browse.search_demands, browse.my_demands)
    return page_json(page, lambda d: demand_json(d, user))


@api_bp.post("/demands")
@token_required(Role.ENTERPRISE)
@idempotent
@listing_limit
def create_demand():
    """Create a demand (a draft unless status is published)."""
    user = current_api_user()
    demand = demands.create_demand(user, json_body())
    return created(demand_json(demand, user))


@api_bp.post("/demands/quality")
@token_required(Role.ENTERPRISE)
def demand_quality():
    """The quality meter of a demand body (a create's fields, none required): score, band, hints; saves nothing."""
    return listing_quality.assess_demand(read_demand_draft(json_body())).as_dict()


@api_bp.get("/demands/<int:demand_id>")
def get_demand(demand_id: int):
    """One demand as the caller may see it."""
    user = current_api_user()
    demand, shown = confidentiality.read_demand(user, demand_id, "api")
    http_cache.disclosing(demand, shown)
    db.session.commit()  # a read of confidential details goes to the owner's access log
    return demand_json(demand, user, shown)


@api_bp.patch("/demands/<int:demand_id>")
@token_required()
def patch_demand(demand_id: int):
    """Edit fields and/or move the status."""
    user = current_api_user()
    demand = demands.update_demand(user, demand_id, json_body())
    db.session.commit()
    return demand_json(demand, user)


@api_bp.post("/demands/<int:demand_id>/confirm")
@token_required()
def confirm_demand(demand_id: int):
    """The owners confirm a published demand is still current."""
    user = current_api_user()
    demand = demands.confirm_demand(user, demand_id)
    db.session.commit()
    return demand_json(demand, user)


@api_bp.delete("/demands/<int:demand_id>")
@token_required()
def delete_demand(demand_id: int):
    """Delete a draft."""
    demands.delete_demand(current_api_user(), demand_id)
    db.session.commit()
    return "", 204


@api_bp.get("/results")
def list_results():
    """Published results (filters: q, field, region, trl_min, trl_max, transfer_mode, sort; mine=1)."""
    page, user = _listing_page(lambda filters, page, per_page, _viewer, index: browse.search_results(
        filters, page, per_page, index=index), browse.my_results)
    return page_json(page, lambda r: result_json(r, user))


@api_bp.post("/results")
@token_required(Role.RESEARCHER)
@idempotent
@listing_limit
def create_result():
    """Create a result (a draft unless status is published)."""
    user = current_api_user()
    result = results.create_result(user, json_body())
    return created(result_json(result, user))


@api_bp.post("/results/quality")
@token_required(Role.RESEARCHER)
def result_quality():
    """The quality meter of a result body (a create's fields, none required): score, band, hints; saves nothing."""
    return listing_quality.assess_result(read_result_draft(json_body())).as_dict()


@api_bp.get("/results/<int:result_id>")
def get_result(result_id: int):
    """One result."""
    user = current_api_user()
    return result_json(results.get_result(user, result_id), user)


@api_bp.post("/results/<int:result_id>/confirm")
@token_required()
def confirm_result(result_id: int):
    """The owners confirm a published result is still current."""
    user = current_api_user()
    result = results.confirm_result(user, result_id)
    db.session.commit()
    return result_json(result, user)


@api_bp.patch("/results/<int:result_id>")
@token_required()
def patch_result(result_id: int):
    """Edit fields and/or move the status."""
    user = current_api_user()
    result = results.update_result(user, result_id, json_body())
    db.session.commit()
    return result_json(result, user)


@api_bp.delete("/results/<int:result_id>")
@token_required()
def delete_result(result_id: int):
    """Delete a draft."""
    results.delete_result(current_api_user(), result_id)
    db.session.commit()
    return "", 204
