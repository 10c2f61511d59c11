"""Research results: browse, read, post, edit, publish/withdraw, delete drafts."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from models import ResultStatus, Role
from ..forms.listings import ResultForm
from ..templating import all_fields
from ..security import actor, role_required
from ..extensions import match_index
from ..ratelimits import listing_limit
from ..services import browse, pairing_views, results, suggestions
from . import run_action, page_args, save_listing

bp = Blueprint("results", __name__, url_prefix="/results")
_ACTIONS = {  # action: (from, to, message)
    "publish": (ResultStatus.DRAFT, ResultStatus.PUBLISHED, "成果已发布。"),
    "withdraw": (ResultStatus.PUBLISHED, ResultStatus.WITHDRAWN, "成果已撤回。"),
    "republish": (ResultStatus.WITHDRAWN, ResultStatus.PUBLISHED, "成果已重新发布。"),
}


def _form(keep: str | None = None, **kwargs) -> ResultForm:
    """The form, offering the active fields (and ``keep``, the edited listing's field, if retired)."""
    fields = [field for field in all_fields() if field.retired_at is None or field.code == keep]
    return ResultForm(**kwargs).set_fields(fields)


def _detail_url(result) -> str:
    return url_for("results.detail", result_id=result.id)


@bp.get("/")
def list_results():
    """Published results with filters, sorting and pagination."""
    filters = browse.ListingFilters.from_args(request.args)
    page = browse.search_results(filters, *page_args(request.args), index=match_index())
    return render_template("results/list.html", page=page, filters=filters)


@bp.get("/<int:result_id>")
def detail(result_id: int):
    """One result."""
    viewer = actor()
    result = results.get_result(viewer, result_id)
    return render_template("results/detail.html", result=result,
                           pairing_panel=pairing_views.listing_panel(viewer, result),
                           is_owner=result.is_owned_by(viewer), own_text=result.abstract,
                           suggestions=suggestions.suggest(match_index(), result, viewer, limit=5))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
@listing_limit
def create():
    """Post a result: save as draft or publish at once."""
    form = _form()
    if form.validate_on_submit():
        data = form.to_service_data() | {"status": request.form.get("status", "draft")}
        return save_listing(form, lambda: results.create_result(actor(), data), template="results/form.html",
                            context={"result": None}, message="成果已保存。", redirect_to=_detail_url, once=True)
    return render_template("results/form.html", form=form, result=None), 422 if form.errors else 200


@bp.route("/<int:result_id>/edit", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def edit(result_id: int):
    """Edit a result of the actor's organization."""
    result = results.get_editable_result(actor(), result_id)
    form = _form(keep=result.field_code, obj=result, field=result.field_code, keywords="、".join(result.keywords))
    if request.method == "GET":
        form.fill_patents(result.patents)
    if form.validate_on_submit():
        data = form.to_service_data()
        return save_listing(form, lambda: results.update_result(actor(), result_id, data), template="results/form.html",
                            context={"result": result}, message="修改已保存。", redirect_to=_detail_url)
    return render_template("results/form.html", form=form, result=result), 422 if form.errors else 200


@bp.post("/<int:result_id>/<any(publish, withdraw, republish):action>")
@role_required(Role.RESEARCHER)
def change_status(result_id: int, action: str):
    """Publish a draft, withdraw a published result, or publish it again."""
    expected, status, message = _ACTIONS[action]
    return run_action(lambda: results.change_result_status(actor(), result_id, status, expected), message,
                                 url_for("results.detail", result_id=result_id))


@bp.post("/<int:result_id>/confirm")
@role_required(Role.RESEARCHER)
def confirm(result_id: int):
    """The owners confirm the result is still current (answering the platform's question)."""
    return run_action(lambda: results.confirm_result(actor(), result_id), "已确认该成果仍然有效。",
                      url_for("results.detail", result_id=result_id))


@bp.post("/<int:result_id>/delete")
@role_required(Role.RESEARCHER)
def delete(result_id: int):
    """Delete a draft (the page asks for confirmation first)."""
    return run_action(lambda: results.delete_result(actor(), result_id), "草稿已删除。",
                                 url_for("account.workspace"))
