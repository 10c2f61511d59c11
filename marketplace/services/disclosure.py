"""Tiered disclosure of confidential demands: the one-click confidentiality undertaking, who may
read the full details, and the access log of every such read (the owner reads it)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    ConfidentialityUndertaking, Demand, DisclosureLog, Organization, Pairing, PairingStatus, Result,
    User, Visibility, db,
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


def can_read_details(demand: Demand, viewer: User | None) -> bool:
    """The owner always; others only with a CONNECTED pairing on it and the undertaking accepted."""
    if demand.is_owned_by(viewer):
        return True
    if viewer is None:
        return False
    return (PairingStatus.CONNECTED in pairing_statuses(demand, viewer.organization_id)
            and has_undertaking(demand, viewer.organization_id))


def needs_undertaking(demand: Demand, viewer: User | None) -> bool:
    """The viewer's side has a live pairing on this confidential demand but no undertaking yet."""
    if viewer is None or demand.visibility is not Visibility.CONFIDENTIAL or demand.is_owned_by(viewer):
        return False
    live = {PairingStatus.PROPOSED, PairingStatus.CONNECTED}
    return bool(live & pairing_statuses(demand, viewer.organization_id)) and not has_undertaking(
        demand, viewer.organization_id)


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
