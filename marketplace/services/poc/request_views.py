"""Read models of validation requests for the web pages: one request with what the viewer may see
and do (its bids, the parties' choices, whether and why the viewer's center cannot bid)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from models import Bid, BidStatus, Engagement, Party, RequestStatus, Role, User, ValidationRequest, db

from ..errors import DomainError
from ..disclosure import needs_undertaking
from ..visibility import Disclosure, disclosure, list_disclosure
from .bids import bids_on, check_can_bid
from .parties import get_request, pairing_party
from ...localtime import local_today


@dataclass(frozen=True)
class RequestPage:
    """A validation request as one viewer sees it."""

    request: ValidationRequest
    party: Party | None  # the viewer's side of the pairing (None: a center or an operator)
    demand_shown: Disclosure  # a confidential demand: title, field and summary only
    bids: list[Bid]  # parties and operators: all; a center: its own
    choices: dict[Party, int | None]  # the bid each party has accepted so far
    engagement: Engagement | None
    bidding_open: bool  # open and the deadline not passed
    own_bid: Bid | None  # the viewer's center's live bid
    bid_refusal: str | None  # why the viewer's center cannot bid now (None: it can, or not a center)
    needs_undertaking: bool = False  # a center may sign the confidentiality undertaking to read details
    reads_details: bool = False  # the viewer may open the confidential demand's details

    @property
    def is_party(self) -> bool:
        return self.party is not None

    def accepted_by(self, bid: Bid) -> list[Party]:
        """The parties that have accepted this bid."""
        return [party for party, chosen in self.choices.items() if chosen == bid.id]

    @property
    def my_choice(self) -> int | None:
        return self.choices.get(self.party) if self.party else None


def _refusal(viewer: User, request: ValidationRequest, bidding_open: bool) -> str | None:
    """Why the viewer's center cannot bid on the request now (None: it can)."""
    try:
        check_can_bid(viewer)
    except DomainError as refused:
        return refused.message
    if request.status is not RequestStatus.OPEN:
        return f"验证请求当前为“{request.status.label}”，不再接受方案。"
    if not bidding_open:
        return f"方案征集已于 {request.bid_deadline:%Y-%m-%d} 截止。"
    return None


def request_page(viewer: User, request_id: int, today: date | None = None) -> RequestPage:
    """The request (NotFound unless the viewer may see it) with what the viewer may do."""
    request = get_request(viewer, request_id)
    party = pairing_party(viewer, request.pairing)
    bids = bids_on(viewer, request)
    bidding_open = request.accepts_bids_on(today or local_today())
    is_center = viewer.role is Role.CENTER
    own = next((b for b in bids if is_center and b.center_id == viewer.organization_id
                and b.status in (BidStatus.SUBMITTED, BidStatus.ACCEPTED)), None)
    engagement = db.session.scalar(sa.select(Engagement).where(Engagement.request_id == request.id))
    return RequestPage(
        request=request, party=party, demand_shown=list_disclosure(request.pairing.demand, viewer), bids=bids,
        choices={Party.ENTERPRISE: request.enterprise_choice_id, Party.INSTITUTION: request.institution_choice_id},
        engagement=engagement, bidding_open=bidding_open, own_bid=own,
        bid_refusal=_refusal(viewer, request, bidding_open) if is_center and own is None else None,
        needs_undertaking=needs_undertaking(request.pairing.demand, viewer),
        reads_details=disclosure(request.pairing.demand, viewer).details)
