"""Research results: browse, read, post, edit, publish/withdraw, delete drafts."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from models import ResultStatus, Role
from ..forms.attachments import AttachmentForm
from ..forms.listings import ResultForm
from ..templating import all_fields
from ..security import actor, role_required
from ..extensions import match_index
from ..ratelimits import listing_limit
from ..services import attachments, browse, listing_quality, pairing_views, results, suggestions
from ..services.errors import ValidationFailed
from ..services.listing_quality_input import read_result_draft
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


def _quality(form: ResultForm) -> listing_quality.Quality | None:
    """The quality meter of the form as it stands (None while a value has the wrong shape: the form says which)."""
    try:
        return listing_quality.assess_result(read_result_draft(form.to_service_data()))
    except ValidationFailed:
        return None


@bp.get("/")
def list_results():
    """Published results with filters, sorting and pagination."""
    filters = browse.ListingFilters.from_args(request.args)
    page = browse.search_results(filters, *page_args(request.args), index=match_index())
    return render_template("results/list.html", page=page, filters=filters)


@bp.get("/<int:result_id>")
def detail(result_id: int):
    """One result."""
    return render_detail(result_id)


def render_detail(result_id: int, status: int = 200, attachment_form=None):
    """The detail page (again with a refused upload's form, then with ``status``)."""
    viewer = actor()
    result = results.get_result(viewer, result_id)
    is_owner = result.is_owned_by(viewer)
    return render_template("results/detail.html", result=result,
                           pairing_panel=pairing_views.listing_panel(viewer, result),
                           is_owner=is_owner, own_text=result.abstract,
                           quality=listing_quality.result_quality(result) if is_owner else None,
                           suggestions=suggestions.suggest(match_index(), result, viewer, limit=5),
                           attachments=attachments.attachments_of(result, viewer),
                           attachment_form=attachment_form or (AttachmentForm() if is_owner else None)), status


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
@listing_limit
def create():
    """Post a result: save as draft or publish at once."""
    form = _form()
    context = {"result": None, "quality": _quality(form)}
    if form.validate_on_submit():
        data = form.to_service_data() | {"status": request.form.get("status", "draft")}
        return save_listing(form, lambda: results.create_result(actor(), data), template="results/form.html",
                            context=context, message="成果已保存。", redirect_to=_detail_url, once=True)
    return render_template("results/form.html", form=form, **context), 422 if form.errors else 200


@bp.route("/<int:result_id>/edit", methods=["GET", "POST"])
@role_required(Role.RESEARCHER)
def edit(result_id: int):
    """Edit a result of the actor's organization."""
    result = results.get_editable_result(actor(), result_id)
    form = _form(keep=result.field_code, obj=result, field=result.field_code, keywords="、".join(result.keywords))
    if "patents" not in request.form:  # a GET (or a post without the box): the box shows the current patents
        form.fill_patents(result.patents)
    context = {"result": result, "quality": _quality(form)}
    if form.validate_on_submit():
        data = form.to_service_data()
        return save_listing(form, lambda: results.update_result(actor(), result_id, data), template="results/form.html",
                            context=context, message="修改已保存。", redirect_to=_detail_url)
    return render_template("results/form.html", form=form, **context), 422 if form.errors else 200


@bp.post("/quality")
@role_required(Role.RESEARCHER)
def quality():
    """The quality meter of the result form as typed so far, as JSON (the form's live panel); nothing is saved."""
    draft = read_result_draft(ResultForm().to_service_data())
    return listing_quality.assess_result(draft).as_dict()


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
