"""Demands: create, edit, publish/close, delete drafts, visibility and disclosure."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models import (
    CooperationMode,
    Demand,
    DemandStatus,
    EventKind,
    ListingKind,
    Role,
    User,
    Visibility,
    db,
)

from .activity import record_listing_change
from .errors import Conflict, FieldErrors, NotFound, PermissionDenied
from .listings import (
    appeal_if_hidden,
    REGION_MAX,
    SUMMARY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Lifecycle,
    clean_choice,
    clean_date,
    clean_field,
    clean_keywords,
    clean_number,
    clean_text,
    clean_trl,
    get_listing,
    merged,
    require_owner,
)
from ..localtime import local_today

FIELDS = ("title", "description", "summary", "field", "keywords", "budget_min", "budget_max",
          "deadline", "cooperation_mode", "trl_target", "region", "visibility")

# The one transition table of the demand life-cycle.
TRANSITIONS: dict[DemandStatus, frozenset[DemandStatus]] = {
    DemandStatus.DRAFT: frozenset({DemandStatus.PUBLISHED}),
    DemandStatus.PUBLISHED: frozenset({DemandStatus.CLOSED}),
    DemandStatus.CLOSED: frozenset({DemandStatus.PUBLISHED}),
    DemandStatus.FULFILLED: frozenset(),  # final; reached only through an accepted validation report
    DemandStatus.HIDDEN: frozenset(),  # an operator hid it; only an operator restores it (services/moderation.py)
}
LIFECYCLE = Lifecycle("需求", ListingKind.DEMAND, TRANSITIONS, DemandStatus.DRAFT, DemandStatus.PUBLISHED,
                      EventKind.DEMAND_PUBLISHED, "关闭", DemandStatus.FULFILLED)


def can_view(demand: Demand, viewer: User | None) -> bool:
    """Drafts and hidden demands only to the owner's organization and operators; the rest to everyone."""
    if demand.status not in (DemandStatus.DRAFT, DemandStatus.HIDDEN):
        return True
    return viewer is not None and (demand.is_owned_by(viewer) or viewer.is_admin)


def get_demand(viewer: User | None, demand_id: int) -> Demand:
    """The demand if ``viewer`` may see it, else NotFound."""
    demand = get_listing(Demand, demand_id)
    if not can_view(demand, viewer):
        raise NotFound("内容不存在或无权查看。")
    return demand


def get_editable_demand(actor: User | None, demand_id: int) -> Demand:
    """The demand if ``actor``'s organization owns it (404 if unseen, 403 if not theirs)."""
    demand = get_listing(Demand, demand_id)
    require_owner(actor, demand, can_view(demand, actor))
    return demand


def _clean(data: Mapping[str, Any], current: Demand | None, publishing: bool) -> dict[str, Any]:
    values = merged(current, data, FIELDS)
    errors = FieldErrors()
    cleaned = {
        "title": clean_text(values, "title", errors, limit=TITLE_MAX),
        "description": clean_text(values, "description", errors, limit=TEXT_MAX),
        "summary": clean_text(values, "summary", errors, limit=SUMMARY_MAX, required=False),
        "field_code": clean_field(values, errors, current.field_code if current else None),
        "keywords": clean_keywords(values, errors),
        "budget_min": clean_number(values, "budget_min", errors),
        "budget_max": clean_number(values, "budget_max", errors),
        "deadline": clean_date(values, "deadline", errors),
        "cooperation_mode": clean_choice(CooperationMode, values, "cooperation_mode", errors),
        "trl_target": clean_trl(values, "trl_target", errors),
        "region": clean_text(values, "region", errors, limit=REGION_MAX, required=False),
        "visibility": clean_choice(Visibility, values, "visibility", errors),
    }
    low, high = cleaned["budget_min"], cleaned["budget_max"]
    if low is not None and high is not None and low > high:
        errors.add("budget_max", "预算上限不能低于下限。")
    deadline = cleaned["deadline"]
    # An unchanged deadline is not re-checked (the edit form sends every field back), except when
    # publishing: a demand must not go (back) on the list with a deadline that has passed.
    deadline_checked = current is None or publishing or deadline != current.deadline
    if deadline is not None and deadline_checked and deadline <= local_today():
        errors.add("deadline", "截止日期必须晚于今天。")
    if cleaned["visibility"] is Visibility.CONFIDENTIAL and not cleaned["summary"]:
        errors.add("summary", "保密需求须填写公开摘要。")
    errors.raise_if_any()
    return cleaned


def _wanted_status(data: Mapping[str, Any]) -> DemandStatus | None:
    if "status" not in data or data["status"] in (None, ""):
        return None
    errors = FieldErrors()
    status = clean_choice(DemandStatus, data, "status", errors)
    errors.raise_if_any()
    return status


def create_demand(actor: User, data: Mapping[str, Any]) -> Demand:
    """A new demand of the actor's enterprise; a draft unless ``status`` says published."""
    if actor.role is not Role.ENTERPRISE:
        raise PermissionDenied("只有企业账号可以发布需求。")
    status = _wanted_status(data) or DemandStatus.DRAFT
    if status not in (DemandStatus.DRAFT, DemandStatus.PUBLISHED):
        raise Conflict("新需求只能保存为草稿或直接发布。", {"status": "只能为 draft 或 published。"})
    cleaned = _clean(data, None, publishing=status is DemandStatus.PUBLISHED)
    demand = Demand(**cleaned, organization_id=actor.organization_id, created_by_id=actor.id,
                    status=DemandStatus.DRAFT)
    db.session.add(demand)
    if status is DemandStatus.PUBLISHED:
        LIFECYCLE.move(demand, status)
    db.session.flush()
    record_listing_change(ListingKind.DEMAND, demand.id)
    return demand


def update_demand(actor: User, demand_id: int, data: Mapping[str, Any]) -> Demand:
    """Edit fields and/or move the status (PATCH semantics: absent fields keep their value)."""
    demand = get_editable_demand(actor, demand_id)
    status = _wanted_status(data)
    LIFECYCLE.check_request(demand, status, editing=any(name in data for name in FIELDS))
    publishing = status is DemandStatus.PUBLISHED and demand.status is not status
    if any(name in data for name in FIELDS) or publishing:
        for name, value in _clean(data, demand, publishing).items():
            setattr(demand, name, value)
        appeal_if_hidden(demand, "需求", f"/demands/{demand.id}")
        LIFECYCLE.touch(demand)
    if status is not None and status is not demand.status:
        LIFECYCLE.move(demand, status)
    db.session.flush()
    record_listing_change(ListingKind.DEMAND, demand.id)
    return demand


def change_demand_status(actor: User, demand_id: int, status: DemandStatus,
                         expected: DemandStatus | None = None) -> Demand:
    """Publish, close or reopen a demand; with ``expected``, only from that status (a stale button is a Conflict)."""
    demand = get_editable_demand(actor, demand_id)
    LIFECYCLE.expect(demand, expected)
    return update_demand(actor, demand_id, {"status": status.value})


def confirm_demand(actor: User, demand_id: int) -> Demand:
    """The owners confirm a published demand is still current (services/freshness.py)."""
    demand = get_editable_demand(actor, demand_id)
    LIFECYCLE.confirm(demand)
    return demand


def delete_demand(actor: User, demand_id: int) -> None:
    """Delete a draft; published demands are closed instead, so nothing is lost."""
    demand = get_editable_demand(actor, demand_id)
    LIFECYCLE.delete_draft(demand)

