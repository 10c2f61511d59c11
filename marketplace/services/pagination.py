"""Pagination of select statements (one shape for web pages and the API)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import db


@dataclass(frozen=True)
class Page:
    """One page of ``items`` out of ``total``."""

    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(query: sa.Select, page: int, per_page: int) -> Page:
    """Run ``query`` for one page; ``page`` and ``per_page`` must already be clamped."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total or 0)
