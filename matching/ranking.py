"""Query-time ranking: candidate selection over the channels, exact re-scoring, re-rank.

Functions take the fitted ``Matcher`` (``m``) whose index they read; they never change it.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from . import scoring
from .text import normalize


def id_key(doc_id) -> tuple:
    """Sort key that orders int ids before str ids, each naturally."""
    return (0, doc_id, "") if isinstance(doc_id, int) else (1, 0, str(doc_id))


@dataclass
class Match:
    """One ranked match: id, blended score, its weighted components and (optionally) why."""

    id: object
    score: float
    components: dict
    explanation: dict | None = None
    document: dict | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"id": self.id, "score": self.score, "components": self.components,
                "explanation": self.explanation}


def _selection_scores(m, words, chars, mask, exclude=None) -> tuple:
    """The selection score of every slot (0 for slots without a selective query term) and the
    per-channel term plans. Rare query terms select candidates over the whole index; common terms
    (``essential_df``) are added exactly for the candidates only."""
    n, w = len(m.store_), m.effective_weights
    plans = [ch.split_terms(*ch.query_terms(t), m.essential_df) for ch, t in ((m.word_, words), (m.char_, chars))]
    # selection scale: each channel's best possible score (no pass over the whole index),
    # folded into the query weights so both channels add into one array
    uw = float(plans[0][1].sum() + plans[0][3].sum()) * (m.k1 + 1)
    uc = float(plans[1][1].sum() + plans[1][3].sum()) * (m.k1 + 1)
    first = m.word_.score_ids(plans[0][0], plans[0][1] * np.float32(w["word"] / uw if uw > 0 else 0.0), n)
    if uc > 0 and w["char"] > 0:
        m.char_.score_ids(plans[1][0], plans[1][1] * np.float32(w["char"] / uc), n, out=first)
    if mask is not None:
        np.multiply(first, mask, out=first)
    if exclude is not None:
        first[exclude] = 0
    return first, plans


def retrieve(m, words, chars, mask, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``limit`` slots sharing a selective term with the query, best selection score first
    (ties by slot), with their scores — no re-rank: the keyword filter of long lists."""
    first, _ = _selection_scores(m, words, chars, mask)
    cand = np.flatnonzero(first > 0)
    if len(cand) > limit:
        cand = cand[np.argpartition(-first[cand], limit - 1)[:limit]]
    order = np.lexsort((cand, -first[cand]))
    return cand[order], first[cand[order]]


def first_stage(m, words, chars, mask, exclude=None, include=None) -> tuple:
    """Candidate slots with their word and char components (each channel scaled to its best
    candidate), for the re-rank."""
    w, pool = m.effective_weights, 2 * m.rerank_depth
    first, plans = _selection_scores(m, words, chars, mask, exclude)
    cand = np.flatnonzero(first > 0)
    if len(cand) > pool:
        cand = cand[np.argpartition(-first[cand], pool - 1)[:pool]]
    if include is not None and include not in set(cand.tolist()):
        cand = np.append(cand, include)
    cand = np.sort(cand)
    fw = m.word_.score_slots(*_all_terms(plans[0]), cand)
    fc = m.char_.score_slots(*_all_terms(plans[1]), cand)
    fw *= w["word"] / fw.max() if len(cand) and fw.max() > 0 else 0.0
    fc *= w["char"] / fc.max() if len(cand) and fc.max() > 0 else 0.0
    total = fw + fc
    if len(cand) > m.rerank_depth:
        kth = np.partition(total, len(total) - m.rerank_depth)[len(total) - m.rerank_depth]
        keep = (total >= kth) | (cand == include)
        cand, fw, fc = cand[keep], fw[keep], fc[keep]
    return cand, fw, fc


def _all_terms(plan) -> tuple[np.ndarray, np.ndarray]:
    """Essential and common query terms of a channel back together."""
    return np.concatenate([plan[0], plan[2]]), np.concatenate([plan[1], plan[3]])


def score_slot(m, qdoc, qtext, word, char, slot) -> tuple:
    """Blended score of one candidate with its components, keyword pairs and notes."""
    w, doc = m.effective_weights, m.store_.get(slot)
    pairs = scoring.keyword_pairs(qtext, qdoc.get("keywords", []), doc["keywords"], m.fuzzy_threshold)
    struct, notes = scoring.structured_fit(qdoc, doc)
    comp = {"word": float(word), "char": float(char),
            "keywords": w["keywords"] * scoring.keyword_score(pairs, doc["keywords"]),
            "title": w["title"] * scoring.title_score(normalize(qtext), doc["title"]),
            "structured": w["structured"] * struct}
    return round(sum(comp.values()), 6), doc, comp, pairs, notes, slot


def rerank(m, qdoc, qtext, cand, fw, fc, top) -> list[tuple]:
    """Re-rank candidates best-first, stopping once no later one can reach the top (exact)."""
    w = m.effective_weights
    has_meta = any(qdoc.get(k) is not None for k in ("field", "trl", "trl_target", "budget_max", "asking_price"))
    bonus = max(w["keywords"], 0) + max(w["title"], 0) + (max(w["structured"], 0) if has_meta else 0.0)
    total = fw + fc
    best: list[float] = []  # min-heap of the ``top`` best final scores so far
    scored = []
    for i in np.lexsort((cand, -total)).tolist():
        if len(best) >= top and total[i] + bonus < best[0] - 1e-6:
            break
        s = score_slot(m, qdoc, qtext, fw[i], fc[i], int(cand[i]))
        scored.append(s)
        (heapq.heappush if len(best) < top else heapq.heappushpop)(best, s[0])
    return scored
