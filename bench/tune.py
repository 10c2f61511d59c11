"""Grid over matcher parameters and blend weights on a retrieval set (one fit per parameter set).

    PYTHONPATH=. .venv/bin/python bench/tune.py DATASET_DIR 'WEIGHT_GRID_JSON' 'PARAM_LIST_JSON'
e.g. bench/tune.py PATH/TO/dev-retrieval '{"char":[0.3,0.6]}' '[{"k1":1.2},{"k1":1.5}]'
Scores the even-position queries (tuning half) and the odd-position ones (held out) separately.
"""
import itertools
import json
import sys

from matching import Matcher
from matching.benchmark.metrics import evaluate
from matching.benchmark.quality import load_demo_pairs, load_retrieval_set, run_matcher

path = sys.argv[1]
grid = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {"char": [0.3, 0.6]}
plist = json.loads(sys.argv[3]) if len(sys.argv) > 3 else [{}]
corpus, queries = load_demo_pairs(path) if path.endswith("data") else load_retrieval_set(path)
tune, held = queries[0::2], queries[1::2]
keys = sorted(grid)
for params in plist:
    m = Matcher(**params).fit(corpus)
    for combo in itertools.product(*(grid[k] for k in keys)):
        w = dict(zip(keys, combo))
        m.set_params(weights=w)
        r = run_matcher(m, queries)
        a, b = evaluate(r, tune), evaluate(r, held)["all"]
        sl = " ".join(f"{t}={a[t]['MRR@10']:.3f}" for t in sorted(a) if t != "all")
        print(json.dumps(params), json.dumps(w), f"tune MRR={a['all']['MRR@10']:.4f} R1={a['all']['R@1']:.4f} | "
              f"held MRR={b['MRR@10']:.4f} R1={b['R@1']:.4f} | {sl}", flush=True)
