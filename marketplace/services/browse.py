"""Browsing and keyword search of published listings, and each account's own listings."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from matching.text import tokenize
from models import (
    CooperationMode, Demand, DemandStatus, Result, ResultStatus, TransferMode, User, db,
)

from .pagination import Page, paginate
from .visibility import hidden_in_lists, visible_column

MAX_QUERY_TOKENS = 12
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
        mode = str(args.get("cooperation_mode") or args.get("transfer_mode") or args.get("mode") or "")
        return cls(trl_min=number("trl_min"), trl_max=number("trl_max"), mode=mode.strip(), **text)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query_terms(q: str) -> list[str]:
    """Distinct jieba tokens of a query (whole query when it has no tokens)."""
    terms: list[str] = []
    for token in tokenize(q):
        if token not in terms and token.strip():
            terms.append(token)
    if not terms and q.strip():
        terms = [q.strip()]
    return terms[:MAX_QUERY_TOKENS]


# Keywords are searched in their JSON text: a term with JSON punctuation would match the
# list's own brackets, quotes and commas (every listing), so such terms skip that column.
_JSON_SYNTAX = frozenset('[]",\\')


def _relevance(terms: list[str], title, keywords, body):
    """Weighted count of terms found in title (3), keywords (2) and body (1)."""
    score = sa.literal(0)
    for term in terms:
        pattern = f"%{_escape_like(term)}%"
        for column, weight in ((title, 3), (keywords, 2), (body, 1)):
            if column is keywords and _JSON_SYNTAX & set(term):
                continue
            score = score + sa.case((column.ilike(pattern, escape="\\"), weight), else_=0)
    return score


def search_demands(filters: ListingFilters, page: int, per_page: int, viewer: User | None = None) -> Page:
    """Published (or closed, on request) demands matching the filters. Filters, sort orders and
    keywords read only what ``viewer`` may see in a list (services/visibility.py): a confidential
    demand's hidden fields are empty to them, so it falls out of such a filter and sorts last."""
    status = DemandStatus.CLOSED if filters.status == "closed" else DemandStatus.PUBLISHED
    query = sa.select(Demand).where(Demand.status == status)
    region, trl_target, mode, deadline, budget_max = (
        visible_column(column, viewer) for column in
        (Demand.region, Demand.trl_target, Demand.cooperation_mode, Demand.deadline, Demand.budget_max))
    if filters.field:
        query = query.where(Demand.field_code == filters.field)
    if filters.region:
        query = query.where(region.ilike(f"%{_escape_like(filters.region)}%", escape="\\"))
    if filters.trl_min:
        query = query.where(trl_target >= filters.trl_min)
    if filters.trl_max:
        query = query.where(trl_target <= filters.trl_max)
    if filters.mode in CooperationMode.codes():
        query = query.where(mode == CooperationMode(filters.mode).value)
    orders = {
        "newest": [Demand.published_at.desc()],
        "deadline": [deadline.asc().nulls_last()],
        "budget": [budget_max.desc().nulls_last()],
    }
    hidden = hidden_in_lists(viewer)  # searched on the public title and summary only
    body = sa.case((hidden, Demand.summary), else_=Demand.description)
    keywords = sa.case((hidden, sa.literal("")), else_=sa.cast(Demand.keywords, sa.Text))
    return _run(query, filters, orders, (Demand.title, keywords, body), Demand.id, page, per_page)


def search_results(filters: ListingFilters, page: int, per_page: int) -> Page:
    """Published results matching the filters."""
    query = sa.select(Result).where(Result.status == ResultStatus.PUBLISHED)
    if filters.field:
        query = query.where(Result.field_code == filters.field)
    if filters.region:
        query = query.where(Result.region.ilike(f"%{_escape_like(filters.region)}%", escape="\\"))
    if filters.trl_min:
        query = query.where(Result.trl >= filters.trl_min)
    if filters.trl_max:
        query = query.where(Result.trl <= filters.trl_max)
    if filters.mode in TransferMode.codes():
        pattern = f'%"{_escape_like(filters.mode)}"%'
        query = query.where(sa.cast(Result.transfer_modes, sa.Text).like(pattern, escape="\\"))
    orders = {
        "newest": [Result.published_at.desc()],
        "trl": [Result.trl.desc()],
        "price": [Result.asking_price.asc().nulls_last()],
    }
    return _run(query, filters, orders, (Result.title, sa.cast(Result.keywords, sa.Text), Result.abstract),
                Result.id, page, per_page)


def _run(query, filters: ListingFilters, orders, columns, id_column, page: int, per_page: int) -> Page:
    terms = query_terms(filters.q) if filters.q else []
    order = orders.get(filters.sort)
    if terms:
        relevance = _relevance(terms, *columns)
        query = query.where(relevance > 0)
        order = order or [relevance.desc()]
    order = order or orders["newest"]
    return paginate(query.order_by(*order, id_column.desc()), page, per_page)


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


def counts() -> dict[str, int]:
    """Published demand and result counts, organizations, for the home page."""
    from models import Organization

    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    return {
        "demands": count(sa.select(sa.func.count()).where(Demand.status == DemandStatus.PUBLISHED)),
        "results": count(sa.select(sa.func.count()).where(Result.status == ResultStatus.PUBLISHED)),
        "organizations": count(sa.select(sa.func.count(Organization.id))),
    }
