"""Files attached to demands and results: the owner's organization uploads and deletes them on the
detail page; everyone who may read the listing's details downloads them — always as an
attachment, except that an image may be shown inline (the page's thumbnails)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, send_file, url_for

from models import db
from ..extensions import attachment_store
from ..forms.attachments import AttachmentForm
from ..security import actor, role_required
from ..services import attachments
from ..services.errors import ValidationFailed
from . import demands, results, run_action

bp = Blueprint("attachments", __name__)
FORM_OVERHEAD = 64 * 1024  # the CSRF token and the multipart framing around the file
UPLOADS = {"attachments.upload_demand_file", "attachments.upload_result_file"}


@bp.url_value_preprocessor
def upload_limit(endpoint: str | None, values: dict | None) -> None:
    """An upload may carry a file up to ATTACHMENT_MAX_BYTES: raise this request's body limit
    before anything reads the form (a bigger body is a 413 page)."""
    if endpoint in UPLOADS:
        request.max_content_length = current_app.config["ATTACHMENT_MAX_BYTES"] + FORM_OVERHEAD


def _detail(kind: str, listing_id: int) -> str:
    return url_for(f"{kind}s.detail", **{f"{kind}_id": listing_id}, _anchor="attachments")


def _upload(kind: str, listing_id: int):
    form = AttachmentForm()
    render = demands.render_detail if kind == "demand" else results.render_detail
    if not form.validate_on_submit():
        return render(listing_id, 422, form)
    upload = form.file.data if form.file.data and form.file.data.filename else None
    try:
        attachments.add_attachment(actor(), kind, listing_id, upload.stream if upload else None,
                                   upload.filename if upload else "", attachment_store())
    except ValidationFailed as error:
        db.session.rollback()
        form.file.errors = [error.fields.get("file", error.message)]
        return render(listing_id, 422, form)
    db.session.commit()
    flash("附件已上传。", "success")
    return redirect(_detail(kind, listing_id))


def _download(kind: str, listing_id: int, attachment_id: int):
    attachment, path, confidential = attachments.attachment_file(actor(), kind, listing_id, attachment_id,
                                                                 attachment_store(), "web")
    db.session.commit()  # a read of a confidential demand's file goes to the owner's access log
    inline = attachment.is_image and request.args.get("inline") == "1"
    response = send_file(path, mimetype=attachment.content_type, as_attachment=not inline,
                         download_name=attachment.file_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store" if confidential else "private, no-cache"
    return response


def _remove(kind: str, listing_id: int, attachment_id: int):
    return run_action(lambda: attachments.delete_attachment(actor(), kind, listing_id, attachment_id,
                                                            attachment_store()),
                      "附件已删除。", _detail(kind, listing_id))


@bp.post("/demands/<int:demand_id>/attachments")
@role_required()
def upload_demand_file(demand_id: int):
    """The demand's organization attaches a file."""
    return _upload("demand", demand_id)


@bp.post("/results/<int:result_id>/attachments")
@role_required()
def upload_result_file(result_id: int):
    """The result's organization attaches a file."""
    return _upload("result", result_id)


@bp.get("/demands/<int:demand_id>/attachments/<int:attachment_id>")
def demand_file(demand_id: int, attachment_id: int):
    """A demand's file, to whoever may read the demand's details (else 404)."""
    return _download("demand", demand_id, attachment_id)


@bp.get("/results/<int:result_id>/attachments/<int:attachment_id>")
def result_file(result_id: int, attachment_id: int):
    """A result's file, to whoever may see the result (else 404)."""
    return _download("result", result_id, attachment_id)


@bp.post("/demands/<int:demand_id>/attachments/<int:attachment_id>/delete")
@role_required()
def remove_demand_file(demand_id: int, attachment_id: int):
    """The demand's organization deletes a file."""
    return _remove("demand", demand_id, attachment_id)


@bp.post("/results/<int:result_id>/attachments/<int:attachment_id>/delete")
@role_required()
def remove_result_file(result_id: int, attachment_id: int):
    """The result's organization deletes a file."""
    return _remove("result", result_id, attachment_id)
