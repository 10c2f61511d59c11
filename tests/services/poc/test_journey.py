"""The whole proof-of-concept journey through the services: request, two bids, selection,
signatures, milestones, report, completion — and what each step records."""
import io

import sqlalchemy as sa
from flask import current_app

from marketplace.services.poc import agreements, comparison, milestones, reports, selection
from marketplace.services.poc.uploads import UploadStore
from models import (
    BidStatus, DemandStatus, EngagementStatus, Event, EventKind, MilestoneStatus, PaymentStatus, RequestStatus,
    ResultStatus, db,
)
from tests.factories import PASSWORD
from tests.poc_factories import SECRET, make_bid, make_center, make_world


def kinds() -> list[EventKind]:
    return list(db.session.scalars(sa.select(Event.kind).order_by(Event.id)))


def test_the_whole_journey(ctx, tmp_path):
    world = make_world()
    first, second = make_center(), make_center()
    bid_a = make_bid(first, world)
    bid_b = make_bid(second, world, total_cost=80, milestones=[
        {"title": "样机验证", "deliverable": "样机与测试报告", "due_week": 10, "payment": 50},
        {"title": "市场调研", "deliverable": "市场可行性报告", "due_week": 20, "payment": 30}])
    table = comparison.compare_bids(world.enterprise, world.request.id)
    assert [b.id for b in table.bids] == [bid_a.id, bid_b.id]
    cost = next(r for r in table.rows if r.key == "total_cost")
    assert cost.differs and cost.best == 1

    waiting = selection.accept_bid(world.enterprise, bid_b.id)
    assert waiting.status == "awaiting_other_party"
    engaged = selection.accept_bid(world.researcher, bid_b.id)
    db.session.commit()
    engagement = engaged.engagement
    assert engagement.status is EngagementStatus.AWAITING_SIGNATURES
    assert db.session.get(type(bid_a), bid_a.id).status is BidStatus.REJECTED
    assert db.session.get(type(bid_b), bid_b.id).status is BidStatus.ACCEPTED
    assert world.request.status is RequestStatus.ENGAGED

    for user in (world.enterprise, world.researcher, second):
        agreements.sign_agreement(user, engagement.id, PASSWORD, SECRET)
    db.session.commit()
    assert engagement.status is EngagementStatus.ACTIVE
    assert all(m.due_on is not None for m in engagement.milestones)
    assert [c.valid for c in agreements.verify_chain()] == [True]

    store = UploadStore(tmp_path, 1024 * 1024)
    for milestone in engagement.milestones:
        milestones.submit_milestone(second, engagement.id, milestone.id, "交付物说明",
                                    io.BytesIO(b"%PDF-1.7 test"), "report.pdf", store)
        milestones.approve_milestone(world.researcher, engagement.id, milestone.id, "通过")
        milestones.mark_paid(world.enterprise, engagement.id, milestone.id)
    db.session.commit()
    assert all(m.status is MilestoneStatus.APPROVED and m.payment_status is PaymentStatus.PAID
               for m in engagement.milestones)
    assert milestones.progress(engagement).paid == 80

    reports.file_report(second, engagement.id, {
        "technical_verdict": "feasible", "market_verdict": "inconclusive", "trl_before": 4, "trl_after": 6,
        "recommendation": "pilot", "summary": "技术可行，建议进入中试。"})
    reports.accept_report(world.enterprise, engagement.id)
    reports.accept_report(world.researcher, engagement.id)
    db.session.commit()
    assert engagement.status is EngagementStatus.COMPLETED and engagement.deal_amount == 80
    assert world.pairing.demand.status is DemandStatus.FULFILLED
    assert world.pairing.result.status is ResultStatus.VALIDATED
    assert kinds()[-6:] == [EventKind.VALIDATION_REQUESTED, EventKind.BID_SUBMITTED, EventKind.BID_SUBMITTED,
                            EventKind.ENGAGEMENT_CREATED, EventKind.ENGAGEMENT_ACTIVATED,
                            EventKind.VALIDATION_COMPLETED]
    assert current_app  # the services ran inside the test's app context only
