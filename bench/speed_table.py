"""Markdown table from the speed benchmark's JSON files.

    .venv/bin/python bench/speed_table.py .bench/speed-100000.json .bench/speed-1000000.json
"""
import json
import os
import sys


def ms(d):
    return f"{d['p50_ms']:.2f} / {d['p95_ms']:.2f}"


rows = [
    ("documents", lambda m, b: (f"{m['n_docs']:,}", f"{b['n_docs']:,}")),
    ("index build (s)", lambda m, b: (f"{m['build_s']:.1f} (from raw text, 2 workers)",
                                      f"{b['index_from_ids_s']:.1f} (from our token ids) + {b['ids_to_lists_s']:.1f} ids→lists")),
    ("build CPU seconds: main / workers", lambda m, b: (f"{m['build_cpu_s']['main']} / {m['build_cpu_s']['workers']}", "")),
    ("peak RSS (MB)", lambda m, b: (f"{m['peak_rss_mb']:.0f} (workers {m['peak_rss_workers_mb']:.0f})", f"{b['peak_rss_mb']:.0f}")),
    ("top-10 query p50 / p95 (ms)", lambda m, b: (ms(m["query_top10"]), ms(b["query_top10"]))),
    ("top-10, filter kind=result", lambda m, b: (ms(m["query_top10_filtered"]), "—")),
    ("top-10 with explanations", lambda m, b: (ms(m["query_top10_explained"]), "—")),
    ("add one document", lambda m, b: (ms(m["add_one"]), "— (no incremental add)")),
    ("add one, tokenizer memo emptied", lambda m, b: (ms(m["add_one_cold_tokenizer"]), "—")),
    ("update one; remove one", lambda m, b: (f"{ms(m['update_one'])}; {ms(m['remove_one'])}", "—")),
    ("save (s)", lambda m, b: (f"{m['save_s']:.1f}", f"{b['save_s']:.1f}")),
    ("load saved index (s, fresh process)", lambda m, b: (f"{m['load_s']:.2f}", f"{b['load_s']:.2f}")),
    ("load average start → end", lambda m, b: (f"{m.get('loadavg_start', ['?'])[0]} → {m.get('loadavg_end', ['?'])[0]}", "")),
]
for path in sys.argv[1:]:
    with open(path) as f:
        d = json.load(f)
    m, b = d["matching"], d.get("bm25s", {})
    print(f"\n**{m['n_docs']:,} documents** (`{path}`)\n")
    print("| measure | matching | bm25s 0.3.16 |\n|---|---|---|")
    for name, fn in rows:
        try:
            a, c = fn(m, b)
        except (KeyError, TypeError):
            a, c = "?", "?"
        print(f"| {name} | {a} | {c} |")

lat = [p.replace("speed-", "latency-") for p in sys.argv[1:]]
rows = []
for p in lat:
    if os.path.exists(p):
        with open(p) as f:
            rows.append(json.load(f))
if rows:
    print("\n**Interleaved re-timing** (`--latency-only`: both saved indexes in one process, "
          "one query on each engine in turn)\n")
    print("| documents | matching p50 / p95 (ms) | bm25s p50 / p95 (ms) | load average start → end |\n|---:|---|---|---|")
    for r in rows:
        print(f"| {r['n_docs']:,} | {ms(r['matching'])} | {ms(r['bm25s'])} | "
              f"{r['loadavg_start_end'][0]} → {r['loadavg_start_end'][1]} |")
