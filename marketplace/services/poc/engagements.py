"""Engagements as their parties find them: a person's engagements, a pairing's validation state
(the next step the pairing page offers), and a center's bids."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from models import Bid, Engagement, EngagementStatus, Pairing, PairingStatus, User, ValidationRequest, db

from ..pagination import Page, paginate
from .parties import pairing_party
from .requests import current_request


def engagements_of(user: User, page: int, per_page: int, status: str = "") -> Page:
    """The engagements the user's organization is a party to (operators: all), newest first."""
    query = sa.select(Engagement).order_by(Engagement.created_at.desc(), Engagement.id.desc())
    if not user.is_admin:
        org = user.organization_id
        query = query.where(sa.or_(Engagement.enterprise_id == org, Engagement.institution_id == org,
                                   Engagement.center_id == org))
    if status in EngagementStatus.codes():
        query = query.where(Engagement.status == EngagementStatus(status))
    return paginate(query, page, per_page)


def bids_of_center(user: User, page: int, per_page: int) -> Page:
    """The bids of the user's center, newest first."""
    query = (sa.select(Bid).where(Bid.center_id == user.organization_id)
             .order_by(Bid.updated_at.desc(), Bid.id.desc()))
    return paginate(query, page, per_page)


@dataclass(frozen=True)
class ValidationState:
    """Where a connected pairing stands in the PoC stage, for its page and the workspaces."""

    request: ValidationRequest | None
    engagement: Engagement | None
    can_request: bool  # the viewer may open a validation request now


def engagement_of_pairing(pairing_id: int) -> Engagement | None:
    return db.session.scalar(sa.select(Engagement).where(Engagement.pairing_id == pairing_id))


def validation_state(viewer: User | None, pairing: Pairing) -> ValidationState:
    """The pairing's request and engagement, and whether the viewer may open a request."""
    request = current_request(pairing.id)
    engagement = engagement_of_pairing(pairing.id)
    can = (request is None and engagement is None and pairing.status is PairingStatus.CONNECTED
           and pairing_party(viewer, pairing) is not None and pairing.demand.is_published
           and pairing.result.is_published)
    return ValidationState(request, engagement, can)
