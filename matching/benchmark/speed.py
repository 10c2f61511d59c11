"""Speed benchmark on a synthetic corpus: build, peak RSS, query p50/p95, add-one, save/load; bm25s alongside.

bm25s runs in its own process (so each peak RSS is its own) and is fed our word-channel token ids
of the same documents, i.e. it skips tokenizing; its query tokens come from ``matching.tokenize``.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from ..matcher import Matcher
from ..text import get_segmenter, tokenize
from . import synth


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    """Peak resident set size of this process (VmHWM, reset by exec) or of its reaped children, MB."""
    if who == resource.RUSAGE_SELF:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            pass
    return resource.getrusage(who).ru_maxrss / 1024.0


def _cpu() -> tuple[float, float]:
    """User+system CPU seconds of this process and of its reaped children."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime, b.ru_utime + b.ru_stime


def pct(xs: list[float]) -> dict[str, float]:
    """p50/p95/mean in milliseconds of durations given in seconds."""
    a = np.asarray(xs) * 1000.0
    return {"p50_ms": round(float(np.percentile(a, 50)), 2), "p95_ms": round(float(np.percentile(a, 95)), 2),
            "mean_ms": round(float(a.mean()), 2), "n": len(xs)}


def timed(fn, items) -> list[float]:
    """Durations of fn(item) for each item."""
    out = []
    for it in items:
        t = time.perf_counter()
        fn(it)
        out.append(time.perf_counter() - t)
    return out


def run_matching(n: int, workers: int, n_queries: int, workdir: Path) -> dict:
    """Measure the matcher at ``n`` synthetic documents; leaves token ids for bm25s in workdir."""
    res = {"n_docs": n, "workers": workers, "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    t, cpu0 = time.perf_counter(), _cpu()
    m = Matcher(workers=workers, progress=True).fit(synth.documents(n))
    res["build_s"] = round(time.perf_counter() - t, 1)
    cpu1 = _cpu()  # CPU seconds do not grow when the box is shared; wall time does
    res["build_cpu_s"] = {"main": round(cpu1[0] - cpu0[0], 1), "workers": round(cpu1[1] - cpu0[1], 1)}
    res["peak_rss_build_mb"] = round(peak_rss_mb(), 0)
    res["peak_rss_workers_mb"] = round(peak_rss_mb(resource.RUSAGE_CHILDREN), 0)
    qs = synth.queries(n_queries)
    for q in qs[:20]:
        m.query(q, explain=False)
    res["query_top10"] = pct(timed(lambda q: m.query(q, top=10, explain=False), qs))
    res["query_top10_filtered"] = pct(timed(lambda q: m.query(q, top=10, filters={"kind": "result"}, explain=False), qs[:200]))
    res["query_top10_explained"] = pct(timed(lambda q: m.query(q, top=10), qs[:100]))
    new = list(synth.documents(200, seed=99, start=n))
    res["add_one"] = pct(timed(m.add, new[:100]))

    def add_cold(doc):  # empty the Han-run memo first, so the new listing is segmented from scratch
        get_segmenter()._runs.clear()
        m.add(doc)
    res["add_one_cold_tokenizer"] = pct(timed(add_cold, new[100:]))
    res["update_one"] = pct(timed(m.update, [{**d, "text": d["text"] + "新增内容"} for d in new[:100]]))
    res["remove_one"] = pct(timed(m.remove, [d["id"] for d in new[100:]]))
    res["peak_rss_mb"] = round(peak_rss_mb(), 0)
    res["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    t = time.perf_counter()
    m.save(workdir / f"index-{n}")
    res["save_s"] = round(time.perf_counter() - t, 1)
    X = m.word_.main.tocsr()
    np.savez(workdir / f"bm25s-{n}.npz", indptr=X.indptr, indices=X.indices, data=X.data)
    (workdir / f"bm25s-{n}-vocab.json").write_text(json.dumps(list(m.word_.vocab), ensure_ascii=False), encoding="utf-8")
    m = X = None  # free the index before the load test
    code = ("import time,sys;from matching import Matcher;t=time.perf_counter();"
            f"m=Matcher.load({str(workdir / f'index-{n}')!r});print(time.perf_counter()-t, len(m))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    res["load_s"] = round(float(out[0]), 2)
    return res


def run_bm25s_worker(n: int, n_queries: int, workdir: Path) -> dict:
    """Index the exported token ids with bm25s and time single queries (runs in its own process)."""
    import bm25s

    arr = np.load(workdir / f"bm25s-{n}.npz")
    terms = json.loads((workdir / f"bm25s-{n}-vocab.json").read_text(encoding="utf-8"))
    vocab = {t: i for i, t in enumerate(terms)}
    indptr, indices, data = arr["indptr"], arr["indices"], arr["data"]
    t = time.perf_counter()
    ids = [np.repeat(indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]]).tolist() for i in range(len(indptr) - 1)]
    t_ids = time.perf_counter() - t
    del arr
    r = bm25s.BM25(k1=1.5, b=0.75, method="lucene")
    t = time.perf_counter()
    r.index((ids, vocab), show_progress=False)
    build = time.perf_counter() - t
    del ids
    qs = [tokenize(q) for q in synth.queries(n_queries)]
    qs = [[w for w in q if w in vocab] or [terms[0]] for q in qs]
    for q in qs[:20]:
        r.retrieve([q], k=10, show_progress=False, n_threads=1)
    lat = timed(lambda q: r.retrieve([q], k=10, show_progress=False, n_threads=1), qs)
    t = time.perf_counter()
    r.save(str(workdir / f"bm25s-index-{n}"))
    save = time.perf_counter() - t
    t = time.perf_counter()
    bm25s.BM25.load(str(workdir / f"bm25s-index-{n}"))
    return {"n_docs": n, "index_from_ids_s": round(build, 1), "ids_to_lists_s": round(t_ids, 1),
            "peak_rss_mb": round(peak_rss_mb(), 0), "query_top10": pct(lat), "save_s": round(save, 1),
            "load_s": round(time.perf_counter() - t, 2)}


def run_latency(n: int, n_queries: int = 1000, workdir: str = ".bench") -> dict:
    """Top-10 latency of both saved indexes, queries interleaved (fair when the box is shared)."""
    import bm25s

    wd = Path(workdir)
    m = Matcher.load(wd / f"index-{n}")
    r = bm25s.BM25.load(str(wd / f"bm25s-index-{n}"))
    vocab = r.vocab_dict
    texts = synth.queries(n_queries)
    toks = [[w for w in tokenize(q) if w in vocab] or [next(iter(vocab))] for q in texts]
    for q, t in zip(texts[:20], toks[:20]):
        m.query(q, explain=False)
        r.retrieve([t], k=10, show_progress=False, n_threads=1)
    ours, theirs, load0 = [], [], os.getloadavg()[0]
    for q, t in zip(texts, toks):
        ours += timed(lambda x: m.query(x, top=10, explain=False), [q])
        theirs += timed(lambda x: r.retrieve([x], k=10, show_progress=False, n_threads=1), [t])
    out = {"n_docs": n, "matching": pct(ours), "bm25s": pct(theirs),
           "loadavg_start_end": [round(load0, 2), round(os.getloadavg()[0], 2)]}
    (wd / f"latency-{n}.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(json.dumps(out, indent=1))
    return out


def run_speed(n: int, workers: int = 2, queries: int = 1000, workdir: str = ".bench",
              with_bm25s: bool = True, as_json: bool = False) -> dict:
    """Both engines at one scale; prints JSON and writes WORKDIR/speed-N.json."""
    wd = Path(workdir)
    wd.mkdir(parents=True, exist_ok=True)
    out = {"matching": run_matching(n, workers, queries, wd)}
    print(json.dumps(out["matching"]), file=sys.stderr, flush=True)
    if with_bm25s:
        cmd = [sys.executable, "-m", "matching.benchmark.speed", str(n), str(queries), str(wd)]
        p = subprocess.run(cmd, capture_output=True, text=True, check=False)
        out["bm25s"] = json.loads(p.stdout.strip().splitlines()[-1]) if p.returncode == 0 else {"error": p.stderr[-2000:]}
    (wd / f"speed-{n}.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    print(json.dumps(run_bm25s_worker(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))))
