"""Milestones of an active engagement: the center delivers (text and optionally a file), the
enterprise or the institution approves or sends it back with a comment; approval makes the
milestone's payment due, and the paying party records it paid (payment tracking, no gateway)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

import sqlalchemy as sa

from models import (
    Engagement, EngagementStatus, FundingModel, Milestone, MilestoneStatus, MilestoneSubmission, NotificationKind,
    Party, PaymentStatus, User, db, utcnow,
)

from ..activity import notify
from ..compare_and_set import compare_and_set
from ..errors import Conflict, FieldErrors, NotFound
from ..listings import DB_INT_MAX
from .parties import engagement_members, get_engagement, require_party
from .uploads import StoredFile, UploadStore
from ...localtime import local_date, local_today

TEXT_MAX = 5000
COMMENT_MAX = 2000


def _milestone(actor: User, engagement_id: int, milestone_id: int) -> tuple[Engagement, Milestone]:
    engagement = get_engagement(actor, engagement_id)
    milestone = db.session.get(Milestone, milestone_id) if 1 <= milestone_id <= DB_INT_MAX else None
    if milestone is None or milestone.engagement_id != engagement.id:
        raise NotFound("里程碑不存在。")
    return engagement, milestone


def _text(value, name: str, limit: int, required: bool) -> str:
    text = str(value or "").strip()
    errors = FieldErrors()
    if required and not text:
        errors.add(name, "此项必填。")
    elif len(text) > limit:
        errors.add(name, f"最多 {limit:,} 个字符。")
    errors.raise_if_any()
    return text


def _move(milestone: Milestone, expected: tuple[MilestoneStatus, ...], **values) -> None:
    """Compare-and-set the milestone's status (two answers at once: the second is a Conflict)."""
    compare_and_set(milestone, "里程碑状态已变化，请刷新页面。", Milestone.status.in_(expected), **values)


def _link(engagement: Engagement) -> str:
    return f"/engagements/{engagement.id}"


def submit_milestone(actor: User, engagement_id: int, milestone_id: int, text, upload: BinaryIO | None = None,
                     file_name: str = "", store: UploadStore | None = None) -> MilestoneSubmission:
    """The center delivers a milestone (again after it was sent back)."""
    engagement, milestone = _milestone(actor, engagement_id, milestone_id)
    require_party(actor, engagement, Party.CENTER, doing="提交里程碑成果")
    if engagement.status is not EngagementStatus.ACTIVE:
        raise Conflict(f"验证项目当前为“{engagement.status.label}”，不能提交里程碑。")
    if milestone.status not in (MilestoneStatus.PENDING, MilestoneStatus.REJECTED):
        raise Conflict(f"里程碑当前为“{milestone.status.label}”，不能再提交。")
    body = _text(text, "deliverable", TEXT_MAX, required=True)
    stored: StoredFile | None = store.save(upload, file_name) if upload is not None and store is not None else None
    try:
        _move(milestone, (MilestoneStatus.PENDING, MilestoneStatus.REJECTED), status=MilestoneStatus.SUBMITTED)
        submission = MilestoneSubmission(milestone_id=milestone.id, text=body, submitted_by_id=actor.id,
                                         **(stored.__dict__ if stored else {}))
        db.session.add(submission)
        db.session.flush()
    except Exception:
        if stored is not None:
            store.discard(stored.stored_name)
        raise
    notify(engagement_members(engagement, Party.ENTERPRISE, Party.INSTITUTION), NotificationKind.ENGAGEMENT_UPDATE,
           f"{engagement.center.name} 提交了里程碑“{milestone.title}”，请验收。", _link(engagement))
    return submission


def _decide(actor: User, engagement_id: int, milestone_id: int, decision: MilestoneStatus,
            comment) -> Milestone:
    engagement, milestone = _milestone(actor, engagement_id, milestone_id)
    require_party(actor, engagement, Party.ENTERPRISE, Party.INSTITUTION, doing="验收里程碑")
    if milestone.status is not MilestoneStatus.SUBMITTED:
        raise Conflict(f"里程碑当前为“{milestone.status.label}”，没有待验收的成果。")
    note = _text(comment, "comment", COMMENT_MAX, required=decision is MilestoneStatus.REJECTED)
    values = {"status": decision}
    if decision is MilestoneStatus.APPROVED:
        values["payment_status"] = PaymentStatus.DUE if milestone.payment > 0 else PaymentStatus.PAID
    _move(milestone, (MilestoneStatus.SUBMITTED,), **values)
    latest = milestone.submissions[-1]
    latest.decision, latest.decided_by_id, latest.decided_at, latest.comment = decision, actor.id, utcnow(), note
    verb = "通过验收" if decision is MilestoneStatus.APPROVED else "被退回修改"
    notify(engagement_members(engagement, Party.CENTER), NotificationKind.ENGAGEMENT_UPDATE,
           f"里程碑“{milestone.title}”{verb}" + (f"：{note}" if note else "。"), _link(engagement))
    return milestone


def approve_milestone(actor: User, engagement_id: int, milestone_id: int, comment="") -> Milestone:
    """The enterprise or the institution accepts the delivery; its payment becomes due."""
    return _decide(actor, engagement_id, milestone_id, MilestoneStatus.APPROVED, comment)


def reject_milestone(actor: User, engagement_id: int, milestone_id: int, comment) -> Milestone:
    """The enterprise or the institution sends the delivery back, saying why."""
    return _decide(actor, engagement_id, milestone_id, MilestoneStatus.REJECTED, comment)


def payer(engagement: Engagement) -> Party:
    """Who pays the milestones: the enterprise, or the center from its fund (grant, 先投后股)."""
    return Party.ENTERPRISE if engagement.bid.funding_model is FundingModel.ENTERPRISE_PAYS else Party.CENTER


def mark_paid(actor: User, engagement_id: int, milestone_id: int) -> Milestone:
    """The paying party records that a due payment was made."""
    engagement, milestone = _milestone(actor, engagement_id, milestone_id)
    require_party(actor, engagement, payer(engagement), doing="登记付款")
    compare_and_set(milestone, "这笔款项当前不是“应付”状态。", Milestone.payment_status == PaymentStatus.DUE,
                    payment_status=PaymentStatus.PAID, paid_at=utcnow())
    notify(engagement_members(engagement), NotificationKind.ENGAGEMENT_UPDATE,
           f"里程碑“{milestone.title}”的款项 {milestone.payment:,.2f} 万元已登记为已付。", _link(engagement))
    return milestone


def submission_file(viewer: User, submission_id: int, store: UploadStore) -> tuple[MilestoneSubmission, str]:
    """A deliverable's file for one of the three parties or an operator (others: NotFound)."""
    submission = db.session.get(MilestoneSubmission, submission_id) if 1 <= submission_id <= DB_INT_MAX else None
    if submission is None or not submission.stored_name:
        raise NotFound("文件不存在。")
    get_engagement(viewer, submission.milestone.engagement_id)
    return submission, str(store.path(submission.stored_name))


@dataclass(frozen=True)
class Progress:
    """Where an engagement stands: milestones done, money paid, due and outstanding, what is next."""

    approved: int
    total: int
    paid: float
    due: float
    outstanding: float
    next_milestone: Milestone | None
    overdue: list[Milestone]


def progress(engagement: Engagement, today: date | None = None) -> Progress:
    """The progress view's figures."""
    today = today or local_today()
    ms = engagement.milestones
    by = {status: sum(m.payment for m in ms if m.payment_status is status) for status in PaymentStatus}
    upcoming = [m for m in ms if m.status is not MilestoneStatus.APPROVED]
    return Progress(sum(m.status is MilestoneStatus.APPROVED for m in ms), len(ms), by[PaymentStatus.PAID],
                    by[PaymentStatus.DUE], by[PaymentStatus.NOT_DUE], upcoming[0] if upcoming else None,
                    [m for m in ms if m.is_overdue_on(today)])


def flag_overdue(now: datetime | None = None) -> list[Milestone]:
    """Milestones past due and not delivered: the three parties are told once (cron-safe)."""
    now = now or utcnow()
    found = list(db.session.scalars(
        sa.select(Milestone).join(Engagement, Engagement.id == Milestone.engagement_id)
        .where(Engagement.status == EngagementStatus.ACTIVE, Milestone.due_on < local_date(now),
               Milestone.status.in_([MilestoneStatus.PENDING, MilestoneStatus.REJECTED]),
               Milestone.overdue_notified_at.is_(None)).order_by(Milestone.id).limit(500)).unique())
    flagged = []
    for milestone in found:
        done = db.session.execute(sa.update(Milestone).where(Milestone.id == milestone.id,
                                                             Milestone.overdue_notified_at.is_(None))
                                  .values(overdue_notified_at=now).execution_options(synchronize_session=False))
        if done.rowcount != 1:  # another worker's sweep flagged it meanwhile
            continue
        flagged.append(milestone)
        engagement = milestone.engagement
        notify(engagement_members(engagement), NotificationKind.MILESTONE_OVERDUE,
               f"里程碑“{milestone.title}”已于 {milestone.due_on:%Y-%m-%d} 到期尚未交付：{engagement.pairing.result.title}。",
               _link(engagement))
    return flagged
