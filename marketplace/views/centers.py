"""PoC centers (概念验证中心): the list, a center's public profile, and the center's own profile form."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from models import Role, db
from ..forms.poc_centers import CenterProfileForm
from ..security import actor, role_required
from ..services.errors import ValidationFailed
from ..services.poc import centers
from ..templating import all_fields
from . import page_args

bp = Blueprint("centers", __name__, url_prefix="/centers")


def _field_names() -> dict[str, str]:
    return {f.code: f.name_zh for f in all_fields()}


@bp.get("/")
def list_centers():
    """Centers with a profile, verified first; filter by field and service."""
    field, service = request.args.get("field", ""), request.args.get("service", "")
    page = centers.list_centers(*page_args(request.args), field=field, service=service)
    running = {p.organization_id: centers.running_engagements(p.organization_id) for p in page.items}
    return render_template("centers/list.html", page=page, field=field, service=service, running=running,
                           names=_field_names())


@bp.get("/<int:center_id>")
def detail(center_id: int):
    """A center's public profile with its completed validations (from the platform's records)."""
    view = centers.center_view(center_id)
    user = actor()
    own = user is not None and user.role is Role.CENTER and user.organization_id == center_id
    return render_template("centers/detail.html", view=view, center=view.organization, profile=view.profile,
                           names=_field_names(), own=own)


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.CENTER)
def profile():
    """The center's own capability profile (created on first save)."""
    user = actor()
    form = (CenterProfileForm() if request.method == "POST"
            else CenterProfileForm.from_profile(centers.profile_of(user.organization_id), user.organization.region))
    kept = set(form.fields.data or [])  # a retired field the center already covers stays on offer to it
    form.set_fields([field for field in all_fields() if field.retired_at is None or field.code in kept])
    if form.validate_on_submit():
        try:
            centers.update_profile(user, user.organization_id, form.to_service_data())
        except ValidationFailed as error:
            db.session.rollback()
            for message in [error.message, *form.apply_errors(error.fields)]:
                flash(message, "error")
            return render_template("centers/profile.html", form=form), 422
        db.session.commit()
        flash("能力档案已保存。", "success")
        return redirect(url_for("centers.detail", center_id=user.organization_id))
    return render_template("centers/profile.html", form=form), 422 if form.errors else 200
