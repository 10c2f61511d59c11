"""The validation report: only after every milestone is approved, only by the center; both parties
accept (or one sends it back); completion records the deal and the final listing states."""
import pytest
import sqlalchemy as sa

from marketplace.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from marketplace.services.poc import milestones, reports
from models import (
    DemandStatus, EngagementStatus, Event, EventKind, ReportStatus, ResultStatus, Role, Verdict, db,
)
from tests.factories import make_user
from tests.poc_factories import engage, make_world, sign_all

REPORT = {"technical_verdict": "feasible", "market_verdict": "feasible", "trl_before": 4, "trl_after": 6,
          "recommendation": "license", "summary": "样机达到预警提前 12 分钟，三家客户有采购意向。",
          "evidence": "附试验数据与访谈纪要。"}


@pytest.fixture
def delivered(ctx):
    """An active engagement whose milestones are all delivered and approved."""
    world = make_world()
    engagement, center = engage(world)
    sign_all(engagement, center)
    for milestone in engagement.milestones:
        milestones.submit_milestone(center, engagement.id, milestone.id, "交付")
        milestones.approve_milestone(world.enterprise, engagement.id, milestone.id)
    db.session.commit()
    return world, engagement, center


def test_a_report_before_every_milestone_is_approved_is_refused(ctx):
    world = make_world()
    engagement, center = engage(world)
    sign_all(engagement, center)
    milestones.submit_milestone(center, engagement.id, engagement.milestones[0].id, "交付")
    milestones.approve_milestone(world.enterprise, engagement.id, engagement.milestones[0].id)
    with pytest.raises(Conflict) as error:
        reports.file_report(center, engagement.id, REPORT)
    assert engagement.milestones[1].title in error.value.message
    db.session.rollback()
    assert reports.report_of(engagement) is None


def test_only_the_center_files_and_every_field_is_checked(delivered):
    world, engagement, center = delivered
    with pytest.raises(PermissionDenied):
        reports.file_report(world.enterprise, engagement.id, REPORT)
    with pytest.raises(ValidationFailed) as error:
        reports.file_report(center, engagement.id, REPORT | {"technical_verdict": "great", "trl_after": 10,
                                                             "recommendation": "", "summary": ""})
    assert set(error.value.fields) == {"technical_verdict", "trl_after", "recommendation", "summary"}


def test_both_parties_accept_and_the_engagement_completes(delivered):
    world, engagement, center = delivered
    reports.file_report(center, engagement.id, REPORT)
    db.session.commit()
    assert engagement.status is EngagementStatus.REPORT_SUBMITTED
    with pytest.raises(PermissionDenied):
        reports.accept_report(center, engagement.id)
    reports.accept_report(world.researcher, engagement.id)
    db.session.commit()
    assert engagement.status is EngagementStatus.REPORT_SUBMITTED
    with pytest.raises(Conflict):
        reports.accept_report(world.researcher, engagement.id)
    db.session.rollback()
    _, report = reports.accept_report(world.enterprise, engagement.id)
    db.session.commit()
    assert engagement.status is EngagementStatus.COMPLETED and engagement.deal_amount == 90
    assert report.status is ReportStatus.ACCEPTED
    assert world.pairing.demand.status is DemandStatus.FULFILLED
    assert world.pairing.result.status is ResultStatus.VALIDATED
    event = db.session.scalar(sa.select(Event).where(Event.kind == EventKind.VALIDATION_COMPLETED))
    assert (event.amount, event.technical_verdict, event.engagement_id) == (90, Verdict.FEASIBLE, engagement.id)
    with pytest.raises(Conflict):
        reports.return_report(world.enterprise, engagement.id, "再改改")


def test_sent_back_with_a_comment_then_filed_again(delivered):
    world, engagement, center = delivered
    reports.file_report(center, engagement.id, REPORT)
    reports.accept_report(world.enterprise, engagement.id)
    with pytest.raises(ValidationFailed):
        reports.return_report(world.researcher, engagement.id, "")
    with pytest.raises(ValidationFailed) as too_long:  # the contract's maxLength, spaces included
        reports.return_report(world.researcher, engagement.id, "\u00a0" + "样" * reports.COMMENT_MAX)
    assert "comment" in too_long.value.fields
    report = reports.return_report(world.researcher, engagement.id, "市场结论需补充访谈样本量。")
    db.session.commit()
    assert report.status is ReportStatus.RETURNED and report.enterprise_accepted_by_id is None
    assert engagement.status is EngagementStatus.ACTIVE
    with pytest.raises(Conflict):
        reports.accept_report(world.enterprise, engagement.id)
    db.session.rollback()
    again = reports.file_report(center, engagement.id, REPORT | {"market_verdict": "inconclusive"})
    db.session.commit()
    assert (again.revision, again.status, again.market_verdict) == (2, ReportStatus.SUBMITTED, Verdict.INCONCLUSIVE)


def test_outsiders_see_no_report_actions(delivered):
    _, engagement, center = delivered
    reports.file_report(center, engagement.id, REPORT)
    for outsider in (make_user(Role.ENTERPRISE), make_user(Role.CENTER)):
        with pytest.raises(NotFound):
            reports.accept_report(outsider, engagement.id)
    with pytest.raises(PermissionDenied):
        reports.accept_report(make_user(Role.ADMIN), engagement.id)
