"""Quality benchmark: the blended Matcher vs bm25s and plain TF-IDF on the same jieba tokens.

Sets: the demo data's labelled demand→result pairs (seeds/data) and the dev-retrieval set (a
JSONL corpus + queries with ``relevant`` ids).  Prints a Markdown table; JSON with --json.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from ..encode import analysis_text, as_document
from ..matcher import Matcher
from ..text import tokenize
from .metrics import evaluate, paired_bootstrap


def load_jsonl(path) -> list[dict]:
    """Read a JSON-lines file."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_retrieval_set(path) -> tuple[list[dict], list[dict]]:
    """corpus.jsonl + queries.jsonl of a retrieval set directory."""
    d = Path(path)
    corpus = load_jsonl(d / "corpus.jsonl")
    queries = [{"id": q["id"], "query": q["text"], "relevant": q["relevant"], "type": q.get("type")}
               for q in load_jsonl(d / "queries.jsonl")]
    return corpus, queries


def load_demo_pairs(seeds_dir) -> tuple[list[dict], list[dict]] | None:
    """Results as corpus and labelled demands as document queries, or None when absent."""
    d = Path(seeds_dir)
    if not (d / "pairs.json").exists():
        return None
    demands = {x["key"]: x for x in json.loads((d / "demands.json").read_text(encoding="utf-8"))}
    results = json.loads((d / "results.json").read_text(encoding="utf-8"))
    corpus = [as_document({**r, "id": r["key"], "kind": "result"}) for r in results]
    queries = []
    for p in json.loads((d / "pairs.json").read_text(encoding="utf-8")):
        dem = demands.get(p["demand"])
        if dem and p.get("results"):
            qdoc = as_document({**dem, "id": dem["key"], "kind": "demand"})
            queries.append({"id": dem["key"], "query": qdoc, "relevant": list(p["results"]), "type": "demo"})
    return corpus, queries


def query_string(q) -> str:
    """The text a bag-of-words baseline sees for a query."""
    return q if isinstance(q, str) else analysis_text(q)


def run_matcher(m: Matcher, queries: list[dict], k: int = 10) -> dict:
    """{query id: ranked ids} from a fitted matcher."""
    return {q["id"]: [x.id for x in m.query(q["query"], top=k, explain=False)] for q in queries}


def run_bm25s(doc_toks, q_toks, ids, queries, k: int = 10) -> dict:
    """bm25s (Lucene, k1=1.5, b=0.75, the dev set's reference settings) on given tokens."""
    import bm25s

    r = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    r.index(doc_toks, show_progress=False)
    res, _ = r.retrieve([t or ["<empty>"] for t in q_toks], k=min(k, len(ids)), show_progress=False)
    return {q["id"]: [ids[int(i)] for i in row] for q, row in zip(queries, res)}


def run_tfidf(doc_toks, q_toks, ids, queries, k: int = 10) -> dict:
    """scikit-learn TfidfVectorizer (sublinear tf, cosine) on given tokens; ties by corpus order."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=lambda x: x, lowercase=False, sublinear_tf=True, dtype=np.float32)
    X = vec.fit_transform(doc_toks)
    S = (vec.transform(q_toks) @ X.T).toarray()
    top = np.argsort(-S, axis=1, kind="stable")[:, :k]
    return {q["id"]: [ids[int(i)] for i in row] for q, row in zip(queries, top)}


def compare(name: str, corpus: list[dict], queries: list[dict], matcher: Matcher) -> dict:
    """Metrics of blend, bm25s and TF-IDF on one set, plus the held-out (odd-position) half."""
    t0 = time.time()
    docs = [as_document(d) for d in corpus]
    doc_toks = [tokenize(analysis_text(d)) for d in docs]
    q_toks = [tokenize(query_string(q["query"])) for q in queries]
    ids = [d["id"] for d in docs]
    print(f"[{name}] tokenized {len(docs)} docs + {len(queries)} queries in {time.time() - t0:.1f}s", file=sys.stderr)
    runs = {}
    t0 = time.time()
    matcher.fit(docs)
    runs["blend (matching)"] = run_matcher(matcher, queries)
    print(f"[{name}] blend {time.time() - t0:.1f}s", file=sys.stderr)
    runs["BM25 (bm25s)"] = run_bm25s(doc_toks, q_toks, ids, queries)
    runs["TF-IDF (sklearn)"] = run_tfidf(doc_toks, q_toks, ids, queries)
    held = queries[1::2]
    out = {method: {"slices": evaluate(r, queries), "held_out": evaluate(r, held)["all"]} for method, r in runs.items()}
    blend = runs["blend (matching)"]
    out["blend (matching)"]["vs_bm25_ci"] = {m: paired_bootstrap(blend, runs["BM25 (bm25s)"], queries, m)
                                             for m in ("R@1", "MRR@10", "nDCG@10")}
    return out


def markdown(results: dict[str, dict]) -> str:
    """Results of ``compare`` for several sets as one Markdown table, with margins over BM25."""
    cols = ["R@1", "R@5", "R@10", "MRR@10", "nDCG@10"]
    lines = ["| set | method | slice | n | " + " | ".join(cols) + " |", "|---|---|---|---:|" + "---:|" * len(cols)]
    notes: list[str] = []
    for set_name, res in results.items():
        for method, r in res.items():
            slices = [("all", r["slices"]["all"]), ("held-out half", r["held_out"])]
            slices += [(s, m) for s, m in sorted(r["slices"].items()) if s not in ("all", "demo")]
            for s, m in slices:
                lines.append(f"| {set_name} | {method} | {s} | {m['n']} | " + " | ".join(f"{m[c]:.3f}" for c in cols) + " |")
        b, base = res["blend (matching)"]["slices"]["all"], res["BM25 (bm25s)"]["slices"]["all"]
        lines.append(f"| {set_name} | **margin blend − BM25** | all | | " + " | ".join(f"{b[c] - base[c]:+.3f}" for c in cols) + " |")
        for metric, (mean, lo, hi) in res["blend (matching)"].get("vs_bm25_ci", {}).items():
            notes.append(f"{set_name}: blend − BM25 {metric} {mean:+.3f}, 95% paired bootstrap CI [{lo:+.3f}, {hi:+.3f}]")
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes)


def run_quality(datasets: list[str], seeds: str | None, matcher: Matcher, as_json: bool = False) -> dict:
    """Run every available set and print the table (or JSON)."""
    results = {}
    if seeds:
        demo = load_demo_pairs(seeds)
        if demo is None:
            print(f"[demo] no pairs.json under {seeds}; skipped", file=sys.stderr)
        else:
            results["demo pairs"] = compare("demo", *demo, matcher)
    for path in datasets:
        results[Path(path).name] = compare(Path(path).name, *load_retrieval_set(path), matcher)
    print(json.dumps(results, indent=1) if as_json else markdown(results))
    return results
