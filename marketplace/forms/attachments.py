"""The upload form of a listing's attachments (shape only: the service checks type, content, size)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from ..services.attachments import ACCEPT_ATTRIBUTE, MAX_PER_LISTING


class AttachmentForm(FlaskForm):
    max_files = MAX_PER_LISTING  # for the page's hint
    file = FileField("选择文件", render_kw={"accept": ACCEPT_ATTRIBUTE})
