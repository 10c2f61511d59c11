"""API: milestones of an engagement — the center delivers (JSON text, or multipart text + file),
the enterprise or the institution approves or sends back, the payer records payment — and the
deliverable files, served as attachments to the three parties and operators only."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, request, send_file

from models import Role, db
from ..extensions import upload_store
from ..services.errors import ValidationFailed
from ..services.poc import milestones
from . import api_bp, current_api_user, json_body, not_found, token_required
from .poc_engagement_serializers import milestone_json

UPLOAD_ENDPOINTS = {"api.submit_milestone"}
UPLOAD_SLACK = 64 * 1024  # the multipart framing and the text fields around the file


@api_bp.url_value_preprocessor
def allow_deliverable_files(endpoint: str | None, values: dict | None) -> None:
    """A center's multipart delivery may carry a file of UPLOAD_MAX_BYTES: raise this request's
    body limit before anything (the NUL check, the view) parses the form. Every other request —
    and this one from anyone but a signed-in center — keeps the global MAX_CONTENT_LENGTH.
    Runs before the app's before_request hooks."""
    if endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data":
        user = current_api_user()  # a present but invalid token is a 401 already here
        if user is not None and user.role is Role.CENTER:
            request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"] + UPLOAD_SLACK


def _text(data: dict, name: str) -> str | None:
    """A text field of a JSON body (absent: None); anything but a string is a 422 on it."""
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationFailed("提交的内容有误，请检查标出的字段。", {name: "应为文本。"})
    return value


def _optional_body() -> dict:
    """The JSON object of a request whose body may be left out entirely."""
    return json_body() if request.get_data() else {}


def _delivery() -> tuple[object, object, str]:
    """(text, file stream or None, file name) from a JSON or a multipart/form-data body."""
    if request.mimetype != "multipart/form-data":
        return _text(json_body(), "deliverable"), None, ""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return request.form.get("deliverable"), None, ""
    return request.form.get("deliverable"), upload.stream, upload.filename


@api_bp.post("/engagements/<int:engagement_id>/milestones/<int:milestone_id>/submit")
@token_required()
def submit_milestone(engagement_id: int, milestone_id: int):
    """The center delivers a milestone: {deliverable} or multipart deliverable + file."""
    text, stream, name = _delivery()
    submission = milestones.submit_milestone(current_api_user(), engagement_id, milestone_id, text, stream, name,
                                             upload_store())
    db.session.commit()
    return milestone_json(submission.milestone)


@api_bp.post("/engagements/<int:engagement_id>/milestones/<int:milestone_id>/approve")
@token_required()
def approve_milestone(engagement_id: int, milestone_id: int):
    """The enterprise or the institution accepts the delivery {comment?}; its payment becomes due."""
    milestone = milestones.approve_milestone(current_api_user(), engagement_id, milestone_id,
                                             _text(_optional_body(), "comment"))
    db.session.commit()
    return milestone_json(milestone)


@api_bp.post("/engagements/<int:engagement_id>/milestones/<int:milestone_id>/reject")
@token_required()
def reject_milestone(engagement_id: int, milestone_id: int):
    """The enterprise or the institution sends the delivery back {comment}."""
    milestone = milestones.reject_milestone(current_api_user(), engagement_id, milestone_id,
                                            _text(json_body(), "comment"))
    db.session.commit()
    return milestone_json(milestone)


@api_bp.post("/engagements/<int:engagement_id>/milestones/<int:milestone_id>/pay")
@token_required()
def pay_milestone(engagement_id: int, milestone_id: int):
    """The paying party records that the milestone's due payment was made."""
    milestone = milestones.mark_paid(current_api_user(), engagement_id, milestone_id)
    db.session.commit()
    return milestone_json(milestone)


@api_bp.get("/engagements/<int:engagement_id>/files/<int:submission_id>")
@token_required()
def download_file(engagement_id: int, submission_id: int):
    """A deliverable's file, as an attachment that browsers must not sniff or cache."""
    submission, path = milestones.submission_file(current_api_user(), submission_id, upload_store())
    if submission.milestone.engagement_id != engagement_id or not Path(path).is_file():
        raise not_found()
    response = send_file(path, mimetype=submission.content_type, as_attachment=True,
                         download_name=submission.file_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
