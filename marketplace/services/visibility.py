"""Which fields of a listing a viewer may see: the one place that the detail page, the lists and
their filters and sort orders, the search, the API and the match index all ask.

A confidential demand shows everyone but its own organization only its title, field and public
summary. In lists, filters and sort orders that holds for everyone else without exception (a
hidden region cannot be spelled out one filter at a time); the detail page opens the rest to a
connected party whose organization accepted the confidentiality undertaking, and logs the read.
An anonymous demand hides its organization from everyone but the owner.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import Demand, User, Visibility, db
from models.demand import as_listed

from .disclosure import can_read_details

# The fields of a demand that a confidential demand hides; title, field and summary stay public.
RESTRICTED_DEMAND_FIELDS = ("description", "keywords", "budget_min", "budget_max", "deadline",
                            "cooperation_mode", "trl_target", "region")


@dataclass(frozen=True)
class Disclosure:
    """What a viewer may see of a demand."""

    organization: bool
    details: bool


def disclosure(demand: Demand, viewer: User | None) -> Disclosure:
    """The detail page: the owner sees everything; anonymous hides the organization, confidential
    the details, except from a connected party that accepted the undertaking."""
    owner = demand.is_owned_by(viewer)
    return Disclosure(
        organization=owner or demand.visibility is not Visibility.ANONYMOUS,
        details=owner or demand.visibility is not Visibility.CONFIDENTIAL or can_read_details(demand, viewer),
    )


def list_disclosure(demand: Demand, viewer: User | None) -> Disclosure:
    """Lists, cards, search hits and API lists: confidential details only to the owner."""
    owner = demand.is_owned_by(viewer)
    return Disclosure(organization=owner or demand.visibility is not Visibility.ANONYMOUS,
                      details=owner or demand.visibility is not Visibility.CONFIDENTIAL)


def restricted_in_lists(demand: Demand, viewer: User | None) -> bool:
    """A list shows this viewer only the demand's title, field and summary."""
    return not list_disclosure(demand, viewer).details


def redacted(values: dict[str, Any], shown: Disclosure) -> dict[str, Any]:
    """``values`` (named like the API's fields) with what ``shown`` hides set to empty."""
    if shown.details:
        return values
    return values | {name: ([] if name == "keywords" else None)
                     for name in RESTRICTED_DEMAND_FIELDS if name in values}


def hidden_in_lists(viewer: User | None):
    """SQL: true for the demand rows whose restricted fields this viewer's lists may not read."""
    confidential = Demand.visibility == Visibility.CONFIDENTIAL
    if viewer is None:
        return confidential
    return sa.and_(confidential, Demand.organization_id != viewer.organization_id)


def lists_viewer(viewer: User | None) -> User | None:
    """The viewer a list must be written for: ``viewer`` when its organization owns a confidential
    demand (its lists read that demand's hidden fields), else None — the lists of everyone outside
    such an organization read exactly what a visitor's read, in the form the sort indexes hold
    (one index read by organization)."""
    if viewer is None:
        return None
    owns = db.session.scalar(sa.select(Demand.id).where(Demand.organization_id == viewer.organization_id,
                                                        Demand.visibility == Visibility.CONFIDENTIAL).limit(1))
    return viewer if owns is not None else None


def visible_column(column, viewer: User | None):
    """SQL: a restricted demand column as this viewer's filters and sorts may read it — NULL where
    it is hidden, so a hidden value matches no filter and sorts as if it were empty."""
    if viewer is None:
        return as_listed(column)
    return sa.case((hidden_in_lists(viewer), sa.null()), else_=column)


def visible_where(condition, viewer: User | None):
    """SQL: a filter on a restricted demand field, true only where this viewer's lists may read
    the field — the same rows as filtering ``visible_column``, written so the planner sees the
    plain column (its statistics and indexes)."""
    return sa.and_(sa.not_(hidden_in_lists(viewer)), condition)


def public_text(demand: Demand) -> str:
    """The text everyone may read: the summary of a confidential demand, else the description."""
    return demand.summary if demand.visibility is Visibility.CONFIDENTIAL else demand.description
