"""Grid over blend weights on a retrieval set (fit once, re-query per setting).

    .venv/bin/python bench/tune.py /work/shared/datasets/dev-retrieval [--split even]
Tunes on the even-position queries; reports the odd (held-out) half alongside.
"""
import itertools
import json
import sys

from matching import Matcher
from matching.benchmark.metrics import evaluate
from matching.benchmark.quality import load_retrieval_set, run_matcher

path = sys.argv[1]
grid = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {
    "char": [0.0, 0.3, 0.5, 0.8], "keywords": [0.0, 0.15, 0.3], "title": [0.0, 0.05, 0.15]}
params = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
corpus, queries = load_retrieval_set(path)
tune, held = queries[0::2], queries[1::2]
m = Matcher(**params).fit(corpus)
keys = sorted(grid)
for combo in itertools.product(*(grid[k] for k in keys)):
    w = dict(zip(keys, combo))
    m.set_params(weights=w)
    r = run_matcher(m, queries)
    a, b = evaluate(r, tune), evaluate(r, held)["all"]
    sl = " ".join(f"{t}={a[t]['MRR@10']:.3f}" for t in sorted(a) if t != "all")
    print(json.dumps(w), f"tune MRR={a['all']['MRR@10']:.4f} R1={a['all']['R@1']:.4f} | held MRR={b['MRR@10']:.4f} R1={b['R@1']:.4f} | {sl}", flush=True)
