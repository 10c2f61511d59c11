"""Retrieval metrics: recall@k, MRR@10, nDCG@10, overall and per query type."""
from __future__ import annotations

import math
from collections import defaultdict

KS = (1, 5, 10)


def query_metrics(ranked: list, relevant: set) -> dict[str, float]:
    """Metrics of one ranked id list against a set of relevant ids (binary relevance)."""
    top = list(dict.fromkeys(ranked))[:10]
    out = {f"R@{k}": len(relevant & set(top[:k])) / len(relevant) for k in KS}
    out["MRR@10"] = next((1.0 / r for r, i in enumerate(top, 1) if i in relevant), 0.0)
    dcg = sum(1.0 / math.log2(r + 1) for r, i in enumerate(top, 1) if i in relevant)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(relevant), 10) + 1))
    out["nDCG@10"] = dcg / ideal if ideal else 0.0
    return out


def evaluate(runs: dict, queries: list[dict]) -> dict[str, dict[str, float]]:
    """Mean metrics per slice ('all' and each query 'type') for {query_id: ranked ids}."""
    per: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for q in queries:
        m = query_metrics(runs.get(q["id"], []), set(q["relevant"]))
        for key in {"all", q.get("type") or "all"}:
            for name, v in m.items():
                per[key][name].append(v)
    return {s: {n: sum(v) / len(v) for n, v in ms.items()} | {"n": len(ms["MRR@10"])} for s, ms in per.items()}


def paired_bootstrap(runs_a: dict, runs_b: dict, queries: list[dict], metric: str = "MRR@10",
                     n: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean per-query difference a − b of a metric and its 95% paired-bootstrap interval."""
    import numpy as np

    d = np.asarray([query_metrics(runs_a.get(q["id"], []), set(q["relevant"]))[metric]
                    - query_metrics(runs_b.get(q["id"], []), set(q["relevant"]))[metric] for q in queries])
    if not len(d):
        return 0.0, 0.0, 0.0
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, len(d), size=(n, len(d)))].mean(axis=1)
    return float(d.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))
