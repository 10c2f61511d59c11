"""Demands: browse, read, post, edit, publish/close, delete drafts."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from models import DemandStatus, Role, db
from ..forms.attachments import AttachmentForm
from ..forms.listings import DemandForm
from ..templating import all_fields
from ..security import actor, role_required
from .. import http_cache
from ..extensions import match_index
from ..ratelimits import listing_limit
from ..services import attachments, browse, confidentiality, demands, listing_quality, pairing_views, suggestions
from ..services.errors import ValidationFailed
from ..services.listing_quality_input import read_demand_draft
from . import run_action, page_args, save_listing

bp = Blueprint("demands", __name__, url_prefix="/demands")
_ACTIONS = {  # action: (from, to, message)
    "publish": (DemandStatus.DRAFT, DemandStatus.PUBLISHED, "需求已发布。"),
    "close": (DemandStatus.PUBLISHED, DemandStatus.CLOSED, "需求已关闭。"),
    "reopen": (DemandStatus.CLOSED, DemandStatus.PUBLISHED, "需求已重新发布。"),
}


def _form(keep: str | None = None, **kwargs) -> DemandForm:
    """The form, offering the active fields (and ``keep``, the edited listing's field, if retired)."""
    fields = [field for field in all_fields() if field.retired_at is None or field.code == keep]
    return DemandForm(**kwargs).set_fields(fields)


def _detail_url(demand) -> str:
    return url_for("demands.detail", demand_id=demand.id)


def _quality(form: DemandForm) -> listing_quality.Quality | None:
    """The quality meter of the form as it stands (None while a value has the wrong shape: the form says which)."""
    try:
        return listing_quality.assess_demand(read_demand_draft(form.to_service_data()))
    except ValidationFailed:
        return None


@bp.get("/")
def list_demands():
    """Published demands with filters, sorting and pagination."""
    filters = browse.ListingFilters.from_args(request.args)
    page = browse.search_demands(filters, *page_args(request.args), viewer=actor(), index=match_index())
    return render_template("demands/list.html", page=page, filters=filters)


@bp.get("/<int:demand_id>")
def detail(demand_id: int):
    """One demand, disclosed as the viewer may see it."""
    return render_detail(demand_id)


def render_detail(demand_id: int, status: int = 200, attachment_form=None):
    """The detail page (again with a refused upload's form, then with ``status``)."""
    viewer = actor()
    demand, shown = confidentiality.read_demand(viewer, demand_id, "web")
    http_cache.disclosing(demand, shown)
    db.session.commit()  # a read of confidential details goes to the owner's access log
    is_owner = demand.is_owned_by(viewer)
    return render_template("demands/detail.html", demand=demand,
                           pairing_panel=pairing_views.listing_panel(viewer, demand),
                           disclosure=shown, is_owner=is_owner,
                           quality=listing_quality.demand_quality(demand) if is_owner else None,
                           suggestions=suggestions.suggest(match_index(), demand, viewer, limit=5),
                           own_text=demand.description if shown.details else demand.summary,
                           attachments=attachments.attachments_of(demand, viewer),
                           attachment_form=attachment_form or (AttachmentForm() if is_owner else None)), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ENTERPRISE)
@listing_limit
def create():
    """Post a demand: save as draft or publish at once."""
    form = _form()
    context = {"demand": None, "quality": _quality(form)}
    if form.validate_on_submit():
        data = form.to_service_data() | {"status": request.form.get("status", "draft")}
        return save_listing(form, lambda: demands.create_demand(actor(), data), template="demands/form.html",
                            context=context, message="需求已保存。", redirect_to=_detail_url, once=True)
    return render_template("demands/form.html", form=form, **context), 422 if form.errors else 200


@bp.route("/<int:demand_id>/edit", methods=["GET", "POST"])
@role_required(Role.ENTERPRISE)
def edit(demand_id: int):
    """Edit a demand of the actor's organization."""
    demand = demands.get_editable_demand(actor(), demand_id)
    form = _form(keep=demand.field_code, obj=demand, field=demand.field_code, keywords="、".join(demand.keywords))
    context = {"demand": demand, "quality": _quality(form)}
    if form.validate_on_submit():
        data = form.to_service_data()
        return save_listing(form, lambda: demands.update_demand(actor(), demand_id, data), template="demands/form.html",
                            context=context, message="修改已保存。", redirect_to=_detail_url)
    return render_template("demands/form.html", form=form, **context), 422 if form.errors else 200


@bp.post("/quality")
@role_required(Role.ENTERPRISE)
def quality():
    """The quality meter of the demand form as typed so far, as JSON (the form's live panel); nothing is saved."""
    draft = read_demand_draft(DemandForm().to_service_data())
    return listing_quality.assess_demand(draft).as_dict()


@bp.post("/<int:demand_id>/<any(publish, close, reopen):action>")
@role_required(Role.ENTERPRISE)
def change_status(demand_id: int, action: str):
    """Publish a draft, close a published demand, or reopen a closed one."""
    expected, status, message = _ACTIONS[action]
    return run_action(lambda: demands.change_demand_status(actor(), demand_id, status, expected), message,
                                 url_for("demands.detail", demand_id=demand_id))


@bp.post("/<int:demand_id>/confirm")
@role_required(Role.ENTERPRISE)
def confirm(demand_id: int):
    """The owners confirm the demand is still current (answering the platform's question)."""
    return run_action(lambda: demands.confirm_demand(actor(), demand_id), "已确认该需求仍然有效。",
                      url_for("demands.detail", demand_id=demand_id))


@bp.post("/<int:demand_id>/delete")
@role_required(Role.ENTERPRISE)
def delete(demand_id: int):
    """Delete a draft (the page asks for confirmation first)."""
    return run_action(lambda: demands.delete_demand(actor(), demand_id), "草稿已删除。",
                                 url_for("account.workspace"))
