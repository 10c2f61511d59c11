"""Quiet single-client page times, in process (docs/benchmarks.md, "Load benchmark"): the same
pages as bench/load/pages.py, requested through the Flask test client (no HTTP server, no other
load), against each database given, each in its own process with its saved match index. For the
ratio of each size to the demo size without the noise of a server that has just been loaded.

    .venv/bin/python bench/load/inprocess.py --password PASSWORD --targets T.json DEMO_DB 100K_DB 1M_DB

Databases are names on the server of ``--pg``, seeded and prepared by bench/load/run.py (``--keep``
or ``--database``): their bench accounts exist and their indexes are in bench/out/index-NAME.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/demands/", "/demands/?field=new_energy&sort=newest", "/results/?page=50", "/demands/?q={w1}",
         "/results/?q={w13}", "/search?q={w2}", "/stats/", "/api/v1/demands?per_page=20", "/api/v1/results?q={w2}",
         "@/me/", "@/notifications/", "@/pairings/", "@/api/v1/demands?mine=1"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def measure(args) -> dict:
    """p50 and p95 (ms) of every page on one database (run in a child process)."""
    os.environ.update(DATABASE_URL=args.pg.rsplit("/", 1)[0] + "/" + args.one, SECRET_KEY="inprocess",
                      INNOBRIDGE_MATCH_INDEX_DIR=str(ROOT / "bench/out" / f"index-{args.one}"))
    sys.path.insert(0, str(ROOT))
    from marketplace import create_app

    app = create_app()
    targets = json.loads(Path(args.targets).read_text(encoding="utf-8"))
    words, account = targets["words"], targets["accounts"][0]["email"]
    anonymous, member = app.test_client(), app.test_client()
    token = CSRF.search(member.get("/auth/login").get_data(as_text=True)).group(1)
    member.post("/auth/login", data={"email": account, "password": args.password, "csrf_token": token})
    figures = {}
    for page in PAGES:
        rng, client, times = random.Random(7), member if page.startswith("@") else anonymous, []
        for i in range(args.warm + args.repeat):
            path = page.lstrip("@").format(w1=rng.choice(words), w2=" ".join(rng.sample(words, 2)),
                                           w13=" ".join(rng.sample(words, 13)))
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{args.one} {path}: {response.status_code}")
            if i >= args.warm:
                times.append(elapsed)
        times.sort()
        figures[page.lstrip("@")] = (round(statistics.median(times), 1), round(times[int(0.95 * (len(times) - 1))], 1))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("databases", nargs="*", help="database names, the first one the baseline")
    parser.add_argument("--password", required=True, help="the bench accounts' password")
    parser.add_argument("--targets", required=True, help="a targets.json of bench/load/prepare.py (the words)")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--warm", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args)))
        return
    results = {}
    for name in args.databases:
        command = [sys.executable, __file__, "--one", name, "--password", args.password, "--targets", args.targets,
                   "--pg", args.pg, "--warm", str(args.warm), "--repeat", str(args.repeat)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"load average {os.getloadavg()[0]:.2f}; p50 / p95 ms, p95 ratio to {args.databases[0]}\n")
    print("| page | " + " | ".join(args.databases) + " |\n|---|" + "---:|" * len(args.databases))
    for page in results[args.databases[0]]:
        base = results[args.databases[0]][page][1]
        print(f"| `{page}` | " + " | ".join(f"{results[n][page][0]} / {results[n][page][1]} ({results[n][page][1] / base:.1f}×)"
                                            for n in args.databases) + " |")


if __name__ == "__main__":
    main()
