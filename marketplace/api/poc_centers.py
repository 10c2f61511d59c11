"""API: PoC centers' public profiles (anyone reads; the center's own staff edit)."""
from __future__ import annotations

from flask import request

from models import db
from ..services.poc import centers
from . import api_bp, current_api_user, json_body, page_json, page_params, token_required
from .poc_serializers import center_json, center_view_json


@api_bp.get("/centers")
def list_centers():
    """Centers with a profile, verified first (filters: field, service)."""
    current_api_user()  # a present but invalid token is still a 401
    page = centers.list_centers(*page_params(), field=request.args.get("field", "").strip(),
                                service=request.args.get("service", "").strip())
    return page_json(page, lambda p: center_json(p.organization, p, centers.running_engagements(p.organization_id)))


@api_bp.get("/centers/<int:center_id>")
def get_center(center_id: int):
    """One center's public profile with its running engagements and completed validations."""
    current_api_user()
    return center_view_json(centers.center_view(center_id))


@api_bp.patch("/centers/<int:center_id>")
@token_required()
def patch_center(center_id: int):
    """The center's own staff edit its profile (created on the first PATCH)."""
    centers.update_profile(current_api_user(), center_id, json_body())
    db.session.commit()
    return center_view_json(centers.center_view(center_id))
