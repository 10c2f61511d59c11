"""The proof-of-concept figures of the statistics: validation requests, bids, engagements by
status, completed validations by verdict, deal amount, the funnel, per field and per month —
each proven against events recorded by the real services, and none moved by editing rows."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.services import stats
from marketplace.services.activity import record_event
from marketplace.services.poc import bids, milestones, reports, requests, selection
from models import (
    Bid, BidStatus, Engagement, EngagementStatus, Event, EventKind, RequestStatus, Role, ValidationReport,
    ValidationRequest, Verdict, db, utcnow,
)
from tests.factories import make_connected_pairing, make_demand, make_result, make_user
from tests.poc_factories import World, bid_data, engage, make_bid, make_center, make_world, request_data, sign_all

ZERO_VERDICTS = {"feasible": 0, "infeasible": 0, "inconclusive": 0}


def deliver_and_report(world, engagement, center, technical="feasible", market="inconclusive"):
    """The center delivers every milestone, the parties approve, the report is filed and accepted."""
    for milestone in engagement.milestones:
        milestones.submit_milestone(center, engagement.id, milestone.id, "交付物说明")
        milestones.approve_milestone(world.enterprise, engagement.id, milestone.id, "通过")
    reports.file_report(center, engagement.id, {
        "technical_verdict": technical, "market_verdict": market, "trl_before": 4, "trl_after": 6,
        "recommendation": "pilot", "summary": "技术可行，建议进入中试。"})
    db.session.commit()
    reports.accept_report(world.enterprise, engagement.id)
    reports.accept_report(world.researcher, engagement.id)
    db.session.commit()


def world_in(field: str) -> World:
    """A connected pairing of a demand and a result of ``field`` with an open request."""
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    pairing = make_connected_pairing(make_demand(enterprise, status="published", field=field),
                                     make_result(researcher, status="published", field=field))
    world = World(enterprise, researcher, pairing)
    world.request = requests.open_request(enterprise, pairing.id, request_data(), current_app.extensions["match_index"])
    db.session.commit()
    return world


def completed_world(field="new_energy", technical="feasible", market="inconclusive", **bid_overrides):
    """A connected pairing validated end to end by one center (deal amount = its bid's cost)."""
    world = world_in(field)
    center = make_center()
    if bid_overrides:
        bid = make_bid(center, world, **bid_overrides)
        selection.accept_bid(world.enterprise, bid.id)
        engagement = selection.accept_bid(world.researcher, bid.id).engagement
        db.session.commit()
    else:
        engagement, center = engage(world, center)
    sign_all(engagement, center)
    deliver_and_report(world, engagement, center, technical, market)
    return world, engagement


def steps(figures) -> dict:
    return {step["step"]: step["demands"] for step in figures["funnel"]}


def field_row(figures, code) -> dict:
    return next(row for row in figures["by_field"] if row["field"] == code)


def test_nothing_recorded_is_all_zero(ctx):
    figures = stats.funnel()
    assert (figures["validation_requests"], figures["bids"], figures["deal_amount"]) == (0, 0, 0)
    assert figures["engagements"] == {"awaiting_signatures": 0, "active": 0, "completed": 0}
    assert figures["completed_validations"] == {"total": 0, "technical": ZERO_VERDICTS, "market": ZERO_VERDICTS}
    assert [s["step"] for s in figures["funnel"]] == [
        "published", "proposed", "connected", "validation_requested", "engaged", "validated"]
    assert all(s["demands"] == 0 and s["share"] == 0.0 and s["from_previous"] == 0.0 for s in figures["funnel"])
    assert figures["poc_open"] is True


def test_each_step_of_the_journey_moves_its_figure(ctx):
    world = make_world()
    assert (stats.funnel()["validation_requests"], stats.funnel()["bids"]) == (1, 0)
    first, second = make_center(), make_center()
    make_bid(first, world)
    chosen = make_bid(second, world, total_cost=80, milestones=[
        {"title": "样机验证", "deliverable": "样机与测试报告", "due_week": 10, "payment": 50},
        {"title": "市场调研", "deliverable": "市场可行性报告", "due_week": 20, "payment": 30}])
    bids.revise_bid(second, chosen.id, bid_data(total_cost=80, approach="修订后的方案：增加加速老化试验。",
                                                 milestones=[{"title": "样机验证", "deliverable": "样机",
                                                              "due_week": 10, "payment": 80}]),
                    expected_revision=chosen.revision)
    db.session.commit()
    figures = stats.funnel()
    assert figures["bids"] == 2  # a revision is the same bid
    assert figures["engagements"] == {"awaiting_signatures": 0, "active": 0, "completed": 0}

    selection.accept_bid(world.enterprise, chosen.id)
    engagement = selection.accept_bid(world.researcher, chosen.id).engagement
    db.session.commit()
    assert stats.funnel()["engagements"] == {"awaiting_signatures": 1, "active": 0, "completed": 0}
    sign_all(engagement, second)
    assert stats.funnel()["engagements"] == {"awaiting_signatures": 0, "active": 1, "completed": 0}
    assert stats.funnel()["deal_amount"] == 0  # nothing completed yet

    deliver_and_report(world, engagement, second, technical="feasible", market="infeasible")
    figures = stats.funnel()
    assert figures["engagements"] == {"awaiting_signatures": 0, "active": 0, "completed": 1}
    assert figures["completed_validations"] == {
        "total": 1, "technical": ZERO_VERDICTS | {"feasible": 1}, "market": ZERO_VERDICTS | {"infeasible": 1}}
    assert figures["deal_amount"] == 80.0
    assert steps(figures) == {"published": 1, "proposed": 1, "connected": 1, "validation_requested": 1,
                              "engaged": 1, "validated": 1}
    assert all(s["share"] == 1.0 and s["from_previous"] == 1.0 for s in figures["funnel"])


def test_deal_amount_sums_completed_validations_and_verdicts_are_counted_apart(ctx):
    completed_world(technical="feasible", market="feasible")
    completed_world(field="ai", technical="inconclusive", market="feasible", total_cost=60, milestones=[
        {"title": "算法验证", "deliverable": "验证报告", "due_week": 8, "payment": 60}])
    running = make_world()
    engage(running)  # selected, not signed: no amount yet
    figures = stats.funnel()
    assert figures["deal_amount"] == 150.0
    assert figures["completed_validations"]["total"] == 2
    assert figures["completed_validations"]["technical"] == {"feasible": 1, "infeasible": 0, "inconclusive": 1}
    assert figures["completed_validations"]["market"] == {"feasible": 2, "infeasible": 0, "inconclusive": 0}
    assert figures["engagements"] == {"awaiting_signatures": 1, "active": 0, "completed": 2}
    energy, ai = field_row(figures, "new_energy"), field_row(figures, "ai")
    assert (energy["deal_amount"], ai["deal_amount"]) == (90.0, 60.0)
    assert energy["engagements"] == {"awaiting_signatures": 1, "active": 0, "completed": 1}
    assert ai["completed_validations"]["technical"]["inconclusive"] == 1
    assert (energy["validation_requests"], energy["bids"], ai["validation_requests"], ai["bids"]) == (2, 2, 1, 1)


def test_the_funnel_counts_distinct_published_demands(ctx):
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    make_demand(enterprise, status="published")  # published, never paired
    one = make_connected_pairing(demand, make_result(researcher, status="published"))
    two = make_connected_pairing(demand, make_result(researcher, status="published", title="另一项成果"))
    for pairing in (one, two):  # two requests of the same demand: one demand at that step
        requests.open_request(enterprise, pairing.id, request_data(), current_app.extensions["match_index"])
    db.session.commit()
    figures = stats.funnel()
    assert figures["validation_requests"] == 2
    assert steps(figures) == {"published": 2, "proposed": 1, "connected": 1, "validation_requested": 1,
                              "engaged": 0, "validated": 0}
    proposed = figures["funnel"][1]
    assert (proposed["share"], proposed["from_previous"]) == (0.5, 0.5)
    assert figures["funnel"][4]["from_previous"] == 0.0


def test_editing_rows_does_not_change_the_figures(ctx):
    _, engagement = completed_world()
    open_world = make_world()
    waiting = make_bid(make_center(), open_world)
    before = stats.funnel()
    engagement.status, engagement.deal_amount = EngagementStatus.ACTIVE, 5000
    report = db.session.scalar(sa.select(ValidationReport).where(ValidationReport.engagement_id == engagement.id))
    report.technical_verdict = report.market_verdict = Verdict.INFEASIBLE
    db.session.get(Bid, waiting.id).status = BidStatus.WITHDRAWN
    db.session.get(ValidationRequest, open_world.request.id).status = RequestStatus.CANCELLED
    db.session.add(Engagement(pairing_id=open_world.pairing.id, request_id=open_world.request.id,
                              bid_id=waiting.id, center_id=waiting.center_id,
                              enterprise_id=engagement.enterprise_id, institution_id=engagement.institution_id,
                              status=EngagementStatus.COMPLETED, deal_amount=999))
    db.session.commit()
    assert stats.funnel() == before
    assert (before["bids"], before["deal_amount"], before["engagements"]["completed"]) == (2, 90.0, 1)


def test_the_figures_are_the_events(ctx):
    """A completion event alone (no engagement row) is counted; its amount and verdicts are used."""
    record_event(EventKind.VALIDATION_COMPLETED, field_code="biomed", amount=42.5,
                 technical_verdict=Verdict.FEASIBLE, market_verdict=Verdict.INCONCLUSIVE)
    db.session.commit()
    figures = stats.funnel()
    assert figures["deal_amount"] == 42.5 and figures["engagements"]["completed"] == 1
    assert field_row(figures, "biomed")["completed_validations"]["market"]["inconclusive"] == 1
    assert figures["by_month"][-1]["validations_completed"] == 1


def test_by_month_counts_each_step_in_its_month(ctx):
    completed_world()
    old = db.session.scalar(sa.select(Event).where(Event.kind == EventKind.BID_SUBMITTED))
    old.created_at = utcnow() - timedelta(days=400)  # older than a year: in the totals only
    db.session.commit()
    figures = stats.funnel()
    months = figures["by_month"]
    latest = months[-1]
    assert (latest["validation_requests"], latest["bids"], latest["engagements_created"],
            latest["engagements_signed"], latest["validations_completed"], latest["deal_amount"]) == (1, 0, 1, 1, 1, 90.0)
    assert sum(m["bids"] for m in months) == 0 and figures["bids"] == 1
    assert all(m["deal_amount"] == 0 for m in months[:-1])
