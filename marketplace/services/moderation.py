"""Moderation: any signed-in user reports a listing or a message with a reason; an operator hides a
listing (it leaves lists, search, suggestions and alerts at once, through the match index's change
log), restores it, or dismisses the report. The owner of a hidden listing reads why and appeals by
editing it: the edit asks the operators to look again. Operators only, but for reporting."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import (
    DB_INT_MAX, Demand, DemandStatus, ListingKind, ModerationStatus, NotificationKind, PairingMessage, Report,
    ReportTarget, Result, ResultStatus, User, db, utcnow,
)

from . import audit, demands, pairings, results
from .activity import notify, organization_members, record_listing_change
from .compare_and_set import compare_and_set
from .errors import Conflict, FieldErrors, NotFound, ValidationFailed, require_operator
from .listings import stripped_text
from .pagination import paginate

REASON_MAX = 500
_RACE = "这条内容的状态刚被他人更改，请刷新后重试。"
_REPORT_RACE = "该举报刚被其他运营人员处理，请刷新后查看。"


@dataclass(frozen=True)
class Kind:
    """One kind of listing as moderation handles it."""

    target: ReportTarget
    model: type
    listing_kind: ListingKind
    hideable: tuple  # the statuses a listing may be hidden from
    hidden: Any
    noun: str
    endpoint: str  # its page, for links in notifications


KINDS = {
    "demand": Kind(ReportTarget.DEMAND, Demand, ListingKind.DEMAND, (DemandStatus.PUBLISHED, DemandStatus.CLOSED),
                   DemandStatus.HIDDEN, "需求", "/demands/"),
    "result": Kind(ReportTarget.RESULT, Result, ListingKind.RESULT, (ResultStatus.PUBLISHED, ResultStatus.WITHDRAWN),
                   ResultStatus.HIDDEN, "成果", "/results/"),
}


def _reason(raw: Any, field: str = "reason", required: str = "请写明原因。") -> str:
    errors = FieldErrors()
    text = stripped_text(raw, field, errors)
    if not text and required:
        errors.add(field, required)
    elif len(text) > REASON_MAX:
        errors.add(field, f"最多 {REASON_MAX} 个字符（当前 {len(text)}）。")
    errors.raise_if_any("请写明原因。")
    return text


def _kind(name: Any) -> Kind:
    if name not in KINDS:
        raise NotFound("内容不存在或无权查看。")
    return KINDS[name]


# --- reporting (any signed-in user) -----------------------------------------------------------

def _reported_object(actor: User, target: ReportTarget, target_id: int):
    """The object reported, if the reporter can see it (else NotFound: one cannot report, or learn
    of, what one cannot see); one's own organization's content is not reported but edited."""
    if not 1 <= target_id <= DB_INT_MAX:
        raise NotFound("内容不存在或无权查看。")
    if target is ReportTarget.DEMAND:
        obj = demands.get_demand(actor, target_id)
        own = obj.is_owned_by(actor)
    elif target is ReportTarget.RESULT:
        obj = results.get_result(actor, target_id)
        own = obj.is_owned_by(actor)
    else:
        obj = db.session.get(PairingMessage, target_id)
        if obj is None:
            raise NotFound("内容不存在或无权查看。")
        pairings.get_pairing(actor, obj.pairing_id)  # a party of the pairing (or an operator)
        own = obj.author_id == actor.id
    if own:
        raise Conflict("这是您（所在机构）自己的内容：请直接修改或删除。")
    return obj


def report(actor: User | None, data: dict) -> Report:
    """Report a demand, a result or a message (``kind``, ``id``) with a ``reason``; a second open
    report of the same target by the same user is a Conflict."""
    if actor is None:
        raise NotFound("页面不存在。")
    errors = FieldErrors()
    try:
        target = ReportTarget(str(data.get("kind") or ""))
    except ValueError:
        target = None
        errors.add("kind", "应为 demand、result 或 message。")
    raw_id = data.get("id")
    target_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else \
        int(raw_id) if isinstance(raw_id, str) and raw_id.isdigit() and len(raw_id) < 12 else None
    if target_id is None:
        errors.add("id", "应为内容的编号（整数）。")
    try:
        reason = _reason(data.get("reason"), required="请写明举报原因：运营人员据此核查。")
    except ValidationFailed as error:  # reported with the others
        errors.fields.update(error.fields)
        reason = ""
    errors.raise_if_any("举报未提交。")
    _reported_object(actor, target, target_id)
    duplicate = db.session.scalar(sa.select(Report.id).where(
        Report.reporter_id == actor.id, Report.target == target, Report.target_id == target_id,
        Report.status == ModerationStatus.OPEN))
    if duplicate is not None:
        raise Conflict("您已举报过这条内容，运营人员正在处理。")
    row = Report(reporter_id=actor.id, target=target, target_id=target_id, reason=reason)
    db.session.add(row)
    db.session.flush()
    return row


# --- the operators' side ----------------------------------------------------------------------

def list_reports(actor: User | None, status: str, page: int, per_page: int):
    """Reports, oldest open first (``status``: open, actioned, dismissed; anything else: all)."""
    require_operator(actor)
    query = sa.select(Report)
    if status in ModerationStatus.codes():
        query = query.where(Report.status == ModerationStatus(status))
    return paginate(query.order_by(Report.status != ModerationStatus.OPEN, Report.created_at, Report.id), page,
                    per_page)


def hidden_listings(actor: User | None, limit: int = 50) -> list:
    """Hidden listings, appealed ones first (the owner edited them since), then the latest hidden."""
    require_operator(actor)
    found = []
    for kind in KINDS.values():
        found += list(db.session.scalars(sa.select(kind.model).where(kind.model.status == kind.hidden)
                                         .order_by(kind.model.hidden_at.desc()).limit(limit)).unique())
    return sorted(found, key=lambda row: (row.appealed_at is None, -(row.appealed_at or row.hidden_at).timestamp()))[:limit]


def target_of(report_row: Report):
    """The reported object (None when it has since been deleted)."""
    model = {ReportTarget.DEMAND: Demand, ReportTarget.RESULT: Result, ReportTarget.MESSAGE: PairingMessage}
    return db.session.get(model[report_row.target], report_row.target_id)


def _resolve(actor: User, report_row: Report, status: ModerationStatus, note: str) -> None:
    audit.label(report_row, f"report.{'dismiss' if status is ModerationStatus.DISMISSED else 'action'}", note, actor)
    compare_and_set(report_row, _REPORT_RACE, Report.status == ModerationStatus.OPEN,
                    status=status, resolved_at=utcnow(), resolved_by_id=actor.id, resolution_note=note)


def dismiss(actor: User | None, report_id: int, note: Any) -> Report:
    """Close a report without action (the content stays), with a note for the log."""
    require_operator(actor)
    row = db.session.get(Report, report_id) if 1 <= report_id <= DB_INT_MAX else None
    if row is None:
        raise NotFound("举报不存在。")
    text = _reason(note, "note", required="")
    if row.status is not ModerationStatus.OPEN:
        raise Conflict(_REPORT_RACE)
    _resolve(actor, row, ModerationStatus.DISMISSED, text)
    return row


def _moderated(actor: User | None, kind_name: Any, listing_id: int):
    """(kind, listing) an operator moderates; NotFound for anyone else and for no such listing."""
    require_operator(actor)
    kind = _kind(kind_name)
    listing = db.session.get(kind.model, listing_id) if 1 <= listing_id <= DB_INT_MAX else None
    if listing is None:
        raise NotFound("内容不存在。")
    return kind, listing


def _owners(listing) -> list[User]:
    return organization_members(listing.organization_id)


def hide(actor: User | None, kind_name: Any, listing_id: int, reason: Any):
    """Hide a listing with the reason its owner reads: it leaves every list, search, suggestion and
    alert at once; its open reports are settled as actioned."""
    kind, listing = _moderated(actor, kind_name, listing_id)
    note = _reason(reason, required="请写明隐藏原因：发布方会看到它。")
    if listing.status not in kind.hideable:
        raise Conflict(f"{kind.noun}当前为“{listing.status.label}”，不能隐藏。")
    audit.label(listing, f"{kind.listing_kind.value}.hide", note, actor)
    compare_and_set(listing, _RACE, kind.model.status == listing.status, status=kind.hidden, hidden_at=utcnow(),
                    hidden_reason=note, hidden_from=listing.status.value, appealed_at=None)
    record_listing_change(kind.listing_kind, listing.id)
    for row in db.session.scalars(sa.select(Report).where(Report.target == kind.target, Report.target_id == listing.id,
                                                          Report.status == ModerationStatus.OPEN)):
        _resolve(actor, row, ModerationStatus.ACTIONED, note)
    notify(_owners(listing), NotificationKind.MODERATION,
           f"您的{kind.noun}“{listing.title}”已被平台隐藏，原因：{note}。修改内容后将提交运营人员复核。",
           f"{kind.endpoint}{listing.id}")
    return listing


def restore(actor: User | None, kind_name: Any, listing_id: int, note: Any = None):
    """Show a hidden listing again, in the status it had."""
    kind, listing = _moderated(actor, kind_name, listing_id)
    text = _reason(note, required="")
    if listing.status is not kind.hidden:
        raise Conflict(f"{kind.noun}当前未被隐藏。")
    back = type(listing.status)(listing.hidden_from or kind.hideable[0].value)
    audit.label(listing, f"{kind.listing_kind.value}.restore", text, actor)
    compare_and_set(listing, _RACE, kind.model.status == kind.hidden, status=back, hidden_at=None,
                    hidden_reason="", hidden_from=None, appealed_at=None)
    record_listing_change(kind.listing_kind, listing.id)
    notify(_owners(listing), NotificationKind.MODERATION,
           f"您的{kind.noun}“{listing.title}”已恢复显示。", f"{kind.endpoint}{listing.id}")
    return listing


def open_report_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report)
                             .where(Report.status == ModerationStatus.OPEN)) or 0
