"""Append-only records other features hang off: funnel events, listing changes for the match
index, and in-app notifications (designed so an email sender can be added: ``emailed_at``)."""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from models import Event, EventKind, ListingChange, ListingKind, Notification, NotificationKind, Role, User, db


LISTINGS_CHANGED = "listings_changed"  # session.info key: this unit of work wrote a listing


def record_event(kind: EventKind, *, demand_id: int | None = None, result_id: int | None = None,
                 pairing_id: int | None = None, field_code: str | None = None, **poc) -> Event:
    """Append one funnel event (statistics count only these). ``poc``: the proof-of-concept
    stage's request_id, bid_id, engagement_id, amount, technical_verdict, market_verdict."""
    event = Event(kind=kind, demand_id=demand_id, result_id=result_id, pairing_id=pairing_id,
                  field_code=field_code, **poc)
    db.session.add(event)
    return event


def record_listing_change(kind: ListingKind, listing_id: int) -> None:
    """Tell every match index that this listing must be re-read (and the caller's session that
    alerts are due once it commits: see marketplace/alerts.py)."""
    db.session.add(ListingChange(kind=kind, listing_id=listing_id))
    db.session.info[LISTINGS_CHANGED] = True


def notify(recipients: Iterable[User], kind: NotificationKind, text: str, link: str = "") -> list[Notification]:
    """One notification per distinct active recipient."""
    seen: set[int] = set()
    created = []
    for user in recipients:
        if user.id in seen or not user.is_active:
            continue
        seen.add(user.id)
        note = Notification(user_id=user.id, kind=kind, text=text[:500], link=link[:300])
        db.session.add(note)
        created.append(note)
    return created


def operators() -> list[User]:
    """The platform's active operators (told of overdue proposals, appeals, join requests)."""
    return list(db.session.scalars(sa.select(User).where(User.role == Role.ADMIN, User.is_active.is_(True))
                                   .order_by(User.id)))


def organization_members(organization_id: int) -> list[User]:
    """The active accounts of an organization (a listing's owners)."""
    return list(db.session.scalars(sa.select(User).where(
        User.organization_id == organization_id, User.is_active.is_(True)).order_by(User.id)))
