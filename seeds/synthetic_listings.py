"""One chunk of synthetic demands or results: table rows, their publish events and patents
(``seeds/synthetic.py`` documents the distributions)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np

from models import CooperationMode, EventKind, TransferMode
from .synthetic_dist import (BEIJING, DAY, EPOCH, TRL, TRL_TARGET, asking_prices, budgets, deadlines,
                             demand_statuses, normalized, pick, result_statuses, to_datetime)
from .synthetic_text import DEMAND_SUMMARY, FIELD_WEIGHTS, OTHER_FIELD, body, fill, title

CHUNK = 20_000
OWN_FIELD = 0.7  # share of an organization's listings in its main field
OTHER_REGION = 0.08  # demands placed in another region than their organization's
VISIBILITY = (["public", "anonymous", "confidential"], [.90, .06, .04])
COOPERATION = ([m.value for m in CooperationMode], [.36, .16, .12, .24, .12])  # declaration order
TRANSFER = ([["license"], ["assignment"], ["license", "assignment"], ["license", "equity"],
             ["assignment", "equity"], ["license", "assignment", "equity"], ["equity"]],
            [.30, .20, .25, .08, .05, .07, .05])
MATURITY = ["lab", "lab", "bench", "bench", "pilot", "pilot", "production", "production", "production"]
PHASES = "二三四五六七八九"


@dataclass
class Chunk:
    """Rows to write, and (ids, org, user, field, published, open until) of the non-drafts."""

    rows: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    patents: list[dict] = field(default_factory=list)
    kept: tuple = ()


def _unique(text: str, titles: set[str]) -> str:
    """``text``, or it with a phase (二期, 三期 …) when the table already has that title."""
    candidate, attempt = text, 0
    while candidate in titles:
        attempt += 1
        phase = PHASES[attempt - 1] if attempt <= len(PHASES) else str(attempt + 1)
        candidate = f"{text}（{phase}期）"
    titles.add(candidate)
    return candidate


def _keywords(rng: random.Random, words: list[str]) -> list[str]:
    """Three to six distinct keywords of the field (the services allow ten of ≤ 30 characters)."""
    return rng.sample(words, min(len(words), rng.randint(3, 6)))


def _fields(rng: np.random.Generator, orgs, rank: np.ndarray, codes: list[str]) -> np.ndarray:
    """Field index per listing: the organization's main field, or one drawn by platform weights."""
    own = np.array([codes.index(orgs.fields[r]) for r in rank])
    drawn = pick(rng, codes, [FIELD_WEIGHTS.get(c, OTHER_FIELD)[0] for c in codes], len(rank))
    return np.where(rng.random(len(rank)) < OWN_FIELD, own, drawn)


def listing_chunk(kind: str, rng: np.random.Generator, py: random.Random, ids: list[int], orgs,
                  published: np.ndarray, titles: set[str], ctx: dict) -> Chunk:
    """Rows of ``len(ids)`` listings of ``kind`` published at ``published`` (epoch seconds)."""
    m, codes, vocab = len(ids), ctx["field_codes"], ctx["vocab"]
    now = int((ctx["now"] - EPOCH).total_seconds())
    rank = rng.choice(len(orgs.ids), size=m, p=orgs.weights)
    fields = _fields(rng, orgs, rank, codes)
    created = published - np.where(rng.random(m) < 0.7, rng.exponential(2 * 3600, m),
                                   rng.exponential(3 * DAY, m)).astype(np.int64)
    columns = (_demand_columns if kind == "demand" else _result_columns)(rng, m, published, now, ctx)
    status, open_until = columns.pop("status"), columns.pop("open_until")
    chunk = Chunk()
    for i in range(m):
        field_code = codes[fields[i]]
        keywords = _keywords(py, vocab.field_terms(field_code))
        values = fill(py, vocab, field_code, keywords)
        draft = status[i] == "draft"
        row = {"id": ids[i], "title": _unique(title(py, kind, values), titles), "keywords": keywords,
               "field_code": field_code, "organization_id": int(orgs.ids[rank[i]]),
               "created_by_id": int(orgs.users[rank[i]]), "region": orgs.regions[rank[i]], "status": str(status[i]),
               "created_at": to_datetime(created[i] if not draft else published[i]),
               "published_at": None if draft else to_datetime(published[i]),
               "confirmed_at": None if draft else to_datetime(published[i]),  # publishing confirms
               "updated_at": to_datetime(published[i] if open_until[i] >= now else open_until[i])}
        row |= {name: column[i] for name, column in columns.items()}
        text = body(py, kind, values)
        if kind == "demand":
            row["description"] = text
            row["summary"] = DEMAND_SUMMARY.format(**values) if row["visibility"] == "confidential" else ""
            if py.random() < OTHER_REGION:
                row["region"] = py.choices(*ctx["regions"])[0]
        else:
            row["abstract"] = text
            chunk.patents += _patents(py, ids[i], published[i])
        chunk.rows.append(row)
        if not draft:
            chunk.events.append({"kind": (EventKind.DEMAND_PUBLISHED if kind == "demand" else EventKind.RESULT_PUBLISHED).value,
                                 "demand_id": ids[i] if kind == "demand" else None,
                                 "result_id": ids[i] if kind == "result" else None, "pairing_id": None,
                                 "field_code": field_code, "created_at": row["published_at"]})
    kept = status != "draft"
    chunk.kept = (np.asarray(ids)[kept], orgs.ids[rank][kept], orgs.users[rank][kept], fields[kept],
                  published[kept], open_until[kept])
    return chunk


def _demand_columns(rng: np.random.Generator, m: int, published: np.ndarray, now: int, ctx: dict) -> dict:
    """Per-row values of demands that are drawn together (numpy)."""
    deadline_day = deadlines(rng, published)
    status, open_until = demand_statuses(rng, published, deadline_day, now)
    modes = pick(rng, COOPERATION[0], COOPERATION[1], m)
    low, high = budgets(rng, m, modes == COOPERATION[0].index("challenge"))
    trl = rng.choice(9, size=m, p=normalized(TRL_TARGET)) + 1
    visibility = pick(rng, VISIBILITY[0], VISIBILITY[1], m)
    return {"status": status, "open_until": open_until,
            "deadline": [to_datetime(day * DAY).date() for day in deadline_day],
            "cooperation_mode": [COOPERATION[0][k] for k in modes], "budget_min": low.tolist(),
            "budget_max": high.tolist(), "trl_target": trl.tolist(),
            "visibility": [VISIBILITY[0][k] for k in visibility]}


def _result_columns(rng: np.random.Generator, m: int, published: np.ndarray, now: int, ctx: dict) -> dict:
    """Per-row values of results that are drawn together (numpy)."""
    status, open_until = result_statuses(rng, published, now)
    trl = rng.choice(9, size=m, p=normalized(TRL)) + 1
    modes = pick(rng, TRANSFER[0], TRANSFER[1], m)
    price = asking_prices(rng, m)
    return {"status": status, "open_until": open_until, "trl": trl.tolist(),
            "maturity": [MATURITY[t - 1] for t in trl],
            "transfer_modes": [[c for c in TransferMode.codes() if c in TRANSFER[0][k]] for k in modes],
            "asking_price": [None if np.isnan(p) else float(p) for p in price]}


def _patents(rng: random.Random, result_id: int, published: int) -> list[dict]:
    """45% of results carry one to three Chinese patents filed before publication."""
    if rng.random() >= 0.45:
        return []
    year = to_datetime(published + BEIJING).year
    rows = []
    for position in range(rng.choice([1, 1, 1, 2, 2, 3])):
        if rng.random() < 0.5:
            number, status = f"CN{rng.randint(year - 5, year)}1{rng.randint(0, 10**7 - 1):07d}.{rng.randint(0, 9)}", "pending"
        else:
            number, status = f"CN{rng.randint(100_000_000, 119_999_999)}B", "granted"
        if number not in (r["number"] for r in rows):
            rows.append({"result_id": result_id, "number": number, "status": status, "position": position})
    return rows
