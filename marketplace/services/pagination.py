"""Pagination of select statements (one shape for web pages and the API).

Counting and skipping are bounded so that no list costs more as the tables grow: a list counts
its rows up to ``COUNT_CAP`` (the page then says "10,000+"), and pages reach no deeper than that
(filter or sort to get further). Lists at that depth are for narrowing, not for reading."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import db

from .remembered import Remembered

COUNT_CAP = 10_000
_counts = Remembered(kept=512)  # list counts per process (see counted_rows)


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


def counted_rows(statement: sa.Select, version: Callable[[], Any] | None) -> int:
    """``statement``'s count, remembered per process while ``version()`` (a cheap marker of the
    data it counts, such as the newest listing change) is unchanged: the lists of published
    listings are counted once per change of the listings, not on every view. The statement with
    its parameters is the key, so each filter — and each viewer whose filter differs — has its own."""
    if version is None:
        return db.session.scalar(statement) or 0
    compiled = statement.compile(dialect=db.session.get_bind().dialect)
    key = (str(compiled), repr(sorted(compiled.params.items())))
    return _counts.get(key, version(), lambda: db.session.scalar(statement) or 0)


def paginate(query: sa.Select, page: int, per_page: int, count_cap: int = COUNT_CAP,
             count_version: Callable[[], Any] | None = None) -> Page:
    """Run ``query`` for one page; ``page`` and ``per_page`` must already be clamped. Rows are
    counted up to ``count_cap`` (remembered while ``count_version()`` holds: ``counted_rows``);
    a page beyond that depth is empty (and says the count is capped)."""
    # Counted over a bare SELECT 1 of the same rows, so an index alone can answer it.
    bare = query.with_only_columns(sa.literal(1), maintain_column_froms=True).order_by(None)
    counted = counted_rows(sa.select(sa.func.count()).select_from(bare.limit(count_cap + 1).subquery()), count_version)
    capped = counted > count_cap
    total = min(counted, count_cap)
    offset = (page - 1) * per_page
    if offset >= count_cap:
        return Page(items=[], page=page, per_page=per_page, total=total, capped=capped)
    items = page_rows(query, min(per_page, count_cap - offset), offset)
    return Page(items=items, page=page, per_page=per_page, total=total, capped=capped)


def page_rows(query: sa.Select, limit: int, offset: int) -> list:
    """The rows of one page. For a query of one mapped class (without loader options of its own),
    first the page's ids (the filter and order alone, which an index answers), then those rows with
    their eagerly loaded relations:
    with the joins of the eager loads in the same statement, the planner may join whole tables
    before it limits (158 ms instead of 1 ms for a pairing list at 100,000 listings)."""
    described = query.column_descriptions
    entity = described[0].get("entity") if len(described) == 1 else None
    mapper = sa.inspect(entity, raiseerr=False) if entity is not None else None
    if mapper is None or len(mapper.primary_key) != 1 or described[0].get("expr") is not entity:
        return list(db.session.scalars(query.limit(limit).offset(offset)).unique())
    key = mapper.primary_key[0]
    ids = list(dict.fromkeys(db.session.scalars(
        query.with_only_columns(key, maintain_column_froms=True).limit(limit).offset(offset))))
    if not ids:
        return []
    # these rows by primary key alone (with the mapping's eager loads): repeating the filter here
    # misleads the planner — beside a keyword list's thousand ids it read the whole table (18 ms)
    rows = {getattr(row, key.key): row
            for row in db.session.scalars(sa.select(entity).where(key.in_(ids))).unique()}
    return [rows[i] for i in ids if i in rows]
