"""Browsing and keyword search of published listings, and each account's own listings."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from models import (
    CooperationMode, Demand, DemandStatus, Result, ResultStatus, TransferMode, User, db,
)

from .errors import ValidationFailed
from .match_index import MatchIndex, parse_doc_id
from .pagination import Page, paginate
from .remembered import Remembered
from .visibility import lists_viewer, visible_column, visible_where

_regions = Remembered(kept=2)  # the distinct regions of demands and of results (distinct_regions)
_ORDER_MODIFIERS = (operators.desc_op, operators.asc_op, operators.nulls_last_op, operators.nulls_first_op)
KEYWORD_CANDIDATES = 1000  # a keyword list holds at most this many best matches
MAX_KEYWORD_TERMS = 24  # words in one keyword filter (more: 422)
_WORDS = re.compile(r"[^\s,，;；、。|/]+")
PUBLIC_DEMAND_STATUSES = (DemandStatus.PUBLISHED, DemandStatus.CLOSED)
DEMAND_SORTS = ("relevance", "newest", "deadline", "budget")
RESULT_SORTS = ("relevance", "newest", "trl", "price")


@dataclass(frozen=True)
class ListingFilters:
    """Filters shared by the web lists and the API (already parsed, all optional)."""

    q: str = ""
    field: str = ""
    region: str = ""
    trl_min: int | None = None
    trl_max: int | None = None
    mode: str = ""  # cooperation mode (demands) or transfer mode (results)
    status: str = ""
    sort: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> "ListingFilters":
        """Parse query-string arguments leniently: bad numbers are ignored, not errors."""
        def number(name: str) -> int | None:
            try:
                value = int(str(args.get(name, "")).strip())
            except ValueError:
                return None
            return value if 1 <= value <= 9 else None

        text = {name: str(args.get(name) or "").strip()[:200]
                for name in ("q", "field", "region", "status", "sort")}
        keyword_terms(text["q"])
        mode = str(args.get("cooperation_mode") or args.get("transfer_mode") or args.get("mode") or "")
        return cls(trl_min=number("trl_min"), trl_max=number("trl_max"), mode=mode.strip(), **text)


def keyword_terms(q: str) -> list[str]:
    """The words of a keyword filter (separated by spaces or punctuation). More than
    ``MAX_KEYWORD_TERMS`` is refused (422) before any query runs: no one types that many, and each
    word widens the candidates read."""
    words = _WORDS.findall(q or "")
    if len(words) > MAX_KEYWORD_TERMS:
        raise ValidationFailed(f"关键词过多：最多 {MAX_KEYWORD_TERMS} 个词，请精简后再搜索。",
                               {"q": f"最多 {MAX_KEYWORD_TERMS} 个词（现有 {len(words)} 个）。"})
    return words


def values_in(column, values: list, type_=sa.Integer):
    """``column IN values`` for up to a few thousand values: on PostgreSQL one array parameter
    (``= ANY``), which it plans three times faster than a thousand bound values; elsewhere IN."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam("values", values, type_=postgresql.ARRAY(type_), unique=True))
    return column.in_(values)


def distinct_regions(model) -> list[str]:
    """Every region written on a listing of ``model`` (any status), remembered per process until
    the listings change. Read by a loose scan of the (region, status) index — one probe per
    distinct region, however many rows share it."""
    table = model.__tablename__
    return _regions.get(table, listings_version(), lambda: list(db.session.scalars(sa.text(
        f"WITH RECURSIVE r(region) AS (SELECT min(region) FROM {table} UNION ALL "
        f"SELECT (SELECT min(region) FROM {table} WHERE region > r.region) FROM r WHERE r.region IS NOT NULL) "
        f"SELECT region FROM r WHERE region IS NOT NULL"))))


def regions_containing(model, fragment: str) -> list[str]:
    """The regions a region filter selects: those containing ``fragment``, ignoring case (a
    substring, as typed — "苏州" selects "江苏省苏州市"). The filter is then ``region IN (…)``,
    which the (region, status) index answers, where a substring ``LIKE`` reads every row."""
    wanted = fragment.lower()
    return [region for region in distinct_regions(model) if wanted in region.lower()]


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _keyword_ids(index: MatchIndex, q: str, kind: str, status: str, field: str) -> list[int]:
    """Ids of the listings sharing a selective term with ``q``, best first, from the match index
    (at most ``KEYWORD_CANDIDATES``): keyword filtering that does not read the table row by row."""
    found = index.ready().retrieve(q, limit=KEYWORD_CANDIDATES,
                                   filters={"kind": kind, "status": status, "field": field or None})
    return [parse_doc_id(doc)[1] for doc, _ in found]


def search_demands(filters: ListingFilters, page: int, per_page: int, viewer: User | None = None, *,
                   index: MatchIndex) -> Page:
    """Published (or closed, on request) demands matching the filters. Filters, sort orders and
    keywords read only what ``viewer`` may see in a list (services/visibility.py): a confidential
    demand's hidden fields are empty to them, so it falls out of such a filter and sorts last."""
    viewer = lists_viewer(viewer)
    status = DemandStatus.CLOSED if filters.status == "closed" else DemandStatus.PUBLISHED
    query = sa.select(Demand).where(Demand.status == status)
    if filters.field:
        query = query.where(Demand.field_code == filters.field)
    hidden_fields = []  # filters on fields a confidential demand hides: see services/visibility.py
    if filters.region:
        hidden_fields.append(values_in(Demand.region, regions_containing(Demand, filters.region), sa.String))
    if filters.trl_min:
        hidden_fields.append(Demand.trl_target >= filters.trl_min)
    if filters.trl_max:
        hidden_fields.append(Demand.trl_target <= filters.trl_max)
    if filters.mode in CooperationMode.codes():
        hidden_fields.append(Demand.cooperation_mode == CooperationMode(filters.mode))
    if hidden_fields:
        query = query.where(visible_where(sa.and_(*hidden_fields), viewer))
    deadline, budget_max = (visible_column(column, viewer) for column in (Demand.deadline, Demand.budget_max))
    orders = {
        "newest": [Demand.published_at.desc()],
        "deadline": [deadline.asc().nulls_last()],
        "budget": [budget_max.desc().nulls_last()],
    }
    return _run(query, filters, orders, Demand, page, per_page, index, status.value, narrowed=bool(hidden_fields))


def search_results(filters: ListingFilters, page: int, per_page: int, *, index: MatchIndex) -> Page:
    """Published results matching the filters."""
    query = sa.select(Result).where(Result.status == ResultStatus.PUBLISHED)
    if filters.field:
        query = query.where(Result.field_code == filters.field)
    narrowing = []  # filters the match index does not apply itself (see _run)
    if filters.region:
        narrowing.append(values_in(Result.region, regions_containing(Result, filters.region), sa.String))
    if filters.trl_min:
        narrowing.append(Result.trl >= filters.trl_min)
    if filters.trl_max:
        narrowing.append(Result.trl <= filters.trl_max)
    if filters.mode in TransferMode.codes():
        pattern = f'%"{_escape_like(filters.mode)}"%'
        narrowing.append(sa.cast(Result.transfer_modes, sa.Text).like(pattern, escape="\\"))
    query = query.where(*narrowing)
    orders = {
        "newest": [Result.published_at.desc()],
        "trl": [Result.trl.desc()],
        "price": [Result.asking_price.asc().nulls_last()],
    }
    return _run(query, filters, orders, Result, page, per_page, index, ResultStatus.PUBLISHED.value,
                narrowed=bool(narrowing))


def _run(query, filters: ListingFilters, orders, model, page: int, per_page: int, index: MatchIndex,
         status: str, narrowed: bool) -> Page:
    """Order and paginate; a keyword query first narrows the rows to the index's best matches
    (a confidential demand is indexed by its public text only), ranked by relevance unless a sort
    is chosen. ``narrowed``: the query filters on more than the status and field, which the index
    filters on itself."""
    order = orders.get(filters.sort)
    if not filters.q.strip():
        return paginate(query.order_by(*(order or orders["newest"]), model.id.desc()), page, per_page,
                        count_version=listings_version)
    kind = "demand" if model is Demand else "result"
    ranked = _keyword_ids(index, filters.q, kind, status, filters.field)
    if order:
        return _sorted_keyword_page(query, model, order, ranked, page, per_page)
    if narrowed:  # other filters: the index's matches that pass them, in the index's order
        rank = {listing_id: i for i, listing_id in enumerate(ranked)}
        ranked = sorted(db.session.scalars(query.where(values_in(model.id, ranked)).with_only_columns(model.id)),
                        key=rank.__getitem__)
    # Otherwise the index's matches are the list (it is current with the change log as of this
    # request).
    return _page_of(query, model, ranked, page, per_page)


def _page_of(query, model, ordered: list[int], page: int, per_page: int) -> Page:
    """One page of the listings ``ordered`` (ids), read by id — still through ``query``'s filters,
    so a listing the database no longer lists is left out."""
    shown = ordered[(page - 1) * per_page: page * per_page]
    rows = {row.id: row for row in db.session.scalars(query.where(model.id.in_(shown))).unique()} if shown else {}
    return Page(items=[rows[i] for i in shown if i in rows], page=page, per_page=per_page, total=len(ordered))


def _direction(clause) -> tuple:
    """(expression, descending, nulls last) of one ``ORDER BY`` term such as ``col.desc().nulls_last()``;
    NULLs go where PostgreSQL puts them unless the term says (last ascending, first descending)."""
    descending = nulls_last = None
    while isinstance(clause, UnaryExpression) and clause.modifier in _ORDER_MODIFIERS:
        if clause.modifier in (operators.desc_op, operators.asc_op):
            descending = clause.modifier is operators.desc_op
        else:
            nulls_last = clause.modifier is operators.nulls_last_op
        clause = clause.element
    descending = bool(descending)
    return clause, descending, (not descending) if nulls_last is None else nulls_last


def _sorted_ids(rows: list, directions: list[tuple[bool, bool]]) -> list[int]:
    """Ids of ``rows`` — (id, key, key, …) — ordered as SQL would by those keys, ties by newest id
    (stable sorts from the last key to the first; NULLs placed per key)."""
    rows = sorted(rows, key=lambda row: row[0], reverse=True)
    for i, (descending, nulls_last) in reversed(list(enumerate(directions, start=1))):
        present = sorted((row for row in rows if row[i] is not None), key=lambda row: row[i], reverse=descending)
        absent = [row for row in rows if row[i] is None]
        rows = present + absent if nulls_last else absent + present
    return [row[0] for row in rows]


def _sorted_keyword_page(query, model, order: list, ranked: list[int], page: int, per_page: int) -> Page:
    """A keyword list in a chosen order: the (at most ``KEYWORD_CANDIDATES``) matches' sort keys are
    read by id and sorted here. Asked to order and limit in SQL, PostgreSQL walked the sort's
    index through the whole table hoping to meet twenty of the ids early."""
    terms = [_direction(clause) for clause in order]
    rows = db.session.execute(query.where(values_in(model.id, ranked))
                              .with_only_columns(model.id, *(expression for expression, _, _ in terms))).all()
    ordered = _sorted_ids([tuple(row) for row in rows], [(descending, last) for _, descending, last in terms])
    return _page_of(query, model, ordered, page, per_page)


def my_demands(actor: User, page: int, per_page: int) -> Page:
    """Every demand of the actor's organization, newest first, any status."""
    query = (sa.select(Demand).where(Demand.organization_id == actor.organization_id)
             .order_by(Demand.updated_at.desc(), Demand.id.desc()))
    return paginate(query, page, per_page)


def my_results(actor: User, page: int, per_page: int) -> Page:
    """Every result of the actor's organization, newest first, any status."""
    query = (sa.select(Result).where(Result.organization_id == actor.organization_id)
             .order_by(Result.updated_at.desc(), Result.id.desc()))
    return paginate(query, page, per_page)


def latest(model, status, limit: int = 6) -> list:
    """The most recently published listings, for the home page."""
    query = (sa.select(model).where(model.status == status)
             .order_by(model.published_at.desc(), model.id.desc()).limit(limit))
    return list(db.session.scalars(query).unique())


def listings_version() -> tuple[int, int, int]:
    """Changes when any listing is created, edited, published, closed or withdrawn (each records a
    listing change) — three index reads. A list's count is kept while it holds."""
    from models import ListingChange

    return tuple(db.session.scalar(sa.select(sa.func.max(column))) or 0
                 for column in (ListingChange.id, Demand.id, Result.id))
