"""Research results (成果) and their patents."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Money, db, enum_type
from .enums import Maturity, PatentStatus, ResultStatus
from .listing import ListingMixin


class Result(ListingMixin, db.Model):
    """A research result posted by a university or institute."""

    __tablename__ = "results"
    __table_args__ = (
        sa.CheckConstraint("trl BETWEEN 1 AND 9", name="trl_range"),
        sa.CheckConstraint("asking_price IS NULL OR asking_price >= 0", name="asking_price_non_negative"),
        sa.Index("ix_results_status_published_at", "status", "published_at", "id"),
        sa.Index("ix_results_status_field_published_at", "status", "field_code", "published_at", "id"),  # a field's list
        sa.Index("ix_results_region_status", "region", "status"),  # the region filter (services/browse.py)
        sa.Index("ix_results_status_trl", "status", "trl", "id"),  # sorted by maturity
        sa.Index("ix_results_status_asking_price", "status", "asking_price", "id"),  # sorted by price
        sa.Index("ix_results_organization_updated", "organization_id", "updated_at", "id"),  # the workspace
        sa.Index("ix_results_status_confirmed", "status", "confirmed_at"),  # the freshness sweep
        sa.Index("ix_results_status_stale", "status", "stale_notified_at"),
    )

    abstract: Mapped[str] = mapped_column(sa.Text)
    trl: Mapped[int]
    maturity: Mapped[Maturity] = mapped_column(enum_type(Maturity, "maturity"))
    transfer_modes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    asking_price: Mapped[float | None] = mapped_column(Money)
    region: Mapped[str] = mapped_column(sa.String(80), default="")
    status: Mapped[ResultStatus] = mapped_column(
        enum_type(ResultStatus, "result_status"), default=ResultStatus.DRAFT
    )

    patents: Mapped[list["Patent"]] = relationship(
        back_populates="result",
        cascade="all, delete-orphan",
        order_by="Patent.position",
        lazy="selectin",
    )

    @property
    def is_published(self) -> bool:
        """Visible in the public lists."""
        return self.status is ResultStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Result {self.id} {self.status.value} {self.title!r}>"


class Patent(db.Model):
    """A patent (or application) that protects a result."""

    __tablename__ = "patents"
    __table_args__ = (sa.UniqueConstraint("result_id", "number", name="result_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("results.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[PatentStatus] = mapped_column(enum_type(PatentStatus, "patent_status"))
    position: Mapped[int] = mapped_column(default=0)

    result: Mapped[Result] = relationship(back_populates="patents")

    def __repr__(self) -> str:
        return f"<Patent {self.number} {self.status.value}>"
