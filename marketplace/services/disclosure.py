"""Tiered disclosure of confidential demands: the one-click confidentiality undertaking, who may
read the full details, and the access log of every such read (the owner reads it)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    Bid, ConfidentialityUndertaking, Demand, DisclosureLog, Organization, Pairing, PairingStatus, RequestStatus,
    Result, Role, User, ValidationRequest, Visibility, db,
)

from .pagination import Page, paginate

CHANNELS = ("web", "api")


def has_undertaking(demand: Demand, organization_id: int) -> bool:
    """The organization accepted the confidentiality undertaking for this demand."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(ConfidentialityUndertaking).where(
        ConfidentialityUndertaking.demand_id == demand.id,
        ConfidentialityUndertaking.organization_id == organization_id)) > 0


def pairing_statuses(demand: Demand, organization_id: int) -> set[PairingStatus]:
    """The statuses of the organization's pairings (as the result side) on this demand."""
    return set(db.session.scalars(
        sa.select(Pairing.status).join(Result, Pairing.result_id == Result.id)
        .where(Pairing.demand_id == demand.id, Result.organization_id == organization_id)))


def center_involved(demand: Demand, organization_id: int) -> bool:
    """A PoC center that may need the details to bid: the demand has an open validation request,
    or the center has bid on one of its requests."""
    on_demand = sa.select(ValidationRequest.id).join(Pairing, Pairing.id == ValidationRequest.pairing_id).where(
        Pairing.demand_id == demand.id)
    open_request = on_demand.where(ValidationRequest.status == RequestStatus.OPEN)
    own_bid = on_demand.join(Bid, Bid.request_id == ValidationRequest.id).where(Bid.center_id == organization_id)
    return db.session.scalar(sa.select(sa.exists(open_request) | sa.exists(own_bid)))


def can_read_details(demand: Demand, viewer: User | None) -> bool:
    """The owner always; others only with the undertaking accepted and either a CONNECTED pairing
    on it or, for a PoC center, an open validation request of it or a bid on one."""
    if demand.is_owned_by(viewer):
        return True
    if viewer is None or not has_undertaking(demand, viewer.organization_id):
        return False
    if viewer.role is Role.CENTER:
        return center_involved(demand, viewer.organization_id)
    return PairingStatus.CONNECTED in pairing_statuses(demand, viewer.organization_id)


def needs_undertaking(demand: Demand, viewer: User | None) -> bool:
    """The viewer's side has a live pairing on this confidential demand but no undertaking yet."""
    if viewer is None or demand.visibility is not Visibility.CONFIDENTIAL or demand.is_owned_by(viewer):
        return False
    if has_undertaking(demand, viewer.organization_id):
        return False
    if viewer.role is Role.CENTER:
        return center_involved(demand, viewer.organization_id)
    live = {PairingStatus.PROPOSED, PairingStatus.CONNECTED}
    return bool(live & pairing_statuses(demand, viewer.organization_id))


def log_detail_read(demand: Demand, viewer: User | None, channel: str) -> DisclosureLog | None:
    """Append a read of a confidential demand's details by a non-owner to the access log."""
    if viewer is None or demand.visibility is not Visibility.CONFIDENTIAL or demand.is_owned_by(viewer):
        return None
    entry = DisclosureLog(demand_id=demand.id, user_id=viewer.id, organization_id=viewer.organization_id,
                          channel=channel if channel in CHANNELS else "web")
    db.session.add(entry)
    return entry


def record_undertaking(demand: Demand, actor: User) -> tuple[ConfidentialityUndertaking, bool]:
    """Insert the organization's undertaking once (a concurrent double click finds the first);
    also says whether this call created it."""
    existing = _undertaking(demand.id, actor.organization_id)
    if existing is not None:
        return existing, False
    undertaking = ConfidentialityUndertaking(demand_id=demand.id, organization_id=actor.organization_id,
                                             user_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(undertaking)
            db.session.flush()
    except IntegrityError:
        return _undertaking(demand.id, actor.organization_id), False
    return undertaking, True


def _undertaking(demand_id: int, organization_id: int) -> ConfidentialityUndertaking | None:
    return db.session.scalar(sa.select(ConfidentialityUndertaking).where(
        ConfidentialityUndertaking.demand_id == demand_id,
        ConfidentialityUndertaking.organization_id == organization_id))


def access_log_page(demand: Demand, page: int, per_page: int) -> Page:
    """The demand's access log, newest first, each entry with its organization's name."""
    query = (sa.select(DisclosureLog).where(DisclosureLog.demand_id == demand.id)
             .order_by(DisclosureLog.viewed_at.desc(), DisclosureLog.id.desc()))
    found = paginate(query, page, per_page)
    ids = {entry.organization_id for entry in found.items}
    names = dict(db.session.execute(sa.select(Organization.id, Organization.name)
                                    .where(Organization.id.in_(ids))).all()) if ids else {}
    for entry in found.items:
        entry.organization_name = names.get(entry.organization_id, "")
    return found
