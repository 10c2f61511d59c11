"""Re-fit the matcher's blend weights from recorded outcomes and labelled pairs.

Every score is a weighted sum of components (``component = weight × raw signal``), so a
candidate's raw signals can be re-weighed without querying again. Two kinds of evidence:
- labelled pairs (demand → the results that should rank first): ranking quality, MRR@10 over the
  demand's top candidates;
- recorded outcomes (pairings proposed from a suggestion, later connected or declined): how often a
  connected pairing outscores a declined one (AUC).
A grid search keeps the weights that maximise MRR + AUC; the word weight stays 1 (scale).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import sqlalchemy as sa

from models import Demand, ListingKind, Pairing, PairingStatus, db

from .match_index import MatchIndex, demand_doc, doc_id

COMPONENTS = ("word", "char", "keywords", "title", "structured")
GRID = {"char": (0.25, 0.5, 0.75, 1.0), "keywords": (0.0, 0.15, 0.3, 0.5),
        "title": (0.0, 0.05, 0.1, 0.2), "structured": (0.0, 0.15, 0.3, 0.5)}
DEPTH = 50
MIN_GAIN = 0.01  # a new grid point must beat the best so far by this much: no churn on noise


@dataclass
class Evidence:
    """Raw signals of candidates per labelled demand, and of connected/declined pairings."""

    ranked: list[tuple[list[dict], set[int]]] = field(default_factory=list)  # (candidates, relevant idx)
    connected: list[dict] = field(default_factory=list)
    declined: list[dict] = field(default_factory=list)


def _raw(components: dict, weights: dict) -> dict:
    return {k: (components.get(k, 0.0) / weights[k]) if weights.get(k) else 0.0 for k in COMPONENTS}


def _score(raw: dict, weights: dict) -> float:
    return sum(weights.get(k, 0.0) * raw[k] for k in COMPONENTS)


def collect_evidence(index: MatchIndex, labelled: list[tuple[int, list[int]]]) -> Evidence:
    """Candidates of each labelled demand (depth 50) and the stored components of decided pairings."""
    matcher, evidence = index.ready(), Evidence()
    for demand_id, result_ids in labelled:
        demand = db.session.get(Demand, demand_id)
        if demand is None:
            continue
        wanted = {doc_id(ListingKind.RESULT, r) for r in result_ids}
        matches = matcher.query(demand_doc(demand, full=True), top=DEPTH,
                                filters={"kind": "result", "status": "published"}, explain=False)
        candidates = [_raw(m.components, index.weights) for m in matches]
        relevant = {i for i, m in enumerate(matches) if m.id in wanted}
        evidence.ranked.append((candidates, relevant))
    rows = db.session.execute(sa.select(Pairing.status, Pairing.score_components).where(
        Pairing.status.in_([PairingStatus.CONNECTED, PairingStatus.DECLINED]),
        Pairing.score_components.is_not(None)))
    for status, stored in rows:
        raw = _raw(stored.get("components", {}), stored.get("weights", index.weights))
        (evidence.connected if status is PairingStatus.CONNECTED else evidence.declined).append(raw)
    return evidence


def evaluate(evidence: Evidence, weights: dict) -> dict:
    """MRR@10, R@1, R@5 on the labelled demands; AUC of connected over declined pairings."""
    mrr = r1 = r5 = 0.0
    for candidates, relevant in evidence.ranked:
        scores = [_score(c, weights) for c in candidates]
        order = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
        ranks = [order.index(i) + 1 for i in relevant]
        best = min(ranks, default=None)
        mrr += 1.0 / best if best and best <= 10 else 0.0
        r1 += float(bool(best == 1))
        r5 += len([r for r in ranks if r <= 5]) / max(len(relevant), 1) if relevant else 0.0
    n = max(len(evidence.ranked), 1)
    return {"labelled_demands": len(evidence.ranked), "mrr@10": round(mrr / n, 4), "r@1": round(r1 / n, 4),
            "r@5": round(r5 / n, 4), "outcomes": len(evidence.connected) + len(evidence.declined),
            "auc": _auc(evidence, weights)}


def _auc(evidence: Evidence, weights: dict) -> float | None:
    if not evidence.connected or not evidence.declined:
        return None
    good = [_score(r, weights) for r in evidence.connected]
    bad = [_score(r, weights) for r in evidence.declined]
    wins = sum(1.0 if g > b else 0.5 if g == b else 0.0 for g in good for b in bad)
    return round(wins / (len(good) * len(bad)), 4)


def fit_weights(evidence: Evidence, current: dict) -> tuple[dict, dict, dict]:
    """(best weights, metrics before, metrics after) over the grid; ties keep the current weights."""
    def objective(metrics: dict) -> float:
        return metrics["mrr@10"] + (metrics["auc"] if metrics["auc"] is not None else 0.0)

    before = evaluate(evidence, current)
    best, best_metrics = dict(current), before
    for values in itertools.product(*GRID.values()):
        candidate = dict(current) | {"word": current.get("word", 1.0)} | dict(zip(GRID, values))
        metrics = evaluate(evidence, candidate)
        if objective(metrics) > objective(best_metrics) + MIN_GAIN:
            best, best_metrics = candidate, metrics
    return best, before, best_metrics
