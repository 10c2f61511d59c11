"""Enterprise technology demands (需求)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Money, db, enum_type
from .enums import CooperationMode, DemandStatus, Visibility
from .listing import ListingMixin


class Demand(ListingMixin, db.Model):
    """A technology demand posted by an enterprise."""

    __tablename__ = "demands"
    __table_args__ = (
        sa.CheckConstraint("budget_min >= 0", name="budget_min_non_negative"),
        sa.CheckConstraint("budget_max >= budget_min", name="budget_range_ordered"),
        sa.CheckConstraint("trl_target BETWEEN 1 AND 9", name="trl_target_range"),
        # the lists' default order (newest first, ties by id) read straight off the index
        sa.Index("ix_demands_status_published_at", "status", "published_at", "id"),
        sa.Index("ix_demands_status_field_published_at", "status", "field_code", "published_at", "id"),  # a field's list
        sa.Index("ix_demands_region_status", "region", "status"),  # the region filter (services/browse.py)
        sa.Index("ix_demands_organization_updated", "organization_id", "updated_at", "id"),  # the workspace
        sa.Index("ix_demands_status_confirmed", "status", "confirmed_at"),  # the freshness sweep
        sa.Index("ix_demands_status_stale", "status", "stale_notified_at"),
    )

    description: Mapped[str] = mapped_column(sa.Text)
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    budget_min: Mapped[float] = mapped_column(Money)
    budget_max: Mapped[float] = mapped_column(Money)
    deadline: Mapped[date]
    cooperation_mode: Mapped[CooperationMode] = mapped_column(
        enum_type(CooperationMode, "cooperation_mode")
    )
    trl_target: Mapped[int]
    region: Mapped[str] = mapped_column(sa.String(80), default="")
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility, "visibility"), default=Visibility.PUBLIC
    )
    status: Mapped[DemandStatus] = mapped_column(
        enum_type(DemandStatus, "demand_status"), default=DemandStatus.DRAFT
    )

    @property
    def is_published(self) -> bool:
        """Visible in the public lists."""
        return self.status is DemandStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Demand {self.id} {self.status.value} {self.title!r}>"


def as_listed(column):
    """SQL: ``column`` as a list shown to anyone outside the demand's organization reads it —
    empty for a confidential demand. ``services/visibility.py`` filters and sorts with it, and the
    indexes below hold it: the two must be the same expression for PostgreSQL to use them."""
    return sa.case((Demand.visibility == Visibility.CONFIDENTIAL, sa.null()), else_=column)


# The sorts by budget and by deadline as lists outside the owner's organization read them, off an
# index on PostgreSQL, which matches the expression (without it a page sorted 300,000 rows at 1M
# listings); SQLite cannot index NULLS LAST.
sa.Index("ix_demands_status_budget_listed", Demand.status, as_listed(Demand.budget_max).desc().nulls_last(),
         Demand.id.desc()).ddl_if(dialect="postgresql")
sa.Index("ix_demands_status_deadline_listed", Demand.status, as_listed(Demand.deadline).asc().nulls_last(),
         Demand.id.desc()).ddl_if(dialect="postgresql")
