"""An organization's public profile."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from models import OrgKind
from ..security import actor
from ..services import organizations

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("/<int:organization_id>")
def profile(organization_id: int):
    """Who the organization is, whether it is verified, what it published and achieved here. A PoC
    center's profile is its center page."""
    view = organizations.public_profile(actor(), organization_id)
    if view.organization.kind is OrgKind.CENTER:
        return redirect(url_for("centers.detail", center_id=organization_id))
    return render_template("organizations/profile.html", view=view, org=view.organization)
