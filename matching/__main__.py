"""Command line: ``python -m matching rank|build|query|explain|bench`` (results on stdout, progress on stderr)."""
from __future__ import annotations

import argparse
import json
import os
import sys

from .matcher import Matcher


def _jsonl(path):
    """Stream JSON objects from a JSON-lines file ('-' for stdin)."""
    f = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115 (closed below)
    try:
        for line in f:
            if line.strip():
                yield json.loads(line)
    finally:
        if f is not sys.stdin:
            f.close()


def _emit(obj) -> None:
    """One JSON line on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _filters(args) -> dict | None:
    """Filters from --kind/--field/--status."""
    f = {k: getattr(args, k) for k in ("kind", "field", "status") if getattr(args, k, None)}
    return f or None


def _matcher(args) -> Matcher:
    """A matcher from the common tuning options."""
    weights = json.loads(args.weights) if args.weights else None
    return Matcher(weights=weights, workers=args.workers, progress=not args.quiet)


def _progress(iterable, total, quiet, desc):
    """tqdm on stderr unless quiet."""
    from tqdm import tqdm
    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, disable=quiet)


def cmd_rank(args) -> None:
    """Fit on a corpus and rank every query: {"query_id", "ranked"} per line."""
    m = _matcher(args).fit(_jsonl(args.corpus))
    queries = list(_jsonl(args.queries))
    for q in _progress(queries, len(queries), args.quiet, "ranking"):
        ranked = m.query(q.get("text") or "", top=args.top, filters=_filters(args), explain=False)
        _emit({"query_id": q["id"], "ranked": [x.id for x in ranked]})


def cmd_build(args) -> None:
    """Fit on a corpus and save the index to a directory."""
    m = _matcher(args).fit(_jsonl(args.corpus))
    m.save(args.index)
    print(f"indexed {len(m)} documents into {args.index}", file=sys.stderr)


def cmd_query(args) -> None:
    """Query a saved index with text (or each line of --queries): matches with explanations."""
    m = Matcher.load(args.index)
    queries = [{"id": None, "text": args.text}] if args.text else list(_jsonl(args.queries))
    for q in queries:
        res = m.query(q["text"], top=args.top, filters=_filters(args), explain=not args.no_explain)
        _emit({"query_id": q.get("id"), "matches": [x.to_dict() for x in res]})


def cmd_explain(args) -> None:
    """Explain one document's score for a text against a saved index."""
    m = Matcher.load(args.index)
    doc_id = args.doc
    if doc_id not in m and doc_id.lstrip("-").isdigit():
        doc_id = int(doc_id)
    _emit(m.explain(args.text, doc_id).to_dict())


def cmd_bench(args) -> None:
    """Quality and/or speed benchmarks."""
    if args.quality:
        from .benchmark.quality import run_quality
        run_quality(args.dataset or [], args.seeds, _matcher(args), as_json=args.json)
    for n in args.scale or []:
        from .benchmark.speed import run_latency, run_speed
        if args.latency_only:
            run_latency(n, args.n_queries, args.workdir)
        else:
            run_speed(n, workers=args.workers, queries=args.n_queries, workdir=args.workdir,
                      with_bm25s=not args.no_bm25s, as_json=args.json)


def main(argv=None) -> None:
    """Parse arguments and run a subcommand."""
    ap = argparse.ArgumentParser(prog="python -m matching", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="tokenizing processes")
        p.add_argument("--weights", help='JSON blend weights, e.g. {"char": 0.4}')
        p.add_argument("--quiet", action="store_true", help="no progress bars")

    def filters(p):
        for k in ("kind", "field", "status"):
            p.add_argument(f"--{k}", help=f"only documents with this {k}")

    p = sub.add_parser("rank", help="rank queries against a corpus (JSONL in, JSONL out)")
    p.add_argument("--corpus", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--top", type=int, default=10)
    common(p); filters(p)
    p.set_defaults(fn=cmd_rank)
    p = sub.add_parser("build", help="index a corpus into a directory")
    p.add_argument("--corpus", required=True)
    p.add_argument("--index", required=True)
    common(p)
    p.set_defaults(fn=cmd_build)
    p = sub.add_parser("query", help="query a saved index")
    p.add_argument("--index", required=True)
    p.add_argument("--text")
    p.add_argument("--queries")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--no-explain", action="store_true")
    filters(p)
    p.set_defaults(fn=cmd_query)
    p = sub.add_parser("explain", help="why a document matches a text")
    p.add_argument("--index", required=True)
    p.add_argument("--text", required=True)
    p.add_argument("--doc", required=True)
    p.set_defaults(fn=cmd_explain)
    p = sub.add_parser("bench", help="quality (--quality) and speed (--scale N) benchmarks")
    p.add_argument("--quality", action="store_true")
    p.add_argument("--dataset", action="append", help="retrieval set dir (corpus.jsonl, queries.jsonl)")
    p.add_argument("--seeds", help="demo data dir with demands/results/pairs.json")
    p.add_argument("--scale", type=int, action="append", help="synthetic corpus size (repeatable)")
    p.add_argument("--n-queries", type=int, default=1000)
    p.add_argument("--workdir", default=".bench", help="where saved indexes go")
    p.add_argument("--no-bm25s", action="store_true")
    p.add_argument("--latency-only", action="store_true",
                   help="re-time queries on the indexes a --scale run saved, both engines interleaved")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(fn=cmd_bench)
    args = ap.parse_args(argv)
    if args.cmd == "query" and not (args.text or args.queries):
        ap.error("query needs --text or --queries")
    if args.cmd == "bench" and not (args.quality or args.scale):
        ap.error("bench needs --quality and/or --scale N")
    args.fn(args)


if __name__ == "__main__":
    main()
