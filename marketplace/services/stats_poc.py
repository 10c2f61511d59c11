"""The proof-of-concept stage in the statistics, counted from recorded events only (never from
the rows of requests, bids or engagements, so editing a row changes nothing here):

- validation requests, bids: distinct requests / bids with a ``validation_requested`` /
  ``bid_submitted`` event;
- engagements by status: each engagement counted once, at the furthest step its events reached —
  ``completed`` (validation completed), ``active`` (all three signed; a report awaiting the
  parties' answer is still active), else ``awaiting_signatures`` (a center was selected);
- completed validations by verdict, and the deal amount: the ``validation_completed`` events,
  which carry both verdicts and the amount (万元);
- the funnel: distinct published demands that reached each step, from publication to validation.

PoC events are few (one per request, bid and engagement step), so they are read once and folded
here; the listing and pairing figures, which can be many, stay SQL aggregates in ``stats``."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from models import EngagementStatus, Event, EventKind, Verdict, db

from ..localtime import to_local

ENGAGEMENT_STATES = (EngagementStatus.AWAITING_SIGNATURES.value, EngagementStatus.ACTIVE.value,
                     EngagementStatus.COMPLETED.value)
POC_KINDS = (EventKind.VALIDATION_REQUESTED, EventKind.BID_SUBMITTED, EventKind.ENGAGEMENT_CREATED,
             EventKind.ENGAGEMENT_ACTIVATED, EventKind.VALIDATION_COMPLETED)
FUNNEL = (  # step key, label, the event that marks a demand as having reached it
    ("published", "发布需求", EventKind.DEMAND_PUBLISHED),
    ("proposed", "发起对接", EventKind.PAIRING_PROPOSED),
    ("connected", "对接成功", EventKind.PAIRING_CONNECTED),
    ("validation_requested", "申请概念验证", EventKind.VALIDATION_REQUESTED),
    ("engaged", "选定验证中心", EventKind.ENGAGEMENT_CREATED),
    ("validated", "完成概念验证", EventKind.VALIDATION_COMPLETED),
)


def _verdicts() -> dict:
    return {"total": 0, "technical": dict.fromkeys(Verdict.codes(), 0), "market": dict.fromkeys(Verdict.codes(), 0)}


def empty_figures() -> dict:
    """The PoC figures of a field (or of the whole platform) with nothing recorded."""
    return {"validation_requests": 0, "bids": 0, "engagements": dict.fromkeys(ENGAGEMENT_STATES, 0),
            "completed_validations": _verdicts(), "deal_amount": 0.0}


def empty_month() -> dict:
    """What happened in one month: requests, bids, engagements created and signed, completions."""
    return {"validation_requests": 0, "bids": 0, "engagements_created": 0, "engagements_signed": 0,
            "validations_completed": 0, "deal_amount": 0.0}


@dataclass
class Tally:
    """The distinct subjects of each PoC event kind in one group (all, one field or one month)."""

    requests: set = field(default_factory=set)
    bids: set = field(default_factory=set)
    created: set = field(default_factory=set)
    activated: set = field(default_factory=set)
    completed: dict = field(default_factory=dict)  # engagement → (amount, technical, market)

    def add(self, event: Event, key) -> None:
        if event.kind is EventKind.VALIDATION_REQUESTED:
            self.requests.add(event.request_id if event.request_id is not None else key)
        elif event.kind is EventKind.BID_SUBMITTED:
            self.bids.add(event.bid_id if event.bid_id is not None else key)
        elif event.kind is EventKind.ENGAGEMENT_CREATED:
            self.created.add(key)
        elif event.kind is EventKind.ENGAGEMENT_ACTIVATED:
            self.activated.add(key)
        else:
            self.completed[key] = (float(event.amount or 0), event.technical_verdict, event.market_verdict)

    def deal_amount(self) -> float:
        return round(sum(amount for amount, _, _ in self.completed.values()), 2)

    def figures(self) -> dict:
        """Totals, engagements at their furthest step, completed validations by verdict."""
        states = dict.fromkeys(ENGAGEMENT_STATES, 0)
        for engagement in self.created | self.activated | set(self.completed):
            step = 2 if engagement in self.completed else 1 if engagement in self.activated else 0
            states[ENGAGEMENT_STATES[step]] += 1
        verdicts = _verdicts()
        for _, technical, market in self.completed.values():
            verdicts["total"] += 1
            for name, verdict in (("technical", technical), ("market", market)):
                if verdict is not None:
                    verdicts[name][verdict.value] += 1
        return {"validation_requests": len(self.requests), "bids": len(self.bids), "engagements": states,
                "completed_validations": verdicts, "deal_amount": self.deal_amount()}

    def month(self) -> dict:
        """The same events read as a month's flow."""
        return {"validation_requests": len(self.requests), "bids": len(self.bids),
                "engagements_created": len(self.created), "engagements_signed": len(self.activated),
                "validations_completed": len(self.completed), "deal_amount": self.deal_amount()}


@dataclass
class PocFigures:
    """The PoC figures: for the whole platform, per field code and per local (year, month)."""

    totals: dict
    by_field: dict[str | None, dict]
    by_month: dict[tuple[int, int], dict]


def poc_figures(demand_fields) -> PocFigures:
    """Fold every PoC event once. ``demand_fields`` (listing_id, field_code) gives the field of an
    event that has none; an engagement stays in the field of its first event."""
    rows = db.session.execute(
        sa.select(Event, demand_fields.c.field_code).outerjoin(demand_fields, demand_fields.c.listing_id == Event.demand_id)
        .where(Event.kind.in_(POC_KINDS)).order_by(Event.id)).all()
    total, fields, months = Tally(), defaultdict(Tally), defaultdict(Tally)
    engagement_field: dict = {}
    for event, demand_field in rows:
        is_engagement = event.kind in POC_KINDS[2:]
        key = (("engagement", event.engagement_id) if event.engagement_id is not None else ("event", event.id)) \
            if is_engagement else ("event", event.id)
        code = event.field_code or demand_field
        if is_engagement:
            code = engagement_field.setdefault(key, code)
        local = to_local(event.created_at)  # the local calendar month, as the listing figures
        for tally in (total, fields[code], months[(local.year, local.month)]):
            tally.add(event, key)
    return PocFigures(total.figures(), {code: t.figures() for code, t in fields.items()},
                      {ym: t.month() for ym, t in months.items()})


def funnel_steps(published_demands: int) -> list[dict]:
    """Distinct published demands at each step, with the share of all published demands and of
    the step before (the first step: of itself; 0 when there is nothing to divide by)."""
    published = sa.select(Event.demand_id).where(Event.kind == EventKind.DEMAND_PUBLISHED,
                                                 Event.demand_id.is_not(None))
    counts = dict(db.session.execute(
        sa.select(Event.kind, sa.func.count(sa.distinct(Event.demand_id)))
        .where(Event.kind.in_([kind for _, _, kind in FUNNEL]), Event.demand_id.in_(published))
        .group_by(Event.kind)).all())
    steps, previous = [], counts.get(EventKind.DEMAND_PUBLISHED, 0)
    for key, label, kind in FUNNEL:
        demands = counts.get(kind, 0)
        steps.append({"step": key, "label": label, "demands": demands,
                      "share": round(demands / published_demands, 4) if published_demands else 0.0,
                      "from_previous": round(demands / previous, 4) if previous else 0.0})
        previous = demands
    return steps
