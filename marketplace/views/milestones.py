"""Milestones of an engagement: the center delivers (text and an optional file), the enterprise or
the institution approves or sends it back, the payer records a payment; deliverable files are
served as attachments to the three parties and operators only."""
from __future__ import annotations

import os

from flask import Blueprint, current_app, flash, redirect, request, send_file

from models import db
from ..extensions import upload_store
from ..forms.poc import DecisionForm, DeliverForm
from ..security import actor, role_required
from ..services.errors import Conflict, NotFound, ValidationFailed
from ..services.poc import milestones
from . import run_action
from .engagements import detail_url, refused, render_engagement

bp = Blueprint("milestones", __name__, url_prefix="/engagements/<int:engagement_id>")
FORM_OVERHEAD = 64 * 1024  # the deliverable text and the multipart framing around the file


@bp.url_value_preprocessor
def upload_limit(endpoint: str | None, values: dict | None) -> None:
    """A delivery may carry a file up to UPLOAD_MAX_BYTES: raise this request's body limit before
    anything reads the form (the CSRF check and the NUL-character check run before the view; a
    URL value preprocessor runs before them). A bigger body is a 413 page."""
    if endpoint == "milestones.submit":
        request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"] + FORM_OVERHEAD


def _anchor(milestone_id: int) -> str:
    return f"milestone-{milestone_id}"


@bp.post("/milestones/<int:milestone_id>/submit")
@role_required()
def submit(engagement_id: int, milestone_id: int):
    """The center delivers a milestone: text and optionally one file."""
    form = DeliverForm(prefix=f"deliver-{milestone_id}")
    if not form.validate_on_submit():
        return render_engagement(engagement_id, 422, deliver={milestone_id: form})
    upload = form.file.data if form.file.data and form.file.data.filename else None
    try:
        milestones.submit_milestone(actor(), engagement_id, milestone_id, form.deliverable.data,
                                    upload.stream if upload else None, upload.filename if upload else "",
                                    upload_store())
    except (ValidationFailed, Conflict) as error:
        return refused(error, engagement_id, form, deliver={milestone_id: form})
    db.session.commit()
    flash("里程碑成果已提交，等待需求企业或成果方验收。", "success")
    return redirect(detail_url(engagement_id, _anchor(milestone_id)))


def _decide(engagement_id: int, milestone_id: int, approve: bool):
    form = DecisionForm(prefix=f"decide-{milestone_id}")
    if not form.validate_on_submit():
        return render_engagement(engagement_id, 422, decide={milestone_id: form})
    decide = milestones.approve_milestone if approve else milestones.reject_milestone
    try:
        decide(actor(), engagement_id, milestone_id, form.comment.data)
    except (ValidationFailed, Conflict) as error:
        return refused(error, engagement_id, form, decide={milestone_id: form})
    db.session.commit()
    flash("里程碑已验收通过，款项转为应付。" if approve else "已退回修改，验证中心会看到您的意见。", "success")
    return redirect(detail_url(engagement_id, _anchor(milestone_id)))


@bp.post("/milestones/<int:milestone_id>/approve")
@role_required()
def approve(engagement_id: int, milestone_id: int):
    """The enterprise or the institution accepts the delivery (its payment becomes due)."""
    return _decide(engagement_id, milestone_id, approve=True)


@bp.post("/milestones/<int:milestone_id>/reject")
@role_required()
def reject(engagement_id: int, milestone_id: int):
    """The enterprise or the institution sends the delivery back with a comment."""
    return _decide(engagement_id, milestone_id, approve=False)


@bp.post("/milestones/<int:milestone_id>/paid")
@role_required()
def mark_paid(engagement_id: int, milestone_id: int):
    """The paying party records a due payment as made."""
    return run_action(lambda: milestones.mark_paid(actor(), engagement_id, milestone_id), "已登记付款。",
                      detail_url(engagement_id, _anchor(milestone_id)))


@bp.get("/files/<int:submission_id>")
@role_required()
def download(engagement_id: int, submission_id: int):
    """A deliverable file, as an attachment, to the three parties and operators only."""
    submission, path = milestones.submission_file(actor(), submission_id, upload_store())
    if submission.milestone.engagement_id != engagement_id or not os.path.isfile(path):
        raise NotFound("文件不存在。")
    response = send_file(path, mimetype=submission.content_type or "application/octet-stream", as_attachment=True,
                         download_name=submission.file_name or "附件", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"  # a confidential deliverable: written nowhere
    return response
