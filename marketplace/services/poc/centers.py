"""PoC centers' profiles: what a center covers and can take on, who may bid, and its record of
completed validations (read from the platform's own engagements, never typed in)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import (
    CenterProfile, CenterQualification, CenterService, Engagement, EngagementStatus, Field, Organization, OrgKind,
    QualificationKind, Role, User, ValidationReport, db,
)

from ..errors import FieldErrors, NotFound, PermissionDenied
from ..listings import DB_INT_MAX, REGION_MAX, clean_number, clean_text, given_list
from ..pagination import Page, paginate

SUMMARY_MAX = 2000
EQUIPMENT_MAX = 5000
QUALIFICATIONS_MAX = 20
CAPACITY_MAX = 1000
RUNNING = (EngagementStatus.AWAITING_SIGNATURES, EngagementStatus.ACTIVE, EngagementStatus.REPORT_SUBMITTED)
FIELDS = ("summary", "fields", "services", "equipment", "capacity", "fund_size", "typical_ticket", "region",
          "qualifications", "alert_min_fit")


@dataclass(frozen=True)
class CenterView:
    """A center as its public page shows it."""

    organization: Organization
    profile: CenterProfile | None
    running: int  # engagements in progress
    completed: list  # (engagement, report) pairs, newest first

    @property
    def free_capacity(self) -> int:
        return max(0, self.profile.capacity - self.running) if self.profile else 0


def get_center(center_id: int) -> Organization:
    """A center organization (anyone may look), else NotFound."""
    org = db.session.get(Organization, center_id) if 1 <= center_id <= DB_INT_MAX else None
    if org is None or org.kind is not OrgKind.CENTER:
        raise NotFound("概念验证中心不存在。")
    return org


def profile_of(center_id: int) -> CenterProfile | None:
    return db.session.get(CenterProfile, center_id)


def running_engagements(center_id: int) -> int:
    """Engagements of the center not yet completed (what its capacity counts)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Engagement).where(
        Engagement.center_id == center_id, Engagement.status.in_(RUNNING))) or 0


def completed_validations(center_id: int, limit: int = 20) -> list[tuple[Engagement, ValidationReport]]:
    """The center's completed engagements with their accepted reports, newest first."""
    rows = db.session.execute(
        sa.select(Engagement, ValidationReport).join(ValidationReport, ValidationReport.engagement_id == Engagement.id)
        .where(Engagement.center_id == center_id, Engagement.status == EngagementStatus.COMPLETED)
        .order_by(Engagement.completed_at.desc(), Engagement.id.desc()).limit(limit)).all()
    return [tuple(row) for row in rows]


def center_view(center_id: int) -> CenterView:
    """Everything the public page of a center shows."""
    org = get_center(center_id)
    return CenterView(org, profile_of(org.id), running_engagements(org.id), completed_validations(org.id))


def list_centers(page: int, per_page: int, field: str = "", service: str = "") -> Page:
    """Center organizations with a profile, verified first, then by name; optional field/service."""
    query = (sa.select(CenterProfile).join(Organization, Organization.id == CenterProfile.organization_id)
             .order_by(Organization.verified.desc(), Organization.name, Organization.id))
    found = paginate(query, page, per_page)
    if field or service:  # JSON lists: filtered here, over the (small) set of centers
        rows = [p for p in db.session.scalars(query)
                if (not field or field in p.fields) and (not service or service in p.services)]
        start = (page - 1) * per_page
        found = Page(items=rows[start:start + per_page], page=page, per_page=per_page, total=len(rows))
    return found


def _codes(data: Mapping, name: str, allowed: set[str], errors: FieldErrors, what: str) -> list[str]:
    raw = given_list(data, name)
    if isinstance(raw, str):
        raw = [part for part in raw.replace("，", ",").split(",") if part.strip()]
    if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
        errors.add(name, f"{what}应为代码列表。")
        return []
    codes = list(dict.fromkeys(code.strip() for code in raw))
    if not codes:
        errors.add(name, f"请至少选择一项{what}。")
    elif any(code not in allowed for code in codes):
        errors.add(name, f"未知的{what}：{'、'.join(c for c in codes if c not in allowed)}。")
    return codes


def _qualifications(data: Mapping, errors: FieldErrors) -> list[dict]:
    raw = given_list(data, "qualifications")
    if not isinstance(raw, list) or len(raw) > QUALIFICATIONS_MAX:
        errors.add("qualifications", f"资质应为列表，最多 {QUALIFICATIONS_MAX} 项。")
        return []
    cleaned = []
    for i, item in enumerate(raw):
        item = item if isinstance(item, Mapping) else {}
        try:
            kind = QualificationKind(str(item.get("kind") or "").strip())
        except ValueError:
            errors.add(f"qualifications.{i}.kind", "资质类型应为 cnas、cma 或 other。")
            kind = None
        number = clean_text(item, "number", sub := FieldErrors(), limit=60)
        scope = clean_text(item, "scope", sub, limit=300, required=False)
        for name, message in sub.fields.items():
            errors.add(f"qualifications.{i}.{name}", message)
        cleaned.append({"kind": kind, "number": number, "scope": scope})
    return cleaned


def _clean(data: Mapping[str, Any], current: CenterProfile | None) -> dict[str, Any]:
    values = {name: data[name] for name in FIELDS if name in data}
    if current is not None:
        for name in FIELDS:
            if name not in values:
                values[name] = ([{"kind": q.kind.value, "number": q.number, "scope": q.scope}
                                 for q in current.qualifications] if name == "qualifications"
                                else getattr(current, name))
    errors = FieldErrors()
    field_codes = set(db.session.scalars(sa.select(Field.code)))
    cleaned = {
        "summary": clean_text(values, "summary", errors, limit=SUMMARY_MAX),
        "fields": _codes(values, "fields", field_codes, errors, "技术领域"),
        "services": _codes(values, "services", set(CenterService.codes()), errors, "服务"),
        "equipment": clean_text(values, "equipment", errors, limit=EQUIPMENT_MAX, required=False),
        "fund_size": clean_number(values, "fund_size", errors, required=False),
        "typical_ticket": clean_number(values, "typical_ticket", errors, required=False),
        "region": clean_text(values, "region", errors, limit=REGION_MAX, required=False),
        "qualifications": _qualifications(values, errors),
    }
    capacity = values.get("capacity", 3)
    if isinstance(capacity, bool) or not str(capacity).strip().isdigit() or not 1 <= int(str(capacity)) <= CAPACITY_MAX:
        errors.add("capacity", f"同时承接的验证项目数应为 1–{CAPACITY_MAX} 的整数。")
    else:
        cleaned["capacity"] = int(str(capacity))
    fit = values.get("alert_min_fit", 0.3)
    try:
        fit = float(fit) if not isinstance(fit, bool) else -1.0
    except (TypeError, ValueError):
        fit = -1.0
    if not 0 <= fit <= 1:
        errors.add("alert_min_fit", "提醒阈值应为 0–1 之间的数。")
    cleaned["alert_min_fit"] = fit
    errors.raise_if_any("能力档案有误，请检查标出的字段。")
    return cleaned


def update_profile(actor: User, center_id: int, data: Mapping[str, Any]) -> CenterProfile:
    """The center's own staff create or edit its profile (PATCH semantics for existing ones)."""
    org = get_center(center_id)
    if actor is None or actor.role is not Role.CENTER or actor.organization_id != org.id:
        raise PermissionDenied("只有本中心的工作人员可以编辑能力档案。")
    profile = profile_of(org.id)
    cleaned = _clean(data, profile)
    if profile is None:
        profile = CenterProfile(organization_id=org.id)
        db.session.add(profile)
    qualifications = cleaned.pop("qualifications")
    for name, value in cleaned.items():
        setattr(profile, name, value)
    profile.qualifications = [CenterQualification(position=i, **q) for i, q in enumerate(qualifications)]
    db.session.flush()
    return profile
