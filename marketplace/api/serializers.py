"""JSON shapes of the API's resources (field names fixed by the contract in docs/api.md)."""
from __future__ import annotations

from datetime import date, datetime

from models import Demand, Organization, Result, User
from ..services.visibility import Disclosure, list_disclosure, redacted


def iso(value) -> str | None:
    """ISO 8601; datetimes are UTC with a Z."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat() if isinstance(value, date) else None


def organization_json(org: Organization) -> dict:
    return {"id": org.id, "name": org.name, "kind": org.kind.value, "region": org.region,
            "verified": org.verified}


def organization_review_json(org: Organization) -> dict:
    """An organization as its operators review it: the public fields, the review's state and the
    reason the organization reads, and the organization its name looks like."""
    return organization_json(org) | {
        "review_status": org.review_status, "review_note": org.review_note, "rejected_at": iso(org.rejected_at),
        "similar_to": {"id": org.similar_to.id, "name": org.similar_to.name} if org.similar_to else None}


def user_json(user: User) -> dict:
    return {"id": user.id, "email": user.email, "display_name": user.display_name,
            "role": user.role.value, "organization": organization_json(user.organization)}


def demand_json(demand: Demand, viewer: User | None, shown: Disclosure | None = None) -> dict:
    """A demand as ``viewer`` may see it (services/visibility.py decides). Confidential details
    reach a non-owner only through ``shown`` of a logged read (GET one); lists pass none."""
    shown = shown or list_disclosure(demand, viewer)
    data = {
        "id": demand.id, "title": demand.title, "summary": demand.summary, "field": demand.field_code,
        "description": demand.description, "keywords": list(demand.keywords),
        "budget_min": demand.budget_min, "budget_max": demand.budget_max,
        "deadline": iso(demand.deadline), "cooperation_mode": demand.cooperation_mode.value,
        "trl_target": demand.trl_target, "region": demand.region, "visibility": demand.visibility.value,
        "status": demand.status.value, "created_at": iso(demand.created_at),
        "updated_at": iso(demand.updated_at), "published_at": iso(demand.published_at),
        "organization": organization_json(demand.organization) if shown.organization else None,
        "details_restricted": not shown.details,
    }
    return redacted(data, shown)


def result_json(result: Result, viewer: User | None = None) -> dict:
    return {
        "id": result.id, "title": result.title, "abstract": result.abstract, "field": result.field_code,
        "keywords": list(result.keywords), "trl": result.trl, "maturity": result.maturity.value,
        "patents": [{"number": p.number, "status": p.status.value} for p in result.patents],
        "transfer_modes": list(result.transfer_modes), "asking_price": result.asking_price,
        "region": result.region, "status": result.status.value,
        "organization": organization_json(result.organization),
        "created_at": iso(result.created_at), "updated_at": iso(result.updated_at),
        "published_at": iso(result.published_at),
    }
