"""How well an open validation request suits a center, with the reasons: the center's fields and
services against what must be verified, the matcher over the pair's public text against the
center's profile text, region and free capacity. Used to rank requests for a center and to tell
fitting centers when a request opens."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from models import (
    CenterProfile, CenterService, Field, ListingKind, Organization, RequestStatus, Role, User, ValidationNeed,
    ValidationRequest, db,
)

from ..match_index import MatchIndex, doc_id
from ..pagination import Page
from .centers import running_engagements

TERMS_FOR_FULL_FIT = 4
WEIGHTS = {"field": 0.35, "services": 0.25, "text": 0.25, "region": 0.1, "capacity": 0.05}
NEEDED_SERVICES = {
    ValidationNeed.TECHNICAL: (CenterService.TECHNICAL_VALIDATION,),
    ValidationNeed.MARKET: (CenterService.MARKET_VALIDATION,),
    ValidationNeed.BOTH: (CenterService.TECHNICAL_VALIDATION, CenterService.MARKET_VALIDATION),
}


@dataclass
class RequestFit:
    """A request for one center: fit 0–1 and the reasons a person reads."""

    request: ValidationRequest
    fit: float
    reasons: list[str] = field(default_factory=list)
    can_bid: bool = True

    @property
    def percent(self) -> int:
        return round(100 * self.fit)


def _field_names() -> dict[str, str]:
    return dict(db.session.execute(sa.select(Field.code, Field.name_zh)).all())


def profile_text(profile: CenterProfile, names: dict[str, str]) -> dict:
    """The center as a matcher query: its summary, equipment, services and field names."""
    services = [CenterService(code).label for code in profile.services if code in CenterService.codes()]
    fields = [names.get(code, code) for code in profile.fields]
    return {"id": None, "title": "", "keywords": fields + services,
            "text": "\n".join([profile.summary, profile.equipment, "、".join(services), "、".join(fields)])}


def _text_relevance(index: MatchIndex | None, query: dict, request: ValidationRequest) -> tuple[float, list[str]]:
    """How much of the center's profile the pair's indexed texts speak of (0–1), and the terms they
    share: the matcher's explanation of each listing for the profile, counted in distinct
    meaningful shared terms (``TERMS_FOR_FULL_FIT`` of them is a full text fit). An absolute count,
    so a request's fit does not change because other listings appear."""
    if index is None:
        return 0.0, []
    matcher = index.ready()
    terms: list[str] = []
    pairing = request.pairing
    for key in (doc_id(ListingKind.DEMAND, pairing.demand_id), doc_id(ListingKind.RESULT, pairing.result_id)):
        if key in matcher:
            explanation = matcher.explain(query, key).explanation or {}
            terms += [t["term"] for t in explanation.get("terms", [])
                      if len(t["term"]) > 1 and not any(c.isdigit() for c in t["term"])]
    shared = list(dict.fromkeys(terms))
    return min(1.0, len(shared) / TERMS_FOR_FULL_FIT), shared[:5]


def request_fit(profile: CenterProfile, request: ValidationRequest, index: MatchIndex | None,
                names: dict[str, str] | None = None, running: int | None = None) -> RequestFit:
    """Score one request for one center."""
    names = names if names is not None else _field_names()
    demand = request.pairing.demand
    reasons, score = [], 0.0
    if demand.field_code in profile.fields:
        score += WEIGHTS["field"]
        reasons.append(f"覆盖领域：{names.get(demand.field_code, demand.field_code)}")
    needed = NEEDED_SERVICES[request.needs]
    offered = [s for s in needed if s.value in profile.services]
    score += WEIGHTS["services"] * len(offered) / len(needed)
    if offered:
        reasons.append("提供所需服务：" + "、".join(s.label for s in offered))
    missing = [s for s in needed if s not in offered]
    if missing:
        reasons.append("缺少所需服务：" + "、".join(s.label for s in missing))
    text, terms = _text_relevance(index, profile_text(profile, names), request)
    score += WEIGHTS["text"] * text
    if terms:
        reasons.append("专业相关：" + "、".join(terms))
    region = profile.region.strip()
    if region and (region[:2] in (demand.organization.region or "") or region[:2] in (demand.region or "")):
        score += WEIGHTS["region"]
        reasons.append(f"同一地区：{region}")
    running = running_engagements(profile.organization_id) if running is None else running
    free = profile.capacity - running
    if free > 0:
        score += WEIGHTS["capacity"]
    else:
        reasons.append(f"当前已满负荷（{running}/{profile.capacity} 个项目），暂不能投标")
    return RequestFit(request, round(min(score, 1.0), 4), reasons, can_bid=free > 0)


def open_requests_for(center: User, index: MatchIndex | None, page: int, per_page: int) -> Page:
    """Open requests, best fit to the viewer's center first (ties: newest first)."""
    query = (sa.select(ValidationRequest).where(ValidationRequest.status == RequestStatus.OPEN)
             .order_by(ValidationRequest.id.desc()))
    requests = list(db.session.scalars(query).unique())
    profile = db.session.get(CenterProfile, center.organization_id)
    if profile is None:
        fits = [RequestFit(r, 0.0, ["完善能力档案后按匹配度排序"], can_bid=False) for r in requests]
    else:
        names, running = _field_names(), running_engagements(profile.organization_id)
        fits = sorted((request_fit(profile, r, index, names, running) for r in requests),
                      key=lambda f: (-f.fit, -f.request.id))
    start = (page - 1) * per_page
    return Page(items=fits[start:start + per_page], page=page, per_page=per_page, total=len(fits))


def fitting_centers(request: ValidationRequest, index: MatchIndex | None) -> list[tuple[CenterProfile, RequestFit]]:
    """Verified centers with capacity whose fit reaches their own alert threshold."""
    profiles = db.session.scalars(
        sa.select(CenterProfile).join(Organization, Organization.id == CenterProfile.organization_id)
        .where(Organization.verified.is_(True))).all()
    names = _field_names()
    found = []
    for profile in profiles:
        fit = request_fit(profile, request, index, names)
        if fit.can_bid and fit.fit >= profile.alert_min_fit:
            found.append((profile, fit))
    return found


def center_members(center_id: int) -> list[User]:
    """Active center staff of one center."""
    return list(db.session.scalars(sa.select(User).where(
        User.organization_id == center_id, User.role == Role.CENTER, User.is_active.is_(True)).order_by(User.id)))
