"""Operators: organizations and their review (verify, reject with a reason, revoke)."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from models import Role
from ..forms import ActionForm
from ..security import actor, role_required
from ..services import accounts
from . import run_action, page_args

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/organizations")
@role_required(Role.ADMIN)
def organizations():
    """Every organization, unverified first."""
    page = accounts.list_organizations(actor(), *page_args(request.args))
    return render_template("admin/organizations.html", page=page, action_form=ActionForm())


def _back_to_the_list() -> str:
    """The page of the organization list the action was taken on."""
    return url_for("admin.organizations", page=request.args.get("page", 1))


@bp.post("/organizations/<int:organization_id>/verify")
@role_required(Role.ADMIN)
def verify(organization_id: int):
    """Mark an organization verified."""
    return run_action(lambda: accounts.verify_organization(actor(), organization_id), "机构已认证。",
                      _back_to_the_list())


@bp.post("/organizations/<int:organization_id>/reject")
@role_required(Role.ADMIN)
def reject(organization_id: int):
    """Refuse an organization's verification, with the reason it reads."""
    return run_action(lambda: accounts.reject_organization(actor(), organization_id, request.form.get("reason")),
                      "已驳回该机构的认证，机构会看到原因。",
                      _back_to_the_list())


@bp.post("/organizations/<int:organization_id>/revoke")
@role_required(Role.ADMIN)
def revoke(organization_id: int):
    """Take a verification back, with the reason the organization reads."""
    return run_action(lambda: accounts.revoke_verification(actor(), organization_id, request.form.get("reason")),
                      "已撤销该机构的认证，机构会看到原因。",
                      _back_to_the_list())
