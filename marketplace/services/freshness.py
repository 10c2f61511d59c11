"""Listing freshness: nothing stale stays on show. Run by ``flask pairings sweep`` (the same cron
job as the pairing expiry; safe at any frequency, each step a compare-and-set):

- a published demand past its deadline is closed, and its owners are told;
- a published listing its owners have not confirmed for ``CONFIRM_AFTER_DAYS`` (180) days gets a
  "still current?" notice; confirming (the button on its page, or publishing or editing it)
  restarts the clock;
- one still unconfirmed ``GRACE_DAYS`` (30) after the notice is taken off show — a demand closed,
  a result withdrawn — and its owners are told they can publish it again.

Closed and withdrawn listings leave lists, search, suggestions, alerts and the statistics'
published counts through the same change log as every status change."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from models import Demand, DemandStatus, ListingKind, NotificationKind, Result, ResultStatus, User

from . import audit
from .activity import notify, organization_members, record_listing_change
from .compare_and_set import compare_and_set
from .errors import Conflict
from .pagination import page_rows
from ..localtime import local_date

CONFIRM_AFTER_DAYS = 180
GRACE_DAYS = 30
BATCH = 500  # rows of each step per run; the next run takes the rest


@dataclass(frozen=True)
class FreshnessReport:
    closed_past_deadline: int
    asked_to_confirm: int
    taken_off: int


@dataclass(frozen=True)
class _Kind:
    model: type
    kind: ListingKind
    published: Any
    retired: Any
    noun: str
    path: str
    retire_word: str


_KINDS = (_Kind(Demand, ListingKind.DEMAND, DemandStatus.PUBLISHED, DemandStatus.CLOSED, "需求", "/demands/", "关闭"),
          _Kind(Result, ListingKind.RESULT, ResultStatus.PUBLISHED, ResultStatus.WITHDRAWN, "成果", "/results/", "撤回"))


def _owners(listing) -> list[User]:
    return organization_members(listing.organization_id)


def close_past_deadline(now: datetime) -> int:
    """Published demands whose deadline has passed are closed."""
    done = 0
    query = (sa.select(Demand).where(Demand.status == DemandStatus.PUBLISHED, Demand.deadline < local_date(now))
             .order_by(Demand.deadline, Demand.id))
    for demand in page_rows(query, BATCH, 0):
        try:
            audit.label(demand, "demand.expire", "截止日期已过，自动关闭")
            compare_and_set(demand, "", Demand.status == DemandStatus.PUBLISHED, Demand.deadline < local_date(now),
                            status=DemandStatus.CLOSED)
        except Conflict:  # closed, or its deadline moved, by someone else meanwhile
            continue
        record_listing_change(ListingKind.DEMAND, demand.id)
        notify(_owners(demand), NotificationKind.LISTING_FRESHNESS,
               f"需求“{demand.title}”已过截止日期（{demand.deadline:%Y-%m-%d}），已自动关闭。"
               "如仍需要，请修改截止日期后重新发布。", f"/demands/{demand.id}")
        done += 1
    return done


def ask_to_confirm(now: datetime) -> int:
    """Published listings unconfirmed for ``CONFIRM_AFTER_DAYS`` get one "still current?" notice."""
    done, cutoff = 0, now - timedelta(days=CONFIRM_AFTER_DAYS)
    for kind in _KINDS:
        model = kind.model
        query = (sa.select(model).where(model.status == kind.published, model.confirmed_at < cutoff,
                                        model.stale_notified_at.is_(None))
                 .order_by(model.confirmed_at, model.id))
        for listing in page_rows(query, BATCH, 0):
            try:
                audit.label(listing, f"{kind.kind.value}.ask_to_confirm", "")
                compare_and_set(listing, "", model.status == kind.published, model.stale_notified_at.is_(None),
                                model.confirmed_at < cutoff, stale_notified_at=now)
            except Conflict:
                continue
            deadline = now + timedelta(days=GRACE_DAYS)
            notify(_owners(listing), NotificationKind.LISTING_FRESHNESS,
                   f"{kind.noun}“{listing.title}”已 {CONFIRM_AFTER_DAYS} 天未更新，是否仍然有效？"
                   f"请在 {deadline:%Y-%m-%d} 前打开页面点击“仍然有效”，否则将自动{kind.retire_word}。",
                   f"{kind.path}{listing.id}")
            done += 1
    return done


def take_off_unconfirmed(now: datetime) -> int:
    """Listings still unconfirmed ``GRACE_DAYS`` after their notice are closed or withdrawn."""
    done, cutoff = 0, now - timedelta(days=GRACE_DAYS)
    for kind in _KINDS:
        model = kind.model
        query = (sa.select(model).where(model.status == kind.published, model.stale_notified_at < cutoff)
                 .order_by(model.stale_notified_at, model.id))
        for listing in page_rows(query, BATCH, 0):
            try:
                audit.label(listing, f"{kind.kind.value}.retire_stale", f"{CONFIRM_AFTER_DAYS + GRACE_DAYS} 天未确认")
                compare_and_set(listing, "", model.status == kind.published, model.stale_notified_at < cutoff,
                                status=kind.retired)
            except Conflict:  # confirmed (or changed) meanwhile
                continue
            record_listing_change(kind.kind, listing.id)
            notify(_owners(listing), NotificationKind.LISTING_FRESHNESS,
                   f"{kind.noun}“{listing.title}”长期未确认仍然有效，已自动{kind.retire_word}。"
                   "如仍有效，可随时重新发布。", f"{kind.path}{listing.id}")
            done += 1
    return done


def sweep_listings(now: datetime) -> FreshnessReport:
    """The three steps, deadlines first (a demand closed for its deadline is not also asked)."""
    return FreshnessReport(close_past_deadline(now), ask_to_confirm(now), take_off_unconfirmed(now))


def needs_confirmation(listing) -> bool:
    """The listing's owners were asked whether it is still current and have not answered."""
    return listing.stale_notified_at is not None and listing.status.value == "published"
