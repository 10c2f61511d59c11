"""Synthetic pairings (对接) between the generated demands and results, with their funnel events,
each state reached the way the services reach it (``seeds/synthetic.py`` documents the shares)."""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from marketplace.services.pairings import EXPIRY_GRACE_DAYS
from models import DeclineReason, EventKind
from .synthetic_dist import DAY, normalized, to_datetime
from .synthetic_text import DECLINE_TEXTS, MESSAGES, Vocabulary

OUTCOMES = (["connected", "declined", "unanswered", "withdrawn"], [.33, .40, .21, .06])
REASONS = ([r.value for r in DeclineReason], [.15, .15, .10, .10, .25, .10, .15])
PROPOSED_BY_DEMAND = 0.45
SAME_FIELD = 0.75
EVENT_OF = {"connected": EventKind.PAIRING_CONNECTED, "declined": EventKind.PAIRING_DECLINED,
            "withdrawn": EventKind.PAIRING_WITHDRAWN, "expired": EventKind.PAIRING_EXPIRED}


@dataclass
class Listings:
    """What pairing needs of the generated listings of one kind (drafts left out)."""

    ids: np.ndarray
    org: np.ndarray  # organization id
    user: np.ndarray  # the account that speaks for the organization
    field: np.ndarray  # index into the field codes
    published: np.ndarray  # epoch seconds
    open_until: np.ndarray  # closed/withdrawn at, or now


def candidates(rng: np.random.Generator, demands: Listings, results: Listings, n: int,
               now: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Up to ``n`` distinct (demand, result) index pairs of different organizations that were both
    published at once for a while, with the window (from, to) in which a proposal could be made;
    three out of four pairs share a field."""
    k = 3 * n + 50
    d = rng.integers(0, len(demands.ids), size=k)
    order = np.argsort(results.field, kind="stable")
    fields = results.field[order]
    first, last = np.searchsorted(fields, demands.field[d], "left"), np.searchsorted(fields, demands.field[d], "right")
    same = (rng.random(k) < SAME_FIELD) & (last > first)
    within = order[np.minimum(first + (rng.random(k) * (last - first)).astype(np.int64), len(order) - 1)]
    r = np.where(same, within, rng.integers(0, len(results.ids), size=k))
    start = np.maximum(demands.published[d], results.published[r]) + 600
    end = np.minimum(np.minimum(demands.open_until[d], results.open_until[r]), now - 600)
    ok = np.flatnonzero((end > start) & (demands.org[d] != results.org[r]))
    _, unique = np.unique(demands.ids[d[ok]] * (1 << 32) + results.ids[r[ok]], return_index=True)
    keep = ok[np.sort(unique)][:n]
    return d[keep], r[keep], start[keep], end[keep]


def pairing_rows(rng: np.random.Generator, demands: Listings, results: Listings, ids: list[int], n: int,
                 now: int, response_days: int, field_codes: list[str], vocab: Vocabulary, seed: int
                 ) -> tuple[list[dict], list[dict]]:
    """Rows of ``pairings`` and ``events`` for up to ``n`` pairings (ids taken from ``ids``)."""
    d, r, start, end = candidates(rng, demands, results, n, now)
    m = len(d)
    delay = rng.exponential(15 * DAY, size=m).astype(np.int64)
    proposed = np.where(start + delay < end, start + delay, start + ((end - start) * rng.random(m)).astype(np.int64))
    respond_by = proposed + response_days * DAY
    outcome = np.array(OUTCOMES[0])[rng.choice(4, size=m, p=normalized(OUTCOMES[1]))]
    answer = proposed + np.minimum(rng.exponential(4 * DAY, size=m).astype(np.int64),
                                   (response_days + EXPIRY_GRACE_DAYS) * DAY - 3600)
    both_open = np.minimum(demands.open_until[d], results.open_until[r])
    late = (answer >= now) | ((outcome == "connected") & (answer >= both_open))
    outcome = np.where(late, "unanswered", outcome)  # no answer yet, or a listing closed first
    expiry = respond_by + EXPIRY_GRACE_DAYS * DAY + rng.integers(0, DAY, size=m)
    outcome = np.where((outcome == "unanswered") & (expiry < now), "expired", outcome)
    by_demand = rng.random(m) < PROPOSED_BY_DEMAND
    py = random.Random(seed)
    pairings, events = [], []
    for i in range(m):
        status = "proposed" if outcome[i] == "unanswered" else str(outcome[i])
        pairing_id, demand_id, result_id = ids[i], int(demands.ids[d[i]]), int(results.ids[r[i]])
        field = field_codes[demands.field[d[i]]]
        proposer, responder = ((demands.user[d[i]], results.user[r[i]]) if by_demand[i]
                               else (results.user[r[i]], demands.user[d[i]]))
        at = to_datetime(proposed[i])
        ended = {"connected": answer[i], "declined": answer[i], "withdrawn": answer[i], "expired": expiry[i]}.get(status)
        reason = py.choices(*REASONS)[0] if status == "declined" else None
        overdue = respond_by[i] + 3600 if status == "proposed" and respond_by[i] + 3600 < now else None
        pairings.append({
            "id": pairing_id, "demand_id": demand_id, "result_id": result_id, "proposer_id": int(proposer),
            "demand_organization_id": int(demands.org[d[i]]), "result_organization_id": int(results.org[r[i]]),
            "proposed_by": "demand" if by_demand[i] else "result", "status": status,
            "message": py.choice(MESSAGES).format(kw=py.choice(vocab.field_terms(field))),
            "respond_by": to_datetime(respond_by[i]),
            "responder_id": int(responder) if status in ("connected", "declined") else None,
            "responded_at": to_datetime(answer[i]) if status in ("connected", "declined") else None,
            "decline_reason": reason,
            "decline_text": py.choice(DECLINE_TEXTS) if reason == "other" or (reason and py.random() < 0.3) else "",
            "overdue_notified_at": to_datetime(overdue) if overdue is not None else None,
            "created_at": at, "updated_at": to_datetime(ended) if ended is not None else at})
        link = {"demand_id": demand_id, "result_id": result_id, "pairing_id": pairing_id, "field_code": field}
        events.append({"kind": EventKind.PAIRING_PROPOSED.value, "created_at": at, **link})
        if ended is not None:
            events.append({"kind": EVENT_OF[status].value, "created_at": to_datetime(ended), **link})
    return pairings, events
