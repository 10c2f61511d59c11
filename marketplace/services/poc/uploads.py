"""Deliverable files: checked by size and by content (the first bytes), not by the name alone;
stored outside the web root under a name the server makes up; read back only through a service
that has checked who asks (served as an attachment)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import ValidationFailed

# extension → (content type, what the first bytes must be)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
}
NAME_MAX = 200


@dataclass(frozen=True)
class StoredFile:
    """A file as saved: its display name, server name, type and size."""

    file_name: str
    stored_name: str
    content_type: str
    size: int


def readable_size(size: int) -> str:
    """10 MB, 512 KB, 300 字节."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size / 1024:.3g} KB" if size >= 1024 else f"{size} 字节"


class UploadStore:
    """A folder outside the web root holding uploaded files under server-made names."""

    def __init__(self, root: str | Path, max_bytes: int):
        self.root, self.max_bytes = Path(root), max_bytes

    def save(self, stream: BinaryIO, file_name: str, field: str = "file") -> StoredFile:
        """Check and store one upload; ValidationFailed on ``field`` when it is not acceptable."""
        name = Path(str(file_name or "")).name.strip()[:NAME_MAX] or "附件"
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED:
            raise ValidationFailed("不支持的文件类型。", {field: f"只接受 {'、'.join(sorted(ALLOWED))} 文件。"})
        content_type, signatures = ALLOWED[suffix]
        data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise ValidationFailed("文件过大。", {field: f"文件不能超过 {readable_size(self.max_bytes)}。"})
        if not data:
            raise ValidationFailed("文件是空的。", {field: "文件是空的。"})
        if not data.startswith(signatures):
            raise ValidationFailed("文件内容与类型不符。", {field: f"文件内容不是 {suffix} 格式。"})
        stored = secrets.token_hex(16) + suffix
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / stored).write_bytes(data)
        return StoredFile(name, stored, content_type, len(data))

    def path(self, stored_name: str) -> Path:
        """Where a stored file lives (server-made names only: nothing can climb out of the folder)."""
        if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
            raise ValueError(stored_name)
        return self.root / stored_name

    def discard(self, stored_name: str) -> None:
        """Remove a file whose database row was rolled back."""
        self.path(stored_name).unlink(missing_ok=True)
