"""Load benchmark driver (docs/benchmarks.md, "Load"): a scratch PostgreSQL database, migrated and
seeded (demo data, optionally ``--synthetic N``), its match index rebuilt, gunicorn started with
gunicorn.conf.py, the locust scenario of bench/load/locustfile.py run headless for a fixed time
with a fixed number of users, and the figures saved under bench/out/<label>-<time>/: requests/s,
p50/p95/p99 and errors per endpoint group, the machine's load and the CPU of the load generator,
gunicorn and PostgreSQL. Then gunicorn is stopped and the database dropped.

    nice -n 5 .venv/bin/python bench/load/run.py --label demo --users 40 --duration 120
    nice -n 5 .venv/bin/python bench/load/run.py --label 100k --synthetic 50000 --users 40 --duration 120

Rate limits are raised for the run (INNOBRIDGE_RATELIMIT_*), so the figures never measure 429s.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import psutil
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
UNLIMITED = "1000000 per minute"
RATE_LIMITS = ("LOGIN_ACCOUNT_ADDRESS", "LOGIN_ACCOUNT", "LOGIN_ADDRESS", "PASSWORD_CHANGE", "REGISTRATION",
               "MESSAGES", "PROPOSALS", "LISTINGS", "SIGNING")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Mixed load benchmark against gunicorn + PostgreSQL.")
    p.add_argument("--label", default="run", help="name of the output folder (with the time)")
    p.add_argument("--synthetic", type=int, default=0, help="flask seed --synthetic N (N demands + N results)")
    p.add_argument("--users", type=int, default=40, help="simultaneous virtual users")
    p.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    p.add_argument("--duration", type=int, default=120, help="measured seconds")
    p.add_argument("--warmup", type=int, default=15, help="seconds of unmeasured load first")
    p.add_argument("--wait", default="0.2,1.0", help="think time min,max seconds between a user's requests")
    p.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "4")), help="gunicorn workers")
    p.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "4")), help="threads per worker")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
                   help="a PostgreSQL URL whose server gets the scratch database")
    p.add_argument("--database", help="use this existing, seeded database instead of a scratch one (kept)")
    p.add_argument("--keep", action="store_true", help="keep the scratch database (its name is printed)")
    p.add_argument("--redis", default="", help="REDIS_URL for the app (shared cache and rate limits)")
    return p.parse_args()


def admin(pg: str, statement: str) -> None:
    engine = sa.create_engine(pg, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(statement))
    engine.dispose()


def run(cmd: list[str], env: dict, log: Path) -> None:
    """Run a setup step; its output goes to ``log``; stop on failure."""
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        done = subprocess.run(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed; see {log}")


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def memory_mb(processes: list[psutil.Process]) -> dict:
    """The server's memory: resident (pages shared by the workers counted in each) and
    proportional (shared pages divided among their sharers, so the sum is what the machine spends)."""
    rss = pss = 0
    for proc in processes:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + info.rss, pss + getattr(info, "pss", info.rss)
    return {"rss_sum": round(rss / 2**20), "pss_sum": round(pss / 2**20), "processes": len(processes)}


def tree(pid: int) -> list[psutil.Process]:
    parent = psutil.Process(pid)
    return [parent, *parent.children(recursive=True)]


def postgres_processes() -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("postgres")]


def wait_healthy(port: int, seconds: int = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit("gunicorn did not become healthy")


def locust(args, env: dict, out: Path, seconds: int, prefix: str) -> tuple[float, float]:
    """One headless locust run; returns its wall seconds and its own CPU seconds."""
    cmd = [str(BIN / "locust"), "-f", str(ROOT / "bench/load/locustfile.py"), "--headless", "--only-summary",
           "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{seconds}s", "--stop-timeout", "10",
           "--host", f"http://127.0.0.1:{args.port}", "--csv", str(out / prefix), "--exit-code-on-error", "0"]
    start = time.monotonic()
    with (out / f"{prefix}.log").open("w") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        handle, used = psutil.Process(proc.pid), 0.0
        while proc.poll() is None:
            try:
                used = cpu_seconds([handle])
            except psutil.Error:
                pass
            time.sleep(0.5)
    return time.monotonic() - start, used


def summarize(out: Path, wall: float, cpu: dict, load: dict, args) -> dict:
    """Per endpoint group and in total: requests, req/s, p50/p95/p99 (ms), failures."""
    groups = []
    with (out / "measured_stats.csv").open() as f:
        for row in csv.DictReader(f):
            groups.append({"group": row["Name"], "method": row["Type"], "requests": int(row["Request Count"]),
                           "failures": int(row["Failure Count"]), "rps": round(float(row["Requests/s"]), 2),
                           "p50": row["50%"], "p95": row["95%"], "p99": row["99%"]})
    failures_file = out / "measured_failures.csv"
    failures = list(csv.DictReader(failures_file.open())) if failures_file.exists() else []
    return {"label": args.label, "synthetic": args.synthetic, "users": args.users, "duration_s": args.duration,
            "wait_s": args.wait, "workers": args.workers, "threads": args.threads, "wall_s": round(wall, 1),
            "cpu_seconds": cpu, "cpu_share_of_2_cores": {k: round(v / wall / psutil.cpu_count(), 3) for k, v in cpu.items()},
            "load": load, "groups": groups, "failures": failures}


def markdown(summary: dict) -> str:
    data = (f"database {summary['database']}, seeded before" if summary.get("database")
            else f"{summary['synthetic']:,} synthetic per side")
    lines = [f"# Load run {summary['label']} ({data})", "",
             f"{summary['users']} users, think time {summary['wait_s']} s, {summary['duration_s']} s measured; "
             f"gunicorn {summary['workers']} workers × {summary['threads']} threads", "",
             f"load average before {summary['load']['before']}, after {summary['load']['after']}; "
             f"machine CPU busy {summary['load']['cpu_busy_percent']}%", "",
             "CPU seconds during the measured run: " + ", ".join(f"{k} {v:.1f}" for k, v in summary["cpu_seconds"].items()),
             "", f"gunicorn memory after the run (master and workers): {summary.get('memory_mb')}",
             "", "| group | requests | req/s | p50 ms | p95 ms | p99 ms | failures |", "|---|---:|---:|---:|---:|---:|---:|"]
    for g in summary["groups"]:
        lines.append(f"| {g['group']} ({g['method']}) | {g['requests']} | {g['rps']} | {g['p50']} | {g['p95']} | "
                     f"{g['p99']} | {g['failures']} |" if g["group"] != "Aggregated" else
                     f"| **all** | {g['requests']} | {g['rps']} | {g['p50']} | {g['p95']} | {g['p99']} | {g['failures']} |")
    if summary.get("single_client"):
        lines += ["", "Single client, one request at a time (bench/load/pages.py):", "",
                  "| page | p50 ms | p95 ms |", "|---|---:|---:|"]
        lines += [f"| {name} | {f['p50']} | {f['p95']} |" for name, f in summary["single_client"].items()]
    for f in summary["failures"]:
        lines.append(f"- failure: {f.get('Method')} {f.get('Name')}: {f.get('Error')} ×{f.get('Occurrences')}")
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    out = ROOT / "bench/out" / f"{args.label}-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}"
    out.mkdir(parents=True)
    name = args.database or f"bench_load_{os.getpid()}"
    url = args.pg.rsplit("/", 1)[0] + "/" + name
    password = "bench-" + secrets.token_hex(8)
    index_dir = ROOT / "bench/out" / f"index-{name}" if args.database else out / "index"
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32), "FLASK_APP": "wsgi",
                        "INNOBRIDGE_MATCH_INDEX_DIR": str(index_dir), "WORKERS": str(args.workers),
                        "PORT": str(args.port), "HOST": "127.0.0.1",
                        "BENCH_TARGETS": str(out / "targets.json"), "BENCH_WAIT": args.wait}
    env |= {f"INNOBRIDGE_RATELIMIT_{limit}": UNLIMITED for limit in RATE_LIMITS}
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    setup = out / "setup.log"
    if not args.database:
        admin(args.pg, f'CREATE DATABASE "{name}"')
    server = None
    try:
        started = time.monotonic()
        run([str(BIN / "flask"), "db", "upgrade"], env, setup)
        if args.database:  # seeded before; its index is kept beside bench/out between runs
            run([str(BIN / "flask"), "match", "rebuild", "--if-missing"], env, setup)
        else:  # seed --synthetic rebuilds the index itself
            run([str(BIN / "flask"), "seed", "--password", password]
                + (["--synthetic", str(args.synthetic)] if args.synthetic else []), env, setup)
            if not args.synthetic:
                run([str(BIN / "flask"), "match", "rebuild"], env, setup)
        run([str(BIN / "python"), "bench/load/prepare.py", str(out / "targets.json"), "--users", str(args.users),
             "--password", password], env, setup)
        print(f"setup: {time.monotonic() - started:.0f} s (database {name})", flush=True)
        with (out / "gunicorn.log").open("w") as log:
            server = subprocess.Popen([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--threads",
                                       str(args.threads), "wsgi:app"], env=env, cwd=ROOT, stdout=log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        wait_healthy(args.port)
        if args.warmup:
            locust(args, env, out, args.warmup, "warmup")
        load = {"before": [round(x, 2) for x in os.getloadavg()]}
        cpu_before = {"gunicorn": cpu_seconds(tree(server.pid)), "postgres (whole server)": cpu_seconds(postgres_processes())}
        psutil.cpu_percent()
        wall, generator = locust(args, env, out, args.duration, "measured")
        load |= {"after": [round(x, 2) for x in os.getloadavg()], "cpu_busy_percent": psutil.cpu_percent()}
        cpu = {"load generator (locust)": generator,
               "gunicorn": cpu_seconds(tree(server.pid)) - cpu_before["gunicorn"],
               "postgres (whole server)": cpu_seconds(postgres_processes()) - cpu_before["postgres (whole server)"]}
        summary = summarize(out, wall, cpu, load, args)
        summary["memory_mb"] = memory_mb(tree(server.pid))
        summary["database"] = args.database or ""
        time.sleep(5)  # the load's last requests drain
        subprocess.run([str(BIN / "python"), "bench/load/pages.py", f"http://127.0.0.1:{args.port}",
                        str(out / "targets.json"), str(out / "pages.json")], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        summary["single_client"] = json.loads((out / "pages.json").read_text(encoding="utf-8"))
        (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
        (out / "summary.md").write_text(markdown(summary))
        print(markdown(summary))
        print(f"figures in {out}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        if not args.database and not args.keep:
            admin(args.pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        elif not args.database:
            print(f"database kept: {name}")


if __name__ == "__main__":
    main()
