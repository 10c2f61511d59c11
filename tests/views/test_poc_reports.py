"""The validation report from the web: not before every milestone is approved, errors on their
fields, accepted by both parties (completing the engagement with its deal amount) or sent back
with a comment; nobody else answers it."""
from __future__ import annotations

from models import (
    DemandStatus, Engagement, EngagementStatus, ReportStatus, ResultStatus, Role, ValidationReport, db,
)
from tests.factories import make_user
from tests.poc_factories import engage, make_world
from tests.poc_web import activate, approve_all, browser, count, post, text

REPORT = {"technical_verdict": "feasible", "market_verdict": "inconclusive", "trl_before": "4", "trl_after": "6",
          "recommendation": "pilot", "summary": "技术可行，建议进入中试。", "evidence": "CNAS 检测报告 2026-031"}


def active(ctx):
    world = make_world()
    engagement, center = engage(world)
    activate(engagement, center)
    return world, engagement, center


def report_url(engagement, action: str = "") -> str:
    return f"/engagements/{engagement.id}/report" + (f"/{action}" if action else "")


def test_a_report_before_every_milestone_is_approved_is_refused(ctx):
    world, engagement, center = active(ctx)
    web = browser(ctx, center)
    assert 'action="%s"' % report_url(engagement) not in text(web.get(f"/engagements/{engagement.id}"))
    response = post(web, report_url(engagement), **REPORT)
    assert response.status_code == 302
    assert "所有里程碑验收通过后才能提交验证报告" in text(web.get(response.headers["Location"]))
    assert count(ValidationReport) == 0  # count() rolls back: what follows is read afresh
    assert db.session.get(Engagement, engagement.id).status is EngagementStatus.ACTIVE


def test_report_errors_show_on_their_fields_and_only_the_center_files(ctx):
    world, engagement, center = active(ctx)
    approve_all(engagement, center, world.enterprise)
    web = browser(ctx, center)
    assert 'action="%s"' % report_url(engagement) in text(web.get(f"/engagements/{engagement.id}"))
    bad = post(web, report_url(engagement), **(REPORT | {"trl_after": "12", "market_verdict": "", "summary": ""}))
    body = text(bad)
    assert bad.status_code == 422 and "1–9 的整数" in body.split('name="trl_after"')[1][:300]
    assert "此项必填" in body.split('name="summary"')[1][:400]
    assert post(browser(ctx, world.enterprise), report_url(engagement), **REPORT).status_code == 403
    assert post(browser(ctx, make_user(Role.CENTER)), report_url(engagement), **REPORT).status_code == 404
    assert web.post(report_url(engagement), data=REPORT).status_code == 400
    assert count(ValidationReport) == 0


def test_both_parties_accept_and_the_engagement_completes_with_its_deal_amount(ctx):
    world, engagement, center = active(ctx)
    approve_all(engagement, center, world.researcher)
    assert post(browser(ctx, center), report_url(engagement), **REPORT).status_code == 302
    enterprise = browser(ctx, world.enterprise)
    page = text(enterprise.get(f"/engagements/{engagement.id}"))
    assert "TRL 4 → 6" in page and "进入中试" in page and "确认验证报告" in page and "尚无定论" in page
    assert post(browser(ctx, center), report_url(engagement, "accept")).status_code == 403
    assert post(enterprise, report_url(engagement, "accept")).status_code == 302
    db.session.rollback()
    assert db.session.get(Engagement, engagement.id).status is EngagementStatus.REPORT_SUBMITTED
    assert "本方已确认，等待另一方确认" in text(enterprise.get(f"/engagements/{engagement.id}"))
    assert post(browser(ctx, world.researcher), report_url(engagement, "accept")).status_code == 302
    db.session.rollback()
    done = db.session.get(Engagement, engagement.id)
    assert done.status is EngagementStatus.COMPLETED and done.deal_amount == 90
    assert world.pairing.demand.status is DemandStatus.FULFILLED
    assert world.pairing.result.status is ResultStatus.VALIDATED
    final = text(enterprise.get(f"/engagements/{engagement.id}"))
    assert "概念验证已完成" in final and "成交金额 90 万元" in final and "确认验证报告" not in final


def test_sending_the_report_back_needs_a_comment_and_reopens_it_for_the_center(ctx):
    world, engagement, center = active(ctx)
    approve_all(engagement, center, world.enterprise)
    post(browser(ctx, center), report_url(engagement), **REPORT)
    researcher = browser(ctx, world.researcher)
    silent = post(researcher, report_url(engagement, "return"), comment="")
    assert silent.status_code == 422 and "请说明退回的原因" in text(silent)
    db.session.rollback()
    assert db.session.scalar(db.select(ValidationReport)).status is ReportStatus.SUBMITTED
    assert post(researcher, report_url(engagement, "return"), comment="请补充市场访谈原始记录").status_code == 302
    db.session.rollback()
    assert db.session.scalar(db.select(ValidationReport)).status is ReportStatus.RETURNED
    assert db.session.get(Engagement, engagement.id).status is EngagementStatus.ACTIVE
    page = text(browser(ctx, center).get(f"/engagements/{engagement.id}"))
    assert "请补充市场访谈原始记录" in page and "修改并重新提交报告" in page and 'value="4"' in page
