"""Single-client page times (docs/benchmarks.md, "Load benchmark"): one client, one request at a
time, each page REPEAT times after WARM unmeasured requests, p50 and p95 in milliseconds. Run by
bench/load/run.py against its gunicorn after the load run (the machine otherwise idle), so each
size of one sitting gets the same table; or by hand against any server:

    .venv/bin/python bench/load/pages.py http://127.0.0.1:8765 bench/out/<run>/targets.json out.json
"""
from __future__ import annotations

import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

import requests

WARM, REPEAT = 3, 30
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pages(t: dict, rng: random.Random) -> dict:
    """Page name → a function giving the next path (varied where the scenario varies it)."""
    word = lambda n: " ".join(rng.sample(t["words"], min(n, len(t["words"]))))  # noqa: E731
    return {
        "home": lambda: "/",
        "demand list": lambda: "/demands/",
        "list, field filter, newest": lambda: f"/demands/?field={rng.choice(t['fields'])}&sort=newest",
        "list, page 50": lambda: f"/results/?page={t['deepest_page']}",
        "keyword list, 1 word": lambda: f"/demands/?q={word(1)}",
        "keyword list, 13 words": lambda: f"/results/?q={word(13)}",
        "search": lambda: f"/search?q={word(2)}",
        "demand detail (suggestions)": lambda: f"/demands/{rng.choice(t['demand_ids'])}",
        "statistics": lambda: "/stats/",
        "API list": lambda: "/api/v1/demands?per_page=20",
        "API keyword list": lambda: f"/api/v1/results?q={word(2)}",
    }


SIGNED_IN = {"workspace": "/me/", "notifications": "/notifications/", "my pairings": "/pairings/",
             "API list, own listings (token)": "/api/v1/demands?mine=1"}


def timed(session: requests.Session, base: str, path, headers=None) -> list[float]:
    times = []
    for i in range(WARM + REPEAT):
        target = path() if callable(path) else path
        start = time.perf_counter()
        response = session.get(base + target, headers=headers or {}, allow_redirects=False)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{target}: {response.status_code}")
        if i >= WARM:
            times.append(elapsed)
    return times


def summary(times: list[float]) -> dict:
    times = sorted(times)
    return {"p50": round(statistics.median(times), 1), "p95": round(times[int(0.95 * (len(times) - 1))], 1)}


def main() -> None:
    base, targets_file, out = sys.argv[1], sys.argv[2], sys.argv[3]
    t = json.loads(Path(targets_file).read_text(encoding="utf-8"))
    rng = random.Random(7)
    results = {}
    anonymous = requests.Session()
    for name, path in pages(t, rng).items():
        results[name] = summary(timed(anonymous, base, path))
    member = requests.Session()
    account = t["accounts"][0]
    login = member.get(base + "/auth/login").text
    member.post(base + "/auth/login", data={"email": account["email"], "password": t["password"],
                                             "csrf_token": CSRF.search(login).group(1)}, allow_redirects=False)
    token = requests.post(base + "/api/v1/tokens", json={"email": account["email"], "password": t["password"]}).json()
    for name, path in SIGNED_IN.items():
        headers = {"Authorization": f"Bearer {token['token']}"} if "token" in name else None
        results[name] = summary(timed(requests.Session() if headers else member, base, path, headers))
    Path(out).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    for name, figures in results.items():
        print(f"{name:34} p50 {figures['p50']:8.1f}  p95 {figures['p95']:8.1f} ms")


if __name__ == "__main__":
    main()
