"""OpenAPI: files attached to demands and results (listed, uploaded, downloaded, deleted)."""
from __future__ import annotations

from ..services.attachments import ACCEPTED, MAX_PER_LISTING
from ..services.poc.uploads import ALLOWED
from .openapi_common import INT, STR, operation, param

_TYPES = sorted({ALLOWED[suffix][0] for suffix in ACCEPTED})

SCHEMAS = {
    "Attachment": {"type": "object", "properties": {
        "id": INT, "file_name": STR, "content_type": {"type": "string", "enum": _TYPES}, "size": INT,
        "created_at": {"type": "string", "format": "date-time"}, "url": STR}},
    "AttachmentList": {"type": "object", "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Attachment"}},
        "limit": {"type": "integer", "description": f"files a listing may carry ({MAX_PER_LISTING})"}}},
    "AttachmentUpload": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description":
                 f"{', '.join(s.lstrip('.') for s in ACCEPTED)} (checked by content, not the name); at most "
                 "ATTACHMENT_MAX_BYTES (10 MB by default)"}}},
}


def _paths(kind: str, who: str) -> dict:
    ids = [param("id", INT, "path")]
    both = ids + [param("attachment_id", INT, "path")]
    upload = operation(f"The {kind}'s organization attaches a file (multipart/form-data `file`; at most "
                       f"{MAX_PER_LISTING} per {kind}; a wrong type, content or size is 422 on file)", 201,
                       "Attachment", errors=(401, 403, 404, 413, 422), params=ids)
    upload["requestBody"] = {"required": True, "content": {
        "multipart/form-data": {"schema": {"$ref": "#/components/schemas/AttachmentUpload"}}}}
    download = operation(f"Download one of the {kind}'s files as an attachment ({who}; others 404)", 200, None,
                         auth=False, errors=(401, 404), params=both)
    download["responses"]["200"] = {"description": "the file as uploaded", "headers": {
        "Content-Disposition": {"schema": {"type": "string"}, "description": "attachment; filename*=UTF-8''…"},
        "X-Content-Type-Options": {"schema": {"type": "string", "enum": ["nosniff"]}}},
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in _TYPES}}
    return {
        f"/{kind}s/{{id}}/attachments": {
            "get": operation(f"The {kind}'s files ({who}; others 404)", 200, "AttachmentList", auth=False,
                             errors=(401, 404), params=ids),
            "post": upload},
        f"/{kind}s/{{id}}/attachments/{{attachment_id}}": {
            "get": download,
            "delete": operation(f"The {kind}'s organization deletes a file", 204, None, errors=(401, 403, 404),
                                params=both)},
    }


PATHS = {**_paths("demand", "whoever may read the demand's details: for a confidential demand its organization "
                            "and connected parties that signed the undertaking"),
         **_paths("result", "whoever may see the result")}
