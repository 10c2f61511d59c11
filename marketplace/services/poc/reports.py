"""The validation report: once every milestone is approved the center files the double verdict,
TRL before and after, a recommendation, a summary and the evidence; both parties accept it (or
one sends it back with a comment). The second acceptance completes the engagement, records the
deal amount and moves the demand and the result to their final states."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from models import (
    Engagement, EngagementStatus, EventKind, MilestoneStatus, NotificationKind, Party, Recommendation, ReportStatus,
    User, ValidationReport, Verdict, db, utcnow,
)

from .. import demands, results
from ..activity import notify, record_event
from ..compare_and_set import compare_and_set
from ..errors import Conflict, FieldErrors, NotFound
from ..listings import clean_choice, clean_text, clean_trl
from .parties import engagement_members, get_engagement, require_party

SUMMARY_MAX = 10_000
COMMENT_MAX = 2000  # a returned report's comment, as a milestone's (the contract's CommentInput)
ACCEPTED_BY = {Party.ENTERPRISE: ValidationReport.enterprise_accepted_by_id,
               Party.INSTITUTION: ValidationReport.institution_accepted_by_id}


def report_of(engagement: Engagement) -> ValidationReport | None:
    return db.session.scalar(sa.select(ValidationReport).where(ValidationReport.engagement_id == engagement.id))


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    errors = FieldErrors()
    cleaned = {
        "technical_verdict": clean_choice(Verdict, data, "technical_verdict", errors),
        "market_verdict": clean_choice(Verdict, data, "market_verdict", errors),
        "trl_before": clean_trl(data, "trl_before", errors),
        "trl_after": clean_trl(data, "trl_after", errors),
        "recommendation": clean_choice(Recommendation, data, "recommendation", errors),
        "summary": clean_text(data, "summary", errors, limit=SUMMARY_MAX),
        "evidence": clean_text(data, "evidence", errors, limit=SUMMARY_MAX, required=False),
    }
    errors.raise_if_any("验证报告有误，请检查标出的字段。")
    return cleaned


def _set_status(engagement: Engagement, expected: EngagementStatus, status: EngagementStatus, **values) -> None:
    compare_and_set(engagement, "验证项目状态已变化，请刷新页面。", Engagement.status == expected, status=status, **values)


def file_report(actor: User, engagement_id: int, data: Mapping[str, Any]) -> ValidationReport:
    """The center files (or, after it was sent back, re-files) the report."""
    engagement = get_engagement(actor, engagement_id)
    require_party(actor, engagement, Party.CENTER, doing="提交验证报告")
    if engagement.status is not EngagementStatus.ACTIVE:
        raise Conflict(f"验证项目当前为“{engagement.status.label}”，不能提交报告。")
    waiting = [m.title for m in engagement.milestones if m.status is not MilestoneStatus.APPROVED]
    if waiting:
        raise Conflict("所有里程碑验收通过后才能提交验证报告；尚未通过：" + "、".join(waiting) + "。")
    cleaned = _clean(data)
    report = report_of(engagement)
    if report is None:
        report = ValidationReport(engagement_id=engagement.id, filed_by_id=actor.id, **cleaned)
        db.session.add(report)
    else:
        for name, value in cleaned.items():
            setattr(report, name, value)
        report.revision += 1
        report.status, report.filed_by_id, report.filed_at = ReportStatus.SUBMITTED, actor.id, utcnow()
        report.enterprise_accepted_by_id = report.institution_accepted_by_id = None
    _set_status(engagement, EngagementStatus.ACTIVE, EngagementStatus.REPORT_SUBMITTED)
    db.session.flush()
    notify(engagement_members(engagement, Party.ENTERPRISE, Party.INSTITUTION), NotificationKind.REPORT_UPDATE,
           f"{engagement.center.name} 提交了验证报告：技术{report.technical_verdict.label}、市场"
           f"{report.market_verdict.label}，建议{report.recommendation.label}。请确认。", f"/engagements/{engagement.id}")
    return report


def _submitted_report(actor: User, engagement_id: int, doing: str) -> tuple[Engagement, ValidationReport, Party]:
    engagement = get_engagement(actor, engagement_id)
    party = require_party(actor, engagement, Party.ENTERPRISE, Party.INSTITUTION, doing=doing)
    report = report_of(engagement)
    if report is None:
        raise NotFound("还没有验证报告。")
    if engagement.status is not EngagementStatus.REPORT_SUBMITTED or report.status is not ReportStatus.SUBMITTED:
        raise Conflict(f"验证报告当前为“{report.status.label}”，不能再{doing}。")
    return engagement, report, party


def accept_report(actor: User, engagement_id: int) -> tuple[Engagement, ValidationReport]:
    """One party accepts; the second acceptance completes the engagement."""
    engagement, report, party = _submitted_report(actor, engagement_id, "确认")
    column = ACCEPTED_BY[party]
    compare_and_set(report, f"{party.label}已确认过这份报告。", ValidationReport.status == ReportStatus.SUBMITTED,
                    column.is_(None), **{column.key: actor.id})
    if report.enterprise_accepted_by_id and report.institution_accepted_by_id:
        _complete(engagement, report)
    return engagement, report


def _complete(engagement: Engagement, report: ValidationReport) -> None:
    now = utcnow()
    amount = engagement.bid.total_cost
    report.status, report.accepted_at = ReportStatus.ACCEPTED, now
    _set_status(engagement, EngagementStatus.REPORT_SUBMITTED, EngagementStatus.COMPLETED,
                completed_at=now, deal_amount=amount)
    pairing = engagement.pairing
    for lifecycle, listing in ((demands.LIFECYCLE, pairing.demand), (results.LIFECYCLE, pairing.result)):
        if listing.status is not lifecycle.final:
            lifecycle.finish(listing)
    record_event(EventKind.VALIDATION_COMPLETED, demand_id=pairing.demand_id, result_id=pairing.result_id,
                 pairing_id=pairing.id, field_code=pairing.demand.field_code, request_id=engagement.request_id,
                 bid_id=engagement.bid_id, engagement_id=engagement.id, amount=amount,
                 technical_verdict=report.technical_verdict, market_verdict=report.market_verdict)
    notify(engagement_members(engagement), NotificationKind.REPORT_UPDATE,
           f"验证报告已获双方确认，概念验证完成：{pairing.result.title}（合同金额 {amount:,.2f} 万元）。",
           f"/engagements/{engagement.id}")


def return_report(actor: User, engagement_id: int, comment) -> ValidationReport:
    """A party sends the report back to the center with a comment; the engagement is active again."""
    engagement, report, party = _submitted_report(actor, engagement_id, "退回")
    raw = str(comment or "")
    note = raw.strip()
    errors = FieldErrors()
    if not note:
        errors.add("comment", "请说明退回的原因。")
    elif len(raw) > COMMENT_MAX:  # as sent: the contract's maxLength counts the spaces around it too
        errors.add("comment", f"最多 {COMMENT_MAX:,} 个字符。")
    errors.raise_if_any()
    report.status, report.return_comment = ReportStatus.RETURNED, note
    report.enterprise_accepted_by_id = report.institution_accepted_by_id = None
    _set_status(engagement, EngagementStatus.REPORT_SUBMITTED, EngagementStatus.ACTIVE)
    notify(engagement_members(engagement, Party.CENTER), NotificationKind.REPORT_UPDATE,
           f"{party.label}退回了验证报告：{note}", f"/engagements/{engagement.id}")
    return report
