"""What the workspaces show of the proof-of-concept stage: for a center, the open requests that fit
it best, its bids and its engagements with what is due next; for the enterprise and the
researcher, their engagements, their open requests and the connected pairings that could be
opened to PoC centers."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from models import (
    Bid, BidStatus, CenterProfile, Demand, DemandStatus, Engagement, Pairing, PairingStatus, RequestStatus, Result,
    ResultStatus, User, ValidationRequest, db,
)

from ..match_index import MatchIndex
from ..pagination import Page, page_rows
from ..pairing_views import organization_pairings
from .engagements import bids_of_center, engagements_of
from .fit import open_requests_for
from .milestones import Progress, progress
from .parties import live_bid_count

SHOWN = 5  # requests that fit, shown on the center's workspace
LISTED = 10  # bids, engagements and pairings shown on a workspace


@dataclass(frozen=True)
class CenterWorkspace:
    profile: CenterProfile | None
    fits: Page  # of RequestFit, best first
    bids: Page
    engagements: Page
    progress: dict[int, Progress]  # engagement id → progress
    bid_on: set[int]  # the fitting requests the center has a live bid on


@dataclass(frozen=True)
class PartyWorkspace:
    engagements: Page
    progress: dict[int, Progress]
    open_requests: list[tuple[ValidationRequest, int]]  # with the number of live bids
    awaiting: list[Pairing]  # connected pairings the viewer may open to centers now


def _progress(engagements: Page) -> dict[int, Progress]:
    return {e.id: progress(e) for e in engagements.items}


def live_bids_on(user: User, request_ids) -> set[int]:
    """Which of the requests the user's center has a live bid on."""
    ids = list(request_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Bid.request_id).where(
        Bid.center_id == user.organization_id, Bid.request_id.in_(ids),
        Bid.status.in_([BidStatus.SUBMITTED, BidStatus.ACCEPTED]))))


def center_workspace(user: User, index: MatchIndex | None) -> CenterWorkspace:
    """A center's workspace: fitting requests (top 5), its bids and engagements."""
    engagements, fits = engagements_of(user, 1, LISTED), open_requests_for(user, index, 1, SHOWN)
    return CenterWorkspace(db.session.get(CenterProfile, user.organization_id), fits, bids_of_center(user, 1, LISTED),
                           engagements, _progress(engagements), live_bids_on(user, (f.request.id for f in fits.items)))


def _own_pairings(user: User):
    return sa.select(Pairing).where(organization_pairings(user.organization_id))


def _awaiting_request(user: User):
    """Connected pairings of the user's organization that could open a validation request — no
    request but cancelled ones, no engagement, both listings still published (what
    ``validation_state(...).can_request`` says of one pairing), newest first, in one query."""
    live_request = sa.exists().where(ValidationRequest.pairing_id == Pairing.id,
                                     ValidationRequest.status != RequestStatus.CANCELLED)
    engaged = sa.exists().where(Engagement.pairing_id == Pairing.id)
    return (_own_pairings(user)
            .where(Pairing.status == PairingStatus.CONNECTED, ~live_request, ~engaged,
                   Pairing.demand_id.in_(sa.select(Demand.id).where(Demand.status == DemandStatus.PUBLISHED)),
                   Pairing.result_id.in_(sa.select(Result.id).where(Result.status == ResultStatus.PUBLISHED)))
            .order_by(Pairing.updated_at.desc(), Pairing.id.desc()))


def party_workspace(user: User) -> PartyWorkspace:
    """An enterprise's or researcher's PoC section: engagements, open requests, pairings to open."""
    engagements = engagements_of(user, 1, LISTED)
    requests = list(db.session.scalars(
        sa.select(ValidationRequest).where(ValidationRequest.status == RequestStatus.OPEN,
                                           ValidationRequest.pairing_id.in_(
                                               _own_pairings(user).with_only_columns(Pairing.id)))
        .order_by(ValidationRequest.id.desc()).limit(LISTED)).unique())
    awaiting = page_rows(_awaiting_request(user), LISTED, 0)
    return PartyWorkspace(engagements, _progress(engagements), [(r, live_bid_count(r)) for r in requests],
                          awaiting)
