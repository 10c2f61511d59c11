"""What the audit log costs a write: the same listing edits (a service call and its commit, as a
request makes them) timed with the log recording and with it suppressed, in alternating blocks so
that the machine's drift falls on both alike.

    .venv/bin/python bench/audit_overhead.py                    # SQLite (a temporary file)
    .venv/bin/python bench/audit_overhead.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

On PostgreSQL it works in a throw-away schema. Prints the median time per edit each way, the
difference and the machine's load average."""
from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--edits", type=int, default=2000, help="edits each way (default 2000)")
    parser.add_argument("--block", type=int, default=100, help="edits per alternating block")
    args = parser.parse_args()

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from marketplace import create_app

    instance = tempfile.mkdtemp(prefix="audit-bench-")
    url, options, schema = args.database_url, {}, None
    if url:
        schema = f"bench_{secrets.token_hex(4)}"
        with sa.create_engine(url).begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
    else:
        url = f"sqlite:///{instance}/bench.db"
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "MATCH_INDEX_DIR": "", "UPLOAD_DIR": f"{instance}/uploads", "RATELIMIT_ENABLED": False})
    try:
        with app.app_context():
            upgrade()
            timings = run(args.edits, args.block)
    finally:
        if schema:
            with sa.create_engine(args.database_url).begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    on, off = (statistics.median(timings[name]) * 1000 for name in ("on", "off"))
    load = os.getloadavg()
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}; {args.edits} edits each way, "
          f"blocks of {args.block}")
    print(f"median per edit: audit on {on:.2f} ms, suppressed {off:.2f} ms, "
          f"difference {on - off:+.2f} ms ({(on / off - 1) * 100:+.0f}%)")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


def run(edits: int, block: int) -> dict[str, list[float]]:
    from marketplace.services import audit, demands
    from models import AuditEntry, Role, db
    from tests.factories import demand_data, make_user

    owner = make_user(Role.ENTERPRISE)
    demand = demands.create_demand(owner, demand_data(status="published"))
    db.session.commit()
    for n in range(block):  # warm up: the first edits fill caches and compile statements
        edit(demands, owner, demand.id, -n)
    timings: dict[str, list[float]] = {"on": [], "off": []}
    done = 0
    while done < edits:
        for mode in ("on", "off"):
            for i in range(block):
                started = time.perf_counter()
                if mode == "on":
                    edit(demands, owner, demand.id, done + i)
                else:
                    with audit.suppressed():
                        edit(demands, owner, demand.id, done + i)
                timings[mode].append(time.perf_counter() - started)
        done += block
    logged = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry))
    assert logged >= edits, f"the log holds {logged} entries for {edits} recorded edits"
    return timings


def edit(demands, owner, demand_id: int, n: int) -> None:
    from models import db

    demands.update_demand(owner, demand_id, {"title": f"动力电池热失控早期预警技术（第 {n} 版）"})
    db.session.commit()


if __name__ == "__main__":
    main()
