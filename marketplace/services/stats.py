"""The honest funnel: every figure is counted from recorded events (``Event`` rows), never from
the current state of listings, pairings, requests, bids or engagements, so nothing can be
inflated by editing rows (the one exception: the organizations registered, counted from their
table). The proof-of-concept figures are folded in ``stats_poc``. The home page shows these same
figures (``public_figures.home_counts``), so one label means one number everywhere.

对接率 (connection rate) = demands with at least one connected pairing ÷ demands published.
Months are local calendar months (``TIMEZONE``): an event at 2026-10-31 17:30 UTC is
2026-11-01 01:30 in Shanghai and counts in November."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from models import Event, EventKind, Field, Organization, db, utcnow

from ..localtime import local_month_start_utc, to_local
from .stats_poc import PocFigures, empty_figures, empty_month, funnel_steps, poc_figures

MONTHS = 12
PAIRING_FIGURES = {  # API name → event kind; each counts distinct pairings
    "pairings": EventKind.PAIRING_PROPOSED,
    "connected_pairings": EventKind.PAIRING_CONNECTED,
    "declined": EventKind.PAIRING_DECLINED,
    "withdrawn": EventKind.PAIRING_WITHDRAWN,
    "expired": EventKind.PAIRING_EXPIRED,
}
LISTING_FIGURES = {"demands": (EventKind.DEMAND_PUBLISHED, Event.demand_id),
                   "results": (EventKind.RESULT_PUBLISHED, Event.result_id)}


def _rate(connected: int, published: int) -> float:
    return round(connected / published, 4) if published else 0.0


def _listing_fields(kind: EventKind = EventKind.DEMAND_PUBLISHED, column=Event.demand_id):
    """listing id → the field of its latest publication event (a listing counts in one field)."""
    latest = (sa.select(sa.func.max(Event.id).label("event_id"))
              .where(Event.kind == kind, column.is_not(None)).group_by(column).subquery())
    return (sa.select(column.label("listing_id"), Event.field_code)
            .join(latest, Event.id == latest.c.event_id).subquery())


def _connected_demands(by_field: bool):
    """Distinct published demands with a connected-pairing event (per field of the demand)."""
    fields = _listing_fields()
    columns = [fields.c.field_code] if by_field else []
    query = (sa.select(*columns, sa.func.count(sa.distinct(Event.demand_id)))
             .join(fields, fields.c.listing_id == Event.demand_id)
             .where(Event.kind == EventKind.PAIRING_CONNECTED))
    return query.group_by(*columns) if by_field else query


def _empty() -> dict:
    return dict.fromkeys([*LISTING_FIGURES, *PAIRING_FIGURES, "connected_demands"], 0)


def _totals() -> dict:
    figures = _empty()
    for name, (kind, column) in LISTING_FIGURES.items():
        figures[name] = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(column))).where(Event.kind == kind)) or 0
    counts = dict(db.session.execute(
        sa.select(Event.kind, sa.func.count(sa.distinct(Event.pairing_id)))
        .where(Event.kind.in_(list(PAIRING_FIGURES.values()))).group_by(Event.kind)).all())
    figures.update({name: counts.get(kind, 0) for name, kind in PAIRING_FIGURES.items()})
    figures["connected_demands"] = db.session.scalar(_connected_demands(by_field=False)) or 0
    return figures


def _by_field(fields, poc: PocFigures) -> list[dict]:
    """The same figures per field; pairing events without a field take their demand's."""
    rows: dict[str, dict] = {}
    result_fields = _listing_fields(EventKind.RESULT_PUBLISHED, Event.result_id)
    for name, subquery in (("demands", fields), ("results", result_fields)):
        for code, count in db.session.execute(
                sa.select(subquery.c.field_code, sa.func.count()).group_by(subquery.c.field_code)):
            rows.setdefault(code, _empty())[name] = count
    field = sa.func.coalesce(Event.field_code, fields.c.field_code)
    kinds = {kind: name for name, kind in PAIRING_FIGURES.items()}
    for kind, code, count in db.session.execute(
            sa.select(Event.kind, field, sa.func.count(sa.distinct(Event.pairing_id)))
            .outerjoin(fields, fields.c.listing_id == Event.demand_id)
            .where(Event.kind.in_(list(kinds))).group_by(Event.kind, field)):
        rows.setdefault(code, _empty())[kinds[kind]] = count
    for code, count in db.session.execute(_connected_demands(by_field=True)):
        rows.setdefault(code, _empty())["connected_demands"] = count
    for code in rows.keys() | poc.by_field.keys():
        rows.setdefault(code, _empty()).update(poc.by_field.get(code) or empty_figures())
    names = dict(db.session.execute(sa.select(Field.code, Field.name_zh)).all())
    order = {code: i for i, code in enumerate(db.session.scalars(sa.select(Field.code).order_by(Field.sort_order)))}
    return [{"field": code, "name": names.get(code, code or "未分类"), **figures,
             "connection_rate": _rate(figures["connected_demands"], figures["demands"])}
            for code, figures in sorted(rows.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0] or ""))]


def _month_starts(now: datetime) -> list[tuple[int, int]]:
    """(year, month) of the last ``MONTHS`` local months, oldest first, the current one last."""
    local = to_local(now)
    months, year, month = [], local.year, local.month
    for _ in range(MONTHS):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def month_bounds(months: list[tuple[int, int]]) -> list[datetime]:
    """The first instant (naive UTC) of each local month, and of the month after the last."""
    year, month = months[-1]
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return [local_month_start_utc(y, m) for y, m in (*months, following)]


def month_index(column, bounds: list[datetime]):
    """SQL: which of the months ``bounds`` delimit a stored time falls in (0 = the oldest). The
    boundaries are computed in Python, so both SQLite and PostgreSQL bucket by local month."""
    return sa.case(*((column >= bound, index) for index, bound in reversed(list(enumerate(bounds[:-1])))),
                   else_=-1)


def _by_month(now: datetime, poc: PocFigures) -> list[dict]:
    """Per local calendar month of the last year: publications, pairing and PoC steps that month."""
    months = _month_starts(now)
    bounds = month_bounds(months)
    subject = sa.case((Event.kind == EventKind.DEMAND_PUBLISHED, Event.demand_id),
                      (Event.kind == EventKind.RESULT_PUBLISHED, Event.result_id), else_=Event.pairing_id)
    names = {kind: name for name, (kind, _) in LISTING_FIGURES.items()}
    names.update({kind: name for name, kind in PAIRING_FIGURES.items()})
    # bucketed in a subquery: PostgreSQL would not match a GROUP BY on the CASE's own parameters
    events = (sa.select(Event.kind, subject.label("subject"), month_index(Event.created_at, bounds).label("month"))
              .where(Event.created_at >= bounds[0], Event.created_at < bounds[-1], Event.kind.in_(list(names)))
              .subquery())
    rows = db.session.execute(
        sa.select(events.c.kind, events.c.month, sa.func.count(sa.distinct(events.c.subject)))
        .group_by(events.c.kind, events.c.month)).all()
    table = [dict.fromkeys([*LISTING_FIGURES, *PAIRING_FIGURES], 0) for _ in months]
    for kind, index, count in rows:
        table[index][names[kind]] = count
    return [{"month": f"{y:04d}-{m:02d}", **figures, **poc.by_month.get((y, m), empty_month())}
            for (y, m), figures in zip(months, table)]


def funnel(now: datetime | None = None) -> dict:
    """Every figure of the statistics page, ``GET /api/v1/stats`` and the home page: listings,
    organizations and pairings, the proof-of-concept stage (validation requests, bids,
    engagements by status, completed validations by verdict, deal amount), the funnel from
    publication to validation; per field and per local month."""
    totals = _totals()
    fields = _listing_fields()
    poc = poc_figures(fields)
    return {
        **{name: totals[name] for name in (*LISTING_FIGURES, *PAIRING_FIGURES)},
        "organizations": db.session.scalar(sa.select(sa.func.count(Organization.id))) or 0,
        "connected_demands": totals["connected_demands"],
        "connection_rate": _rate(totals["connected_demands"], totals["demands"]),
        **poc.totals, "poc_open": True,
        "funnel": funnel_steps(totals["demands"]),
        "by_field": _by_field(fields, poc),
        "by_month": _by_month(now or utcnow(), poc),
    }


def figures_version(now: datetime | None = None) -> str:
    """What the figures depend on, cheaply: the newest event, the newest organization and the
    current local month (the months shown roll over). Equal versions mean equal figures, so a
    cached copy stays exact."""
    newest = db.session.scalar(sa.select(sa.func.max(Event.id))) or 0
    organization = db.session.scalar(sa.select(sa.func.max(Organization.id))) or 0
    return f"{newest}:{organization}:{to_local(now or utcnow()):%Y-%m}"
