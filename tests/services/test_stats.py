"""The honest funnel: counted from events only; connection rate, per field and per local month."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.localtime import to_local
from marketplace.services import demands, stats
from marketplace.services.activity import record_event
from models import (Demand, DemandStatus, Event, EventKind, Pairing, PairingStatus, Role, Side, Visibility, db,
                    utcnow)

from ..factories import make_demand, make_result, make_user


def pairing(demand, result, proposer, status=PairingStatus.PROPOSED) -> Pairing:
    """A pairing row (its events are recorded separately: stats read only events)."""
    row = Pairing(demand_id=demand.id, result_id=result.id, proposer_id=proposer.id, proposed_by=Side.DEMAND,
                  status=status, respond_by=utcnow() + timedelta(days=14))
    db.session.add(row)
    db.session.flush()
    record_event(EventKind.PAIRING_PROPOSED, demand_id=demand.id, result_id=result.id, pairing_id=row.id,
                 field_code=demand.field_code)
    return row


def step(row: Pairing, kind: EventKind, **overrides) -> None:
    record_event(kind, demand_id=row.demand_id, result_id=row.result_id, pairing_id=row.id,
                 field_code=overrides.get("field_code", "new_energy"))
    db.session.commit()


def field_row(figures, code) -> dict:
    return next(row for row in figures["by_field"] if row["field"] == code)


def test_empty_platform_has_zeroes_and_no_division_by_zero(ctx):
    figures = stats.funnel()
    assert figures["demands"] == figures["pairings"] == 0
    assert figures["connection_rate"] == 0.0
    assert figures["by_field"] == [] and len(figures["by_month"]) == 12
    assert (figures["bids"], figures["deal_amount"]) == (0, 0)
    assert figures["engagements"] == {"awaiting_signatures": 0, "active": 0, "completed": 0}


def test_publications_are_counted_once_per_listing(ctx):
    enterprise = make_user()
    demand = make_demand(enterprise, status="published")
    make_demand(enterprise)  # a draft: no event, not counted
    make_result(make_user(Role.RESEARCHER), status="published")
    demands.change_demand_status(enterprise, demand.id, DemandStatus.CLOSED)
    demands.change_demand_status(enterprise, demand.id, DemandStatus.PUBLISHED)  # a second publish event
    db.session.commit()
    figures = stats.funnel()
    assert (figures["demands"], figures["results"]) == (1, 1)


def test_a_demand_without_an_event_is_not_counted(ctx):
    enterprise = make_user()
    make_demand(enterprise, status="published")
    db.session.add(Demand(title="直接写入的需求", description="没有发布事件", field_code="ai", keywords=[],
                          budget_min=1, budget_max=2, deadline=utcnow().date() + timedelta(days=30),
                          cooperation_mode="development", trl_target=5, visibility=Visibility.PUBLIC,
                          status=DemandStatus.PUBLISHED, organization_id=enterprise.organization_id,
                          created_by_id=enterprise.id, published_at=utcnow()))
    db.session.commit()
    figures = stats.funnel()
    assert figures["demands"] == 1
    assert [row["field"] for row in figures["by_field"]] == ["new_energy"]


def test_connection_rate_counts_demands_with_a_connected_pairing(ctx):
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    first, second = (make_demand(enterprise, status="published") for _ in range(2))
    result, other = make_result(researcher, status="published"), make_result(researcher, status="published")
    a, b = pairing(first, result, enterprise), pairing(first, other, enterprise)
    c = pairing(second, result, enterprise)
    db.session.commit()
    before = stats.funnel()
    assert (before["pairings"], before["connected_pairings"], before["connection_rate"]) == (3, 0, 0.0)
    step(a, EventKind.PAIRING_CONNECTED)
    step(b, EventKind.PAIRING_CONNECTED)  # a second connection of the same demand: still one demand
    step(c, EventKind.PAIRING_DECLINED)
    figures = stats.funnel()
    assert (figures["connected_pairings"], figures["declined"], figures["connected_demands"]) == (2, 1, 1)
    assert figures["connection_rate"] == 0.5
    row = field_row(figures, "new_energy")
    assert (row["name"], row["demands"], row["pairings"], row["connected_pairings"]) == ("新能源", 2, 3, 2)
    assert row["connection_rate"] == 0.5


def test_pairing_state_without_an_event_changes_nothing(ctx):
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    row = pairing(demand, make_result(researcher, status="published"), enterprise)
    row.status = PairingStatus.CONNECTED  # the row says connected, but no event was recorded
    db.session.commit()
    assert stats.funnel()["connected_pairings"] == 0 and stats.funnel()["connection_rate"] == 0.0


def test_withdrawn_and_expired_are_counted(ctx):
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    a = pairing(demand, make_result(researcher, status="published"), enterprise)
    b = pairing(demand, make_result(researcher, status="published"), enterprise)
    step(a, EventKind.PAIRING_WITHDRAWN)
    step(b, EventKind.PAIRING_EXPIRED)
    figures = stats.funnel()
    assert (figures["withdrawn"], figures["expired"], figures["connection_rate"]) == (1, 1, 0.0)


def test_by_field_uses_the_demands_field_when_an_event_has_none(ctx):
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    ai_demand = make_demand(enterprise, status="published", field="ai")
    make_demand(enterprise, status="published")
    row = pairing(ai_demand, make_result(researcher, status="published"), enterprise)
    step(row, EventKind.PAIRING_CONNECTED, field_code=None)
    figures = stats.funnel()
    ai, energy = field_row(figures, "ai"), field_row(figures, "new_energy")
    assert (ai["name"], ai["demands"], ai["connected_pairings"], ai["connection_rate"]) == ("人工智能", 1, 1, 1.0)
    assert (energy["demands"], energy["results"], energy["connection_rate"]) == (1, 1, 0.0)
    assert figures["connection_rate"] == 0.5


def test_by_month_covers_the_last_twelve_months(ctx):
    enterprise = make_user()
    demand = make_demand(enterprise, status="published")
    record_event(EventKind.DEMAND_PUBLISHED, demand_id=demand.id, field_code="new_energy").created_at = \
        utcnow() - timedelta(days=400)  # older than a year: in the totals, not in the months
    db.session.commit()
    now = utcnow()
    figures = stats.funnel(now)
    months = figures["by_month"]
    assert months[-1]["month"] == f"{to_local(now):%Y-%m}" and months[-1]["demands"] == 1
    assert sum(m["demands"] for m in months) == 1 and figures["demands"] == 1
    assert stats.funnel(datetime(now.year + 2, 1, 15))["by_month"][-1]["month"] == f"{now.year + 2}-01"


def test_the_pairing_service_feeds_the_funnel(ctx):
    from marketplace.services import pairings

    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result, other = make_result(researcher, status="published"), make_result(researcher, status="published")
    index = ctx.extensions["match_index"]
    accepted = pairings.propose_pairing(enterprise, demand.id, result.id, "希望合作验证。", index, 14)
    declined = pairings.propose_pairing(enterprise, demand.id, other.id, "希望合作验证。", index, 14)
    db.session.commit()
    pairings.accept_pairing(researcher, accepted.id)
    pairings.decline_pairing(researcher, declined.id, "too_early")
    db.session.commit()
    figures = stats.funnel()
    assert (figures["pairings"], figures["connected_pairings"], figures["declined"]) == (2, 1, 1)
    assert figures["connection_rate"] == 1.0 and field_row(figures, "new_energy")["connected_pairings"] == 1


def at(event, when: datetime) -> None:
    """Move a recorded event to ``when`` (naive UTC, as stored)."""
    event.created_at = when
    db.session.commit()


def published_at(user, when: datetime, **overrides):
    """A demand (a draft row) with a publication event at ``when``."""
    demand = make_demand(user, **overrides)
    at(record_event(EventKind.DEMAND_PUBLISHED, demand_id=demand.id, field_code=demand.field_code), when)
    return demand


def test_months_are_local_calendar_months_either_side_of_a_boundary(ctx):
    """Asia/Shanghai is UTC+8: 2026-10-31 15:59 UTC is still October there, 16:00 and 17:30 UTC
    are already November; the same for the PoC figures and at the edge of the twelve months."""
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    published_at(enterprise, datetime(2026, 10, 31, 15, 59))
    published_at(enterprise, datetime(2026, 10, 31, 16, 0))
    late = published_at(enterprise, datetime(2026, 10, 31, 17, 30))
    published_at(enterprise, datetime(2025, 12, 31, 15, 59, 59))  # 2025-12-31 23:59:59 locally: before the window
    published_at(enterprise, datetime(2025, 12, 31, 16, 0))  # 2026-01-01 00:00 locally: its first month
    row = pairing(late, make_result(researcher), enterprise)  # a draft result: no publication event
    at(db.session.scalars(sa.select(Event).where(Event.pairing_id == row.id)).one(), datetime(2026, 11, 30, 15, 59))
    connected = record_event(EventKind.PAIRING_CONNECTED, demand_id=late.id, result_id=row.result_id,
                             pairing_id=row.id, field_code=late.field_code)
    at(connected, datetime(2026, 11, 30, 16, 0))  # 2026-12-01 00:00 locally
    at(record_event(EventKind.VALIDATION_REQUESTED, demand_id=late.id, pairing_id=row.id,
                    field_code=late.field_code), datetime(2026, 10, 31, 16, 30))
    figures = stats.funnel(datetime(2026, 12, 15, 4, 0))
    months = {m["month"]: m for m in figures["by_month"]}
    assert [*months][::11] == ["2026-01", "2026-12"]
    assert (months["2026-10"]["demands"], months["2026-11"]["demands"], months["2026-01"]["demands"]) == (1, 2, 1)
    assert sum(m["demands"] for m in months.values()) == 4 and figures["demands"] == 5
    assert (months["2026-11"]["pairings"], months["2026-11"]["connected_pairings"]) == (1, 0)
    assert months["2026-12"]["connected_pairings"] == 1
    assert (months["2026-10"]["validation_requests"], months["2026-11"]["validation_requests"]) == (0, 1)


def test_the_current_month_is_the_local_one(ctx):
    """At 2026-12-31 16:30 UTC it is already January 2027 in Shanghai: the last month shown, the
    month an event of that instant counts in, and the cached figures' version all say so."""
    enterprise = make_user()
    published_at(enterprise, datetime(2026, 12, 31, 16, 30))
    new_year = datetime(2026, 12, 31, 16, 30)
    months = stats.funnel(new_year)["by_month"]
    assert (months[0]["month"], months[-1]["month"], months[-1]["demands"]) == ("2026-02", "2027-01", 1)
    assert stats.figures_version(new_year).endswith(":2027-01")
    assert stats.figures_version(datetime(2026, 12, 31, 15, 59)).endswith(":2026-12")


def test_another_zone_moves_the_months(ctx):
    """TIMEZONE decides: the same instant is October in New York (UTC-4 then) and November in Shanghai."""
    published_at(make_user(), datetime(2026, 11, 1, 2, 0))
    ctx.config["TIMEZONE"] = "America/New_York"
    try:
        months = {m["month"]: m["demands"] for m in stats.funnel(datetime(2026, 11, 20))["by_month"]}
    finally:
        ctx.config["TIMEZONE"] = "Asia/Shanghai"
    assert (months["2026-10"], months["2026-11"]) == (1, 0)
    assert {m["month"]: m["demands"] for m in stats.funnel(datetime(2026, 11, 20))["by_month"]}["2026-11"] == 1


def test_organizations_are_counted(ctx):
    make_user(), make_user(Role.RESEARCHER)
    assert stats.funnel()["organizations"] == 2
