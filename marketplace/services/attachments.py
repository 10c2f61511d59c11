"""Files attached to demands and results: the owner's organization adds and deletes them (checked
by content and size by the upload store, stored outside the web root under server-made names);
everyone else reads them under the listing's own visibility decision — a listing they cannot see,
or a confidential demand whose details they may not read (services/visibility.py), has no
attachments they can list or download (404, exactly as for the listing itself)."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

from models import DB_INT_MAX, Demand, ListingAttachment, Result, User, Visibility, db

from .demands import get_demand, get_editable_demand
from .disclosure import log_detail_read
from .errors import NotFound, ValidationFailed
from .poc.uploads import ALLOWED, UploadStore
from .results import get_editable_result, get_result
from .visibility import disclosure

KINDS = ("demand", "result")
ACCEPTED = (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".pptx")
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED)  # the file input's accept=…
MAX_PER_LISTING = 10
FIELD = "file"
_REMOVE_ON_COMMIT = "attachment_files_removed_on_commit"  # session.info: files of deleted rows
_REMOVE_ON_ROLLBACK = "attachment_files_removed_on_rollback"  # session.info: files of new rows


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound("内容不存在或无权查看。")
    return kind


def _editable(actor: User | None, kind: str, listing_id: int) -> Demand | Result:
    """The listing if ``actor``'s organization owns it (404 unseen, 403 not theirs)."""
    return (get_editable_demand if _kind(kind) == "demand" else get_editable_result)(actor, listing_id)


def may_read(listing: Demand | Result, viewer: User | None) -> bool:
    """Whoever may read the listing's details may read its files: for a confidential demand that
    is the detail page's own decision (visibility.disclosure)."""
    return not isinstance(listing, Demand) or disclosure(listing, viewer).details


def _readable(viewer: User | None, kind: str, listing_id: int) -> Demand | Result:
    """The listing if ``viewer`` may read its files, else NotFound (no existence leak)."""
    listing = (get_demand if _kind(kind) == "demand" else get_result)(viewer, listing_id)
    if not may_read(listing, viewer):
        raise NotFound("内容不存在或无权查看。")
    return listing


def _of(listing: Demand | Result):
    column = ListingAttachment.demand_id if isinstance(listing, Demand) else ListingAttachment.result_id
    return sa.select(ListingAttachment).where(column == listing.id)


def attachments_of(listing: Demand | Result, viewer: User | None) -> list[ListingAttachment] | None:
    """The listing's files in upload order, or None when ``viewer`` may not read them."""
    if not may_read(listing, viewer):
        return None
    return list(db.session.scalars(_of(listing).order_by(ListingAttachment.id)))


def list_attachments(viewer: User | None, kind: str, listing_id: int) -> list[ListingAttachment]:
    """The files of a listing the viewer may read (NotFound otherwise)."""
    return attachments_of(_readable(viewer, kind, listing_id), viewer) or []


def _lock(listing: Demand | Result) -> None:
    """Two uploads at once must not both see room for one more file: lock the listing's row."""
    model = type(listing)
    db.session.execute(sa.select(model.id).where(model.id == listing.id).with_for_update())


def add_attachment(actor: User, kind: str, listing_id: int, upload: BinaryIO | None, file_name: str,
                   store: UploadStore) -> ListingAttachment:
    """The owner's organization attaches one file (checked by type, content and size)."""
    listing = _editable(actor, kind, listing_id)
    if upload is None or not (file_name or "").strip():
        raise ValidationFailed("请选择要上传的文件。", {FIELD: "请选择文件。"})
    if Path(str(file_name)).suffix.lower() not in ACCEPTED:
        raise ValidationFailed("不支持的文件类型。", {FIELD: f"只接受 {'、'.join(ACCEPTED)} 文件。"})
    _lock(listing)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(_of(listing).subquery()))
    if count >= MAX_PER_LISTING:
        raise ValidationFailed("附件数量已达上限。", {FIELD: f"每条最多 {MAX_PER_LISTING} 个附件，请先删除不需要的。"})
    stored = store.save(upload, file_name, field=FIELD)
    _remove_after(_REMOVE_ON_ROLLBACK, store.path(stored.stored_name))
    attachment = ListingAttachment(uploaded_by_id=actor.id, **stored.__dict__,
                                   **{f"{kind}_id": listing.id})
    db.session.add(attachment)
    db.session.flush()
    return attachment


def delete_attachment(actor: User, kind: str, listing_id: int, attachment_id: int, store: UploadStore) -> None:
    """The owner's organization removes a file: the row now, the file once that commits."""
    listing = _editable(actor, kind, listing_id)
    attachment = _find(listing, attachment_id)
    db.session.delete(attachment)
    db.session.flush()
    _remove_after(_REMOVE_ON_COMMIT, store.path(attachment.stored_name))


def _find(listing: Demand | Result, attachment_id: int) -> ListingAttachment:
    attachment = db.session.scalar(_of(listing).where(ListingAttachment.id == attachment_id)) \
        if 1 <= attachment_id <= DB_INT_MAX else None
    if attachment is None:
        raise NotFound("附件不存在。")
    return attachment


def attachment_file(viewer: User | None, kind: str, listing_id: int, attachment_id: int, store: UploadStore,
                    channel: str = "web") -> tuple[ListingAttachment, Path, bool]:
    """A file to download, where it lies, and whether it is confidential (NotFound unless the
    viewer may read the listing's details; a non-owner's read of a confidential one is logged)."""
    listing = _readable(viewer, kind, listing_id)
    attachment = _find(listing, attachment_id)
    path = store.path(attachment.stored_name)
    if not path.is_file():
        raise NotFound("附件不存在。")
    confidential = isinstance(listing, Demand) and listing.visibility is Visibility.CONFIDENTIAL
    if confidential:
        log_detail_read(listing, viewer, channel)
    return attachment, path, confidential


def content_type_of(name: str) -> str:
    """The content type an accepted file name maps to."""
    return ALLOWED[Path(name).suffix.lower()][0]


# --- the files follow the transaction -----------------------------------------------------------

def _remove_after(key: str, path: Path) -> None:
    db.session.info.setdefault(key, []).append(path)


def _unlink(paths) -> None:
    for path in paths or ():
        Path(path).unlink(missing_ok=True)


@sa.event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    session.info.pop(_REMOVE_ON_ROLLBACK, None)  # the new rows are kept: so are their files
    _unlink(session.info.pop(_REMOVE_ON_COMMIT, None))


@sa.event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: its rows are gone
        session.info.pop(_REMOVE_ON_COMMIT, None)
        _unlink(session.info.pop(_REMOVE_ON_ROLLBACK, None))
