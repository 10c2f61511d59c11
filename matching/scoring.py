"""Blend weights and the re-ranking signals: fuzzy keywords, title likeness and structured fit.

These run only on the top candidates of the BM25 channels, never over the whole corpus.
"""
from __future__ import annotations

import math

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from .text import normalize

# Chosen on the dev-retrieval set (docs/benchmarks.md); override per Matcher(weights=...).
DEFAULT_WEIGHTS = {
    "word": 1.0,        # BM25 over jieba tokens, scaled to the best candidate
    "char": 0.5,        # BM25 over Han character bigrams, scaled to the best candidate
    "keywords": 0.15,   # fuzzy keyword agreement
    "title": 0.05,      # how much of the candidate's title the query spells out
    "structured": 0.5,  # same field, TRL fit, budget vs asking price (document queries only)
}


def keyword_similarity(a: str, b: str) -> float:
    """0–100 likeness of two keywords: mean of Indel ratio and in-order character containment."""
    a, b = normalize(a), normalize(b)
    if not a or not b:
        return 0.0
    contain = 100.0 * LCSseq.similarity(a, b) / min(len(a), len(b))
    return 0.5 * fuzz.ratio(a, b) + 0.5 * contain


def keyword_pairs(query_text: str, query_keywords: list[str], doc_keywords: list[str],
                  threshold: float) -> list[dict]:
    """Fuzzy keyword matches, best first: keyword↔keyword, or a doc keyword found in the query text."""
    pairs = []
    if query_keywords:
        for dk in doc_keywords:
            best = max(((keyword_similarity(qk, dk), qk) for qk in query_keywords), default=(0.0, ""))
            if best[0] >= threshold:
                pairs.append({"query": best[1], "doc": dk, "score": round(best[0])})
    else:
        qn = normalize(query_text)
        for dk in doc_keywords:
            dn = normalize(dk)
            if len(dn) < 2 or not qn:
                continue
            al = fuzz.partial_ratio_alignment(dn, qn)
            if al is not None and al.score >= threshold:
                frag = qn[al.dest_start:al.dest_end]
                pairs.append({"query": frag, "doc": dk, "score": round(al.score),
                              "query_span": [al.dest_start, al.dest_end]})
    pairs.sort(key=lambda p: (-p["score"], p["doc"]))
    for p in pairs:
        p["label"] = f"{p['query']} ≈ {p['doc']} ({p['score']})" if p["query"] != p["doc"] else f"{p['doc']} ({p['score']})"
    return pairs


def keyword_score(pairs: list[dict], doc_keywords: list[str]) -> float:
    """Share of the candidate's keywords that the query matches, weighted by likeness (0–1)."""
    if not doc_keywords:
        return 0.0
    return sum(p["score"] / 100.0 for p in pairs) / math.sqrt(len(doc_keywords) * max(len(pairs), 1))


def title_score(query_norm: str, title: str) -> float:
    """Share of the candidate title's characters the query contains in order (0–1)."""
    t = normalize(title)
    if len(t) < 2 or not query_norm:
        return 0.0
    return LCSseq.similarity(t, query_norm) / len(t)


def _num(v) -> float | None:
    """A float or None for missing/blank values."""
    try:
        return None if v is None or v == "" else float(v)
    except (TypeError, ValueError):
        return None


def structured_fit(query: dict, doc: dict) -> tuple[float, list[dict]]:
    """Field, TRL and budget agreement between a demand and a result (0–1) with readable notes."""
    demand, result = (query, doc) if query.get("kind") != "result" else (doc, query)
    signals, notes = [], []
    if query.get("field") and doc.get("field"):
        same = str(query["field"]) == str(doc["field"])
        signals.append(1.0 if same else 0.0)
        notes.append({"aspect": "field", "ok": same,
                      "text": f"同一领域（{doc['field']}）" if same else f"领域不同（{query['field']} / {doc['field']}）"})
    target, trl = _num(demand.get("trl_target")), _num(result.get("trl"))
    if target is not None and trl is not None:
        fit = 1.0 if trl >= target else max(0.0, 1.0 - (target - trl) / 4.0)
        signals.append(fit)
        notes.append({"aspect": "trl", "ok": trl >= target,
                      "text": f"成果 TRL {trl:g} {'≥' if trl >= target else '<'} 需求目标 TRL {target:g}"})
    bmax, price = _num(demand.get("budget_max")), _num(result.get("asking_price"))
    if bmax is not None and price is not None:
        fit = 1.0 if price <= bmax else (bmax / price if price > 0 else 0.0)
        signals.append(fit)
        notes.append({"aspect": "budget", "ok": price <= bmax,
                      "text": f"报价 {price:g} 万元 {'≤' if price <= bmax else '>'} 预算上限 {bmax:g} 万元"})
    return (sum(signals) / len(signals) if signals else 0.0), notes
