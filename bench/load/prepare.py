"""Before a load run: one account per virtual user (each with a published listing to propose
from), and the targets the scenario draws from, written as JSON.

Run with the benchmark's environment (DATABASE_URL …):
    .venv/bin/python bench/load/prepare.py OUT.json --users 40 --password PASSWORD
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from marketplace import create_app  # noqa: E402
from marketplace.services import accounts, demands, results  # noqa: E402
from marketplace.services.passwords import hash_password  # noqa: E402
from models import Demand, DemandStatus, Field, Result, ResultStatus, User, db  # noqa: E402

DOMAIN = "bench.innobridge.cn"


def bench_accounts(count: int, password: str) -> list[dict]:
    """``count`` accounts, enterprises and researchers in turn, each in its own organization with
    one published listing; existing ones are reused."""
    made = []
    for i in range(count):
        role = "enterprise" if i % 2 == 0 else "researcher"
        email = f"bench-{i:04d}@{DOMAIN}"
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = accounts.register_user({
                "email": email, "password": password, "role": role,
                "organization": {"name": f"压测机构{i:04d}", "kind": "enterprise" if role == "enterprise" else "university",
                                 "region": "上海市浦东新区"}})
            db.session.flush()
            _listing(user, role, i)
        else:  # an account of an earlier run on a kept database: this run's password
            user.password_hash = hash_password(password)
        made.append({"email": email, "role": role})
    db.session.commit()
    return made


def _listing(user: User, role: str, i: int) -> None:
    """A published listing of the account's organization (what it proposes pairings from)."""
    common = {"field": "ai", "keywords": ["机器视觉", "缺陷检测"], "region": "上海市浦东新区", "status": "published"}
    if role == "enterprise":
        demands.create_demand(user, common | {
            "title": f"压测需求{i:04d}：产线视觉缺陷检测", "description": "希望引入机器视觉缺陷检测方案，提升良率。",
            "budget_min": 50, "budget_max": 100, "deadline": (date.today() + timedelta(days=180)).isoformat(),
            "cooperation_mode": "development", "trl_target": 6, "visibility": "public"})
    else:
        results.create_result(user, common | {
            "title": f"压测成果{i:04d}：基于深度学习的表面缺陷检测", "abstract": "基于深度学习的表面缺陷检测方法，已完成中试。",
            "trl": 6, "maturity": "pilot", "transfer_modes": ["license"], "asking_price": 80})


def targets(users: list[dict], password: str, sample: int = 2000) -> dict:
    """Ids, fields, regions and words the scenario picks from (a random sample of published rows)."""
    def ids(model, status) -> list[int]:
        return list(db.session.scalars(sa.select(model.id).where(model.status == status)
                                       .order_by(sa.func.random()).limit(sample)))

    demand_ids, result_ids = ids(Demand, DemandStatus.PUBLISHED), ids(Result, ResultStatus.PUBLISHED)
    words: Counter = Counter()
    for model, chosen in ((Demand, demand_ids), (Result, result_ids)):
        for keywords in db.session.scalars(sa.select(model.keywords).where(model.id.in_(chosen[:500]))):
            words.update(keywords)
    regions = [r for r, in db.session.execute(
        sa.select(Demand.region).where(Demand.id.in_(demand_ids)).group_by(Demand.region)
        .order_by(sa.func.count().desc()).limit(40))]
    published = db.session.scalar(sa.select(sa.func.count()).where(Demand.status == DemandStatus.PUBLISHED))
    return {"demand_ids": demand_ids, "result_ids": result_ids, "words": [w for w, _ in words.most_common(400)],
            "fields": list(db.session.scalars(sa.select(Field.code))), "regions": regions,
            "deepest_page": max(1, min(50, published // 20)), "accounts": users, "password": password}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        made = bench_accounts(args.users, args.password)
        Path(args.out).write_text(json.dumps(targets(made, args.password), ensure_ascii=False))
    print(f"{len(made)} bench accounts; targets in {args.out}")


if __name__ == "__main__":
    main()
