"""API: files attached to demands and results — listed and downloaded by whoever may read the
listing's details (else 404), uploaded (multipart ``file``) and deleted by its organization."""
from __future__ import annotations

from flask import current_app, request, send_file, url_for

from models import ListingAttachment, db
from ..extensions import attachment_store
from ..services import attachments
from . import api_bp, current_api_user, token_required
from .serializers import iso

UPLOAD_ENDPOINTS = {"api.upload_demand_attachment", "api.upload_result_attachment"}
UPLOAD_SLACK = 64 * 1024  # the multipart framing around the file


@api_bp.url_value_preprocessor
def allow_attachment_files(endpoint: str | None, values: dict | None) -> None:
    """A signed-in caller's multipart upload may carry a file of ATTACHMENT_MAX_BYTES: raise this
    request's body limit before anything parses the form (everyone else keeps the global limit)."""
    if endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data" and current_api_user():
        request.max_content_length = current_app.config["ATTACHMENT_MAX_BYTES"] + UPLOAD_SLACK


def attachment_json(attachment: ListingAttachment, kind: str, listing_id: int) -> dict:
    """One file: its name, type, size and where to download it."""
    return {"id": attachment.id, "file_name": attachment.file_name, "content_type": attachment.content_type,
            "size": attachment.size, "created_at": iso(attachment.created_at),
            "url": url_for(f"api.{kind}_attachment", **{f"{kind}_id": listing_id}, attachment_id=attachment.id)}


def _list(kind: str, listing_id: int):
    found = attachments.list_attachments(current_api_user(), kind, listing_id)
    return {"items": [attachment_json(a, kind, listing_id) for a in found], "limit": attachments.MAX_PER_LISTING}


def _upload(kind: str, listing_id: int):
    upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    attachment = attachments.add_attachment(current_api_user(), kind, listing_id, upload.stream if upload else None,
                                            upload.filename if upload else "", attachment_store())
    db.session.commit()
    return attachment_json(attachment, kind, listing_id), 201


def _download(kind: str, listing_id: int, attachment_id: int):
    attachment, path, confidential = attachments.attachment_file(current_api_user(), kind, listing_id,
                                                                 attachment_id, attachment_store(), "api")
    db.session.commit()  # a read of a confidential demand's file goes to the owner's access log
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.file_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store" if confidential else "private, no-cache"
    return response


def _delete(kind: str, listing_id: int, attachment_id: int):
    attachments.delete_attachment(current_api_user(), kind, listing_id, attachment_id, attachment_store())
    db.session.commit()
    return "", 204


@api_bp.get("/demands/<int:demand_id>/attachments")
def demand_attachments(demand_id: int):
    """The demand's files (404 unless the caller may read its details)."""
    return _list("demand", demand_id)


@api_bp.post("/demands/<int:demand_id>/attachments")
@token_required()
def upload_demand_attachment(demand_id: int):
    """The demand's organization attaches a file (multipart ``file``)."""
    return _upload("demand", demand_id)


@api_bp.get("/demands/<int:demand_id>/attachments/<int:attachment_id>")
def demand_attachment(demand_id: int, attachment_id: int):
    """Download one of the demand's files (as an attachment)."""
    return _download("demand", demand_id, attachment_id)


@api_bp.delete("/demands/<int:demand_id>/attachments/<int:attachment_id>")
@token_required()
def remove_demand_attachment(demand_id: int, attachment_id: int):
    """The demand's organization deletes a file."""
    return _delete("demand", demand_id, attachment_id)


@api_bp.get("/results/<int:result_id>/attachments")
def result_attachments(result_id: int):
    """The result's files (404 unless the caller may see the result)."""
    return _list("result", result_id)


@api_bp.post("/results/<int:result_id>/attachments")
@token_required()
def upload_result_attachment(result_id: int):
    """The result's organization attaches a file (multipart ``file``)."""
    return _upload("result", result_id)


@api_bp.get("/results/<int:result_id>/attachments/<int:attachment_id>")
def result_attachment(result_id: int, attachment_id: int):
    """Download one of the result's files (as an attachment)."""
    return _download("result", result_id, attachment_id)


@api_bp.delete("/results/<int:result_id>/attachments/<int:attachment_id>")
@token_required()
def remove_result_attachment(result_id: int, attachment_id: int):
    """The result's organization deletes a file."""
    return _delete("result", result_id, attachment_id)
