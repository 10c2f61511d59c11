"""Generated data for scale tests (``flask seed --synthetic N``): N demands and N results posted
by hundreds to thousands of organizations over three years, with pairings between them, shaped
like a live platform (docs/benchmarks.md, "Synthetic data", shows the figures of a real run).

Distributions (``seeds/synthetic_dist.py``, ``seeds/synthetic_text.py``, ``seeds/synthetic_pairings.py``):

- **Time**: publication moments over the 3 years (1,095 days) before today; daily volume grows
  exponentially ×4 over the span, weekdays ×1 (Saturday 0.3, Sunday 0.2), February ×0.6 (Spring
  Festival), October ×0.8; hours follow Beijing office hours (peaks 10:00 and 15:00), stored UTC.
  A listing is created up to a few days before it is published.
- **Organizations**: max(40, min(8000, N/60)) enterprises and max(20, min(2500, N/200))
  universities (70%) and institutes (30%), one account each, 60% verified; who posts is Zipf-like
  (share ∝ (rank + 3)^-0.8): with 8,000 enterprises the top 1% post ~24% of the demands. Each
  organization has a main field (70% of its listings) and a region.
- **Fields**: weights like a regional platform's: smart manufacturing 16, new materials 13, AI 11,
  biomedicine 10, new energy 9, ICs 8, environment 8, medical devices 6, agriculture 5, … down to
  brain–computer interfaces and blockchain 0.5; a field an administrator added 0.5.
- **Regions**: 31 provinces weighted by technology-transfer activity (Guangdong and Jiangsu 14,
  Beijing 11, Zhejiang 10, Shanghai 9, … Tibet 0.05), 1–6 cities or districts each ("江苏省苏州市");
  8% of demands name another region than their organization's.
- **Demands**: 5% drafts; deadline 30 days to 18 months after publication (mostly 2–6 months);
  past its deadline a demand was closed (40%, within ten days) or left published; before it, 5%
  were closed early. Visibility: 90% public, 6% anonymous, 4% confidential (with a public
  summary). Cooperation: development 36%, joint research 24%, transfer 16%, licence 12%,
  challenge (揭榜挂帅) 12%. TRL wanted mostly 5–7. Budget: lower bound log-normal around 80 万元
  (×3 for challenges), 5–5,000, rounded as people write amounts; upper bound 1–5× it.
- **Results**: 6% drafts, 8% withdrawn, the rest published; TRL mostly 3–6 with the matching
  maturity; transfer modes licence/assignment/equity in their common combinations; asking price
  35% negotiable (面议), else log-normal around 120 万元; 45% carry one to three patents.
- **Pairings**: 0.3 per published demand; 75% within one field, always between two
  organizations, proposed while both listings were published (45% by the demand's side); answered
  after ~4 days: connected 33% (only while both are still published), declined 40% (with a reason
  code), withdrawn 6%, unanswered 21% — expired 7 days after the response window, or still
  proposed when recent. Each step is an ``events`` row at its moment, like the services record it.

Every value is within the services' rules at its moment (tests/test_seeds_synthetic.py replays
the generated rows through them). Rows are written with PostgreSQL's COPY or batched INSERTs
(``seeds/bulk.py``). No ``listing_changes`` are recorded: a million changes would make every
running worker replay them one by one, and would notify every saved search at once; the caller
rebuilds and saves the match index instead (``flask seed --synthetic`` does), and running workers
must be restarted to load it. Repeated runs add more rows with new, unique titles (same
organizations).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import sqlalchemy as sa
from tqdm import tqdm

from models import Demand, Event, Field, Organization, Pairing, Patent, Result, User, db, utcnow
from .bulk import BulkWriter
from .loader import DEMO_DOMAIN
from .synthetic_dist import EPOCH, posting_times, skewed_weights, to_datetime
from .synthetic_listings import CHUNK, listing_chunk
from .synthetic_pairings import Listings, pairing_rows
from .synthetic_text import FIELD_WEIGHTS, OTHER_FIELD, organization_name, region_table, vocabulary

PAIRINGS_PER_DEMAND = 0.3
SIDES = {"demand": ("e", "enterprise"), "result": ("u", "researcher")}


@dataclass
class Organizations:
    """The synthetic organizations of one side, by rank (the first posts the most)."""

    ids: np.ndarray
    users: np.ndarray
    regions: list[str]
    fields: list[str]
    weights: np.ndarray


def organization_count(n: int, kind: str) -> int:
    """How many organizations post ``n`` listings of ``kind``."""
    return int(np.clip(n // 60, 40, 8000)) if kind == "demand" else int(np.clip(n // 200, 20, 2500))


def organization_profile(kind: str, serial: int, field_codes: list[str]) -> dict:
    """Region, main field, kind and verification of organization ``serial`` (the same on every run)."""
    rng = random.Random(f"synthetic-{kind}-{serial}")
    regions, weights = region_table()
    field = rng.choices(field_codes, [FIELD_WEIGHTS.get(c, OTHER_FIELD)[0] for c in field_codes])[0]
    org_kind = "enterprise" if kind == "demand" else rng.choices(["university", "institute"], [0.7, 0.3])[0]
    region = rng.choices(regions, weights)[0]
    return {"rng": rng, "region": region, "field": field, "kind": org_kind, "verified": rng.random() < 0.6}


def synthetic_email(kind: str, serial: int) -> str:
    """The account of synthetic organization ``serial`` of a side."""
    return f"synthetic-{SIDES[kind][0]}-{serial:05d}@{DEMO_DOMAIN}"


def ensure_organizations(writer: BulkWriter, kind: str, count: int, field_codes: list[str],
                         now: datetime, password_hash: str) -> Organizations:
    """Organizations 1…count of a side with one account each, creating those that are missing."""
    pattern = f"synthetic-{SIDES[kind][0]}-%@{DEMO_DOMAIN}"
    found = {email: (user_id, org_id, region) for email, user_id, org_id, region in db.session.execute(
        sa.select(User.email, User.id, User.organization_id, Organization.region)
        .join(Organization, Organization.id == User.organization_id).where(User.email.like(pattern)))}
    profiles = [organization_profile(kind, serial, field_codes) for serial in range(1, count + 1)]
    missing = [s for s in range(1, count + 1) if synthetic_email(kind, s) not in found]
    names = set(db.session.scalars(sa.select(Organization.name)))
    org_ids = writer.reserve_ids(Organization.__table__, len(missing))
    user_ids = writer.reserve_ids(User.__table__, len(missing))
    orgs, users = [], []
    for serial, org_id, user_id in zip(missing, org_ids, user_ids):
        p = profiles[serial - 1]
        name = organization_name(p["rng"], p["kind"], p["region"], p["field"])
        while name in names:
            name = organization_name(p["rng"], p["kind"], p["region"], p["field"])
        names.add(name)
        created = to_datetime((now - EPOCH).total_seconds() - (3 * 365 + p["rng"].randint(1, 365)) * 86_400)
        orgs.append({"id": org_id, "name": name, "kind": p["kind"], "region": p["region"],
                     "verified": p["verified"], "created_at": created})
        users.append({"id": user_id, "email": synthetic_email(kind, serial), "password_hash": password_hash,
                      "display_name": f"{name[:14]}联系人", "role": SIDES[kind][1], "organization_id": org_id,
                      "is_active": True, "created_at": created})
        found[synthetic_email(kind, serial)] = (user_id, org_id, p["region"])
    writer.insert(Organization.__table__, orgs)
    writer.insert(User.__table__, users)
    rows = [found[synthetic_email(kind, s)] for s in range(1, count + 1)]
    return Organizations(np.array([r[1] for r in rows]), np.array([r[0] for r in rows]), [r[2] for r in rows],
                         [p["field"] for p in profiles], skewed_weights(count))


def _existing(model) -> tuple[int, set[str]]:
    """How many synthetic listings of a kind exist, and every title of that table."""
    synthetic = sa.select(sa.func.count()).select_from(model).join(User, User.id == model.created_by_id).where(
        User.email.like(f"synthetic-_-%@{DEMO_DOMAIN}"))
    return db.session.scalar(synthetic) or 0, set(db.session.scalars(sa.select(model.title)))


def load_listings(writer: BulkWriter, kind: str, n: int, orgs: Organizations, ctx: dict, progress: bool) -> Listings:
    """Write ``n`` listings of ``kind`` (with their publish events and patents) chunk by chunk,
    committing each; return what pairing needs of the non-drafts."""
    model = Demand if kind == "demand" else Result
    done, titles = _existing(model)
    rng = np.random.default_rng([ctx["seed"], done, 0 if kind == "demand" else 1])
    py = random.Random(f"{ctx['seed']}-{kind}-{done}")
    kept: list[tuple] = []
    with tqdm(total=n, desc=f"synthetic {kind}s", disable=not progress, unit="rows") as bar:
        for begin in range(0, n, CHUNK):
            m = min(CHUNK, n - begin)
            ids = writer.reserve_ids(model.__table__, m)
            chunk = listing_chunk(kind, rng, py, ids, orgs, posting_times(rng, m, ctx["now"]), titles, ctx)
            writer.insert(model.__table__, chunk.rows)
            writer.insert(Event.__table__, chunk.events)
            writer.insert(Patent.__table__, chunk.patents)
            db.session.commit()
            kept.append(chunk.kept)
            bar.update(m)
    parts = [np.concatenate([k[i] for k in kept]) for i in range(6)]
    return Listings(*parts)


def load_synthetic(n: int, progress: bool = False, seed: int = 42, response_days: int = 14,
                   now: datetime | None = None) -> int:
    """Add ``n`` demands, ``n`` results and their pairings (see the module's docstring)."""
    from marketplace.services.passwords import hash_password

    writer = BulkWriter(db.session)
    now = now or utcnow()
    field_codes = list(db.session.scalars(sa.select(Field.code).order_by(Field.sort_order, Field.code)))
    unusable = hash_password(f"synthetic-{random.SystemRandom().getrandbits(128):x}")  # nobody signs in
    sides = {kind: ensure_organizations(writer, kind, organization_count(n, kind), field_codes, now, unusable)
             for kind in SIDES}
    db.session.commit()
    ctx = {"seed": seed, "now": now, "field_codes": field_codes, "vocab": vocabulary(),
           "regions": region_table()}
    demands = load_listings(writer, "demand", n, sides["demand"], ctx, progress)
    results = load_listings(writer, "result", n, sides["result"], ctx, progress)
    if len(demands.ids) and len(results.ids):
        wanted = int(PAIRINGS_PER_DEMAND * len(demands.ids))
        rng = np.random.default_rng([seed, int(demands.ids[0]), 2])
        ids = writer.reserve_ids(Pairing.__table__, wanted)
        pairings, events = pairing_rows(rng, demands, results, ids, wanted, int((now - EPOCH).total_seconds()),
                                        response_days, field_codes, ctx["vocab"], seed)
        writer.insert(Pairing.__table__, pairings)
        writer.insert(Event.__table__, events)
    db.session.commit()
    writer.analyze([t.__table__ for t in (Organization, User, Demand, Result, Patent, Pairing, Event)])
    return n
