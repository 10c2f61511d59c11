"""JSON shapes of the proof-of-concept stage: centers, validation requests, bids, comparisons
(engagements, agreements and reports are in ``poc_engagement_serializers``). Money in 万元, times
ISO 8601 UTC. A confidential demand shows a non-owner only its title, field and summary here too."""
from __future__ import annotations

from models import Bid, BidRevision, CenterProfile, Organization, User, ValidationRequest
from ..services.poc.centers import CenterView
from ..services.poc.comparison import Comparison
from ..services.poc.fit import RequestFit
from ..services.poc.parties import pairing_party
from ..services.poc.terms import terms_of
from ..services.visibility import list_disclosure, redacted
from .serializers import iso, organization_json


def named(org: Organization) -> dict:
    """An organization as a party of the PoC stage: {id, name}."""
    return {"id": org.id, "name": org.name}


def _qualifications(profile: CenterProfile | None) -> list[dict]:
    return [{"kind": q.kind.value, "number": q.number, "scope": q.scope}
            for q in (profile.qualifications if profile else [])]


def center_json(org: Organization, profile: CenterProfile | None, running: int,
                completed: list | None = None) -> dict:
    """A center's public profile; ``completed`` (engagement, report) pairs only on the detail."""
    data = {
        "id": org.id, "name": org.name, "organization": organization_json(org), "verified": org.verified,
        "has_profile": profile is not None,
        "summary": profile.summary if profile else "", "fields": list(profile.fields) if profile else [],
        "services": list(profile.services) if profile else [], "qualifications": _qualifications(profile),
        "equipment": profile.equipment if profile else "", "capacity": profile.capacity if profile else 0,
        "running_engagements": running,
        "free_capacity": max(0, profile.capacity - running) if profile else 0,
        "fund_size": profile.fund_size if profile else None,
        "typical_ticket": profile.typical_ticket if profile else None,
        "region": profile.region if profile else "",
        "updated_at": iso(profile.updated_at) if profile else None,
    }
    if completed is not None:
        data["completed_validations"] = [completed_json(engagement, report) for engagement, report in completed]
    return data


def center_view_json(view: CenterView) -> dict:
    """The detail of a center, with its completed validations (from the platform's records)."""
    return center_json(view.organization, view.profile, view.running, view.completed)


def completed_json(engagement, report) -> dict:
    """One completed validation on a center's profile: what was validated and the verdicts."""
    result = engagement.pairing.result
    return {"engagement_id": engagement.id, "result": {"id": result.id, "title": result.title},
            "field": engagement.pairing.demand.field_code,
            "technical_verdict": report.technical_verdict.value, "market_verdict": report.market_verdict.value,
            "trl_before": report.trl_before, "trl_after": report.trl_after,
            "recommendation": report.recommendation.value, "completed_at": iso(engagement.completed_at)}


def _demand_part(demand, viewer: User | None) -> dict:
    """The demand of a request as lists show it (visibility.list_disclosure): a confidential
    demand's details are empty for everyone but its owner."""
    shown = list_disclosure(demand, viewer)
    return redacted({
        "id": demand.id, "title": demand.title, "field": demand.field_code, "summary": demand.summary,
        "visibility": demand.visibility.value, "description": demand.description,
        "keywords": list(demand.keywords), "budget_min": demand.budget_min, "budget_max": demand.budget_max,
        "deadline": iso(demand.deadline), "cooperation_mode": demand.cooperation_mode.value,
        "trl_target": demand.trl_target, "region": demand.region,
        "organization": named(demand.organization) if shown.organization else None,
        "details_restricted": not shown.details,
    }, shown)


def request_json(request: ValidationRequest, viewer: User | None) -> dict:
    """A validation request; the two parties also see which bid each of them has accepted."""
    pairing = request.pairing
    result = pairing.result
    data = {
        "id": request.id, "pairing_id": pairing.id, "status": request.status.value, "needs": request.needs.value,
        "budget_cap": request.budget_cap, "deadline": iso(request.bid_deadline),
        "max_duration_months": request.max_duration_months, "notes": request.notes,
        "created_at": iso(request.created_at),
        "closed_at": iso(request.closed_at),
        "demand": _demand_part(pairing.demand, viewer),
        "result": {"id": result.id, "title": result.title, "field": result.field_code, "trl": result.trl,
                   "organization": named(result.organization)},
    }
    if viewer is not None and (viewer.is_admin or pairing_party(viewer, pairing) is not None):
        data["opened_by_id"] = request.opened_by_id  # a person of either side: not for centers' eyes
        data["choices"] = {"enterprise": request.enterprise_choice_id, "institution": request.institution_choice_id}
    return data


def fit_json(found: RequestFit, viewer: User) -> dict:
    """An open request for a center: the request, its fit (0–1) and why."""
    return request_json(found.request, viewer) | {
        "fit": found.fit, "percent": found.percent, "fit_reasons": list(found.reasons), "can_bid": found.can_bid}


def bid_json(bid: Bid) -> dict:
    """A bid with its terms in the shape of ``terms.terms_of`` (what revisions and agreements hold)."""
    request = bid.request
    return {
        "id": bid.id, "request_id": bid.request_id, "pairing_id": request.pairing_id,
        "center": named(bid.center), "status": bid.status.value, "revision": bid.revision,
        **terms_of(bid),
        "submitted_by_id": bid.submitted_by_id, "created_at": iso(bid.created_at), "updated_at": iso(bid.updated_at),
        "accepted_by": {"enterprise": request.enterprise_choice_id == bid.id,
                        "institution": request.institution_choice_id == bid.id},
    }


def revision_json(revision: BidRevision) -> dict:
    """One stored revision of a bid's terms."""
    return {"bid_id": revision.bid_id, "revision": revision.revision, "terms": revision.terms,
            "author_id": revision.author_id, "created_at": iso(revision.created_at)}


def comparison_json(table: Comparison) -> dict:
    """The bids side by side: one row per term, values in bid order, ``best`` an index into ``bids``."""
    return {
        "request_id": table.request.id, "bids": [bid_json(b) for b in table.bids],
        "rows": [{"key": row.key, "label": row.label, "values": list(row.values), "differs": row.differs,
                  "best": row.best, "best_bid_id": table.bids[row.best].id if row.best is not None else None}
                 for row in table.rows],
    }


def listed(items: list, page: int, per_page: int, serialize, **extra) -> dict:
    """A short in-memory list in the API's envelope (bids of a request, revisions of a bid)."""
    start = (page - 1) * per_page
    return {"items": [serialize(item) for item in items[start:start + per_page]], "page": page,
            "per_page": per_page, "total": len(items), **extra}
