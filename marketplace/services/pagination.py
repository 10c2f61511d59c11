"""Pagination of select statements (one shape for web pages and the API).

Counting and skipping are bounded so that no list costs more as the tables grow: a list counts
its rows up to ``COUNT_CAP`` (the page then says "10,000+"), and pages reach no deeper than that
(filter or sort to get further). Lists at that depth are for narrowing, not for reading."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import db

COUNT_CAP = 10_000


@dataclass(frozen=True)
class Page:
    """One page of ``items`` out of ``total`` (at least ``total`` when ``capped``)."""

    items: list[Any]
    page: int
    per_page: int
    total: int
    capped: bool = False  # more rows match than were counted

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(query: sa.Select, page: int, per_page: int, count_cap: int = COUNT_CAP) -> Page:
    """Run ``query`` for one page; ``page`` and ``per_page`` must already be clamped. Rows are
    counted up to ``count_cap``; a page beyond that depth is empty (and says the count is capped)."""
    # Counted over a bare SELECT 1 of the same rows, so an index alone can answer it.
    bare = query.with_only_columns(sa.literal(1), maintain_column_froms=True).order_by(None)
    counted = db.session.scalar(sa.select(sa.func.count()).select_from(bare.limit(count_cap + 1).subquery())) or 0
    capped = counted > count_cap
    total = min(counted, count_cap)
    offset = (page - 1) * per_page
    if offset >= count_cap:
        return Page(items=[], page=page, per_page=per_page, total=total, capped=capped)
    items = list(db.session.scalars(query.limit(min(per_page, count_cap - offset)).offset(offset)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total, capped=capped)
