"""Who is who in the proof-of-concept stage — the enterprise (the demand's organization), the
institution (the result's) and the center (the bid's) — and who may see a request or an
engagement (everyone else gets a NotFound: no existence leak)."""
from __future__ import annotations

from models import Bid, BidStatus, Engagement, Pairing, Party, RequestStatus, Role, User, ValidationRequest, db

from ..activity import organization_members
from ..errors import NotFound, PermissionDenied
from ..listings import DB_INT_MAX

NOT_FOUND = "内容不存在或无权查看。"


def pairing_party(user: User | None, pairing: Pairing) -> Party | None:
    """The user's side of a pairing: the enterprise or the institution (None: neither)."""
    if user is None:
        return None
    if user.organization_id == pairing.demand.organization_id:
        return Party.ENTERPRISE
    if user.organization_id == pairing.result.organization_id:
        return Party.INSTITUTION
    return None


def engagement_party(user: User | None, engagement: Engagement) -> Party | None:
    """The user's party in an engagement (None: not one of the three)."""
    if user is None:
        return None
    return {engagement.enterprise_id: Party.ENTERPRISE, engagement.institution_id: Party.INSTITUTION,
            engagement.center_id: Party.CENTER}.get(user.organization_id)


def party_organization(engagement: Engagement, party: Party) -> int:
    """The organization of one party of the engagement."""
    return {Party.ENTERPRISE: engagement.enterprise_id, Party.INSTITUTION: engagement.institution_id,
            Party.CENTER: engagement.center_id}[party]


def pairing_members(pairing: Pairing) -> list[User]:
    """The active accounts of both sides of a pairing."""
    return (organization_members(pairing.demand.organization_id)
            + organization_members(pairing.result.organization_id))


def engagement_members(engagement: Engagement, *parties: Party) -> list[User]:
    """The active accounts of the given parties (all three when none is given)."""
    return [user for party in (parties or tuple(Party))
            for user in organization_members(party_organization(engagement, party))]


def _get(model, object_id: int):
    found = db.session.get(model, object_id) if 1 <= object_id <= DB_INT_MAX else None
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def has_bid_on(center_id: int, request: ValidationRequest) -> bool:
    """The center has bid on the request (in any state)."""
    return db.session.scalar(db.select(Bid.id).where(Bid.request_id == request.id,
                                                     Bid.center_id == center_id).limit(1)) is not None


def can_see_request(viewer: User | None, request: ValidationRequest) -> bool:
    """The two parties and operators always; centers while it is open, or once they bid on it."""
    if viewer is None:
        return False
    if viewer.is_admin or pairing_party(viewer, request.pairing) is not None:
        return True
    return viewer.role is Role.CENTER and (request.status is RequestStatus.OPEN
                                           or has_bid_on(viewer.organization_id, request))


def get_request(viewer: User | None, request_id: int) -> ValidationRequest:
    """A validation request the viewer may see, else NotFound."""
    request = _get(ValidationRequest, request_id)
    if not can_see_request(viewer, request):
        raise NotFound(NOT_FOUND)
    return request


def get_bid(viewer: User | None, bid_id: int) -> Bid:
    """A bid: its center, the two parties of its request and operators see it; others NotFound."""
    bid = _get(Bid, bid_id)
    if viewer is None or not (viewer.is_admin or viewer.organization_id == bid.center_id
                              or pairing_party(viewer, bid.request.pairing) is not None):
        raise NotFound(NOT_FOUND)
    return bid


def get_engagement(viewer: User | None, engagement_id: int) -> Engagement:
    """An engagement: the three parties and operators see it; others NotFound."""
    engagement = _get(Engagement, engagement_id)
    if viewer is None or not (viewer.is_admin or engagement_party(viewer, engagement) is not None):
        raise NotFound(NOT_FOUND)
    return engagement


def require_party(actor: User, engagement: Engagement, *parties: Party, doing: str) -> Party:
    """The actor's party, which must be one of ``parties`` (an operator or another party: 403)."""
    party = engagement_party(actor, engagement)
    if party not in parties:
        who = "、".join(p.label for p in parties)
        raise PermissionDenied(f"只有{who}可以{doing}。")
    return party


def live_bid_count(request: ValidationRequest) -> int:
    """Bids on the request that are still in the running."""
    return db.session.scalar(db.select(db.func.count()).select_from(Bid).where(
        Bid.request_id == request.id, Bid.status == BidStatus.SUBMITTED)) or 0
