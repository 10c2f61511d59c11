"""Files attached to a demand or a result (PDFs, images, patent documents): the row names the
listing, the file as uploaded (for display) and the server-made name it is stored under."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class ListingAttachment(db.Model):
    """One file on exactly one listing (a demand or a result)."""

    __tablename__ = "listing_attachments"
    __table_args__ = (
        sa.CheckConstraint("(demand_id IS NULL) <> (result_id IS NULL)", name="one_listing"),
        sa.CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int | None] = mapped_column(sa.ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    result_id: Mapped[int | None] = mapped_column(sa.ForeignKey("results.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(sa.String(200))  # as uploaded, for display only
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)  # server-generated
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_image(self) -> bool:
        """A PNG or JPEG: the only kind shown inline (as a thumbnail)."""
        return self.content_type in ("image/png", "image/jpeg")

    def __repr__(self) -> str:
        owner = f"demand={self.demand_id}" if self.demand_id else f"result={self.result_id}"
        return f"<ListingAttachment {self.id} {owner} {self.file_name!r}>"
