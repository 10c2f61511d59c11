"""Generated demands and results for scale tests (``flask seed --synthetic N``).

Rows are built from the demo data's vocabulary and bulk-inserted in batches; every value is
generated inside the services' rules (lengths, ranges, enums), which the tests check by
running generated rows through the services' validation.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

import sqlalchemy as sa
from tqdm import tqdm

from marketplace.services import accounts
from models import (CooperationMode, Demand, DemandStatus, Event, EventKind, Field, Maturity, Result, ResultStatus,
                    TransferMode, User, Visibility, db, utcnow)
from .loader import DEMO_DOMAIN, read

BATCH = 2000
_DEMAND_OPENERS = ["我公司在{kw}方面遇到瓶颈，", "面向{kw}应用，", "为提升{kw}的性能与良率，", "针对{kw}成本偏高的问题，"]
_DEMAND_ASKS = ["希望寻求具备{kw2}经验的团队合作开发。", "拟征集{kw2}相关技术方案，要求可在一年内完成验证。",
                "需要{kw2}的成熟技术，支持技术许可或转让。"]
_RESULT_OPENERS = ["本成果提出一种基于{kw}的新方法，", "团队研制了{kw}原型系统，", "本项目围绕{kw}开展研究，"]
_RESULT_CLAIMS = ["结合{kw2}，关键指标较现有方案提升约{n}%。", "在{kw2}场景完成小试验证，稳定运行{n}小时。",
                  "已申请{kw2}相关发明专利，可用于批量生产。"]


def _vocabulary() -> dict[str, list[str]]:
    """Keywords of the demo data by field code (all fields fall back to the whole pool)."""
    vocab: dict[str, list[str]] = {}
    for name in ("demands.json", "results.json"):
        for item in read(name):
            vocab.setdefault(item["field"], []).extend(item.get("keywords", []))
    return vocab


def _owner(kind: str) -> User:
    """A synthetic enterprise or university account, created once."""
    email = f"synthetic-{kind}@{DEMO_DOMAIN}"
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        admin = db.session.scalar(sa.select(User).where(User.email == f"admin@{DEMO_DOMAIN}"))
        role, org_kind = ("enterprise", "enterprise") if kind == "enterprise" else ("researcher", "university")
        user = accounts.create_user(admin, {
            "email": email, "password": f"synthetic-{random.SystemRandom().getrandbits(64):x}", "role": role,
            "organization": {"name": f"合成数据{'示范企业' if kind == 'enterprise' else '示范大学'}", "kind": org_kind,
                             "region": "上海市"}})
    return user


def synthetic_rows(n: int, kind: str, owner: User, fields: list[str], vocab: dict[str, list[str]],
                   seed: int = 42) -> Iterator[dict]:
    """``n`` valid rows for the demands or results table."""
    rng = random.Random(seed if kind == "demand" else seed + 1)
    pool = [word for words in vocab.values() for word in words]
    now, today = utcnow(), date.today()
    for i in range(n):
        field = fields[i % len(fields)]
        words = vocab.get(field) or pool
        kw, kw2 = rng.choice(words), rng.choice(pool if rng.random() < 0.3 else words)
        keywords = sorted({kw, kw2, rng.choice(words)})
        base = {"organization_id": owner.organization_id, "created_by_id": owner.id, "field_code": field,
                "keywords": keywords, "created_at": now, "updated_at": now, "published_at": now,
                "region": owner.organization.region}
        if kind == "demand":
            low = rng.choice([10, 20, 50, 100, 200])
            text = rng.choice(_DEMAND_OPENERS).format(kw=kw) + rng.choice(_DEMAND_ASKS).format(kw2=kw2)
            yield base | {"title": f"{kw}{rng.choice(['技术攻关', '工艺优化', '国产化替代', '方案征集'])}（合成 {i + 1}）",
                          "description": text, "summary": "", "budget_min": low, "budget_max": low * rng.choice([2, 3, 5]),
                          "deadline": today + timedelta(days=rng.randint(60, 400)),
                          "cooperation_mode": rng.choice(list(CooperationMode)), "trl_target": rng.randint(3, 8),
                          "visibility": Visibility.PUBLIC, "status": DemandStatus.PUBLISHED}
        else:
            trl = rng.randint(2, 9)
            text = rng.choice(_RESULT_OPENERS).format(kw=kw) + rng.choice(_RESULT_CLAIMS).format(kw2=kw2, n=rng.randint(10, 500))
            yield base | {"title": f"{kw}{rng.choice(['关键技术', '新方法', '原型系统', '制备工艺'])}（合成 {i + 1}）",
                          "abstract": text, "trl": trl, "maturity": list(Maturity)[min((trl - 1) // 2, 3)],
                          "transfer_modes": rng.sample(TransferMode.codes(), rng.randint(1, 3)),
                          "asking_price": rng.choice([None, 30, 80, 150, 300]), "status": ResultStatus.PUBLISHED}


def load_synthetic(n: int, progress: bool = False) -> int:
    """Insert ``n`` demands and ``n`` results in batches; commits per batch."""
    fields = list(db.session.scalars(sa.select(Field.code).order_by(Field.sort_order)))
    vocab = _vocabulary()
    owners = {"demand": _owner("enterprise"), "result": _owner("university")}
    db.session.commit()
    offset = {kind: db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
        model.organization_id == owners[kind].organization_id)) or 0 for kind, model in (("demand", Demand), ("result", Result))}
    for kind, model in (("demand", Demand), ("result", Result)):
        rows = synthetic_rows(n + offset[kind], kind, owners[kind], fields, vocab)
        for _ in range(offset[kind]):
            next(rows)  # keep titles unique across repeated runs
        bar = tqdm(total=n, desc=f"synthetic {kind}s", disable=not progress, unit="rows")
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                _flush(model, batch, bar)
        _flush(model, batch, bar)
        bar.close()
    return n


def _flush(model, batch: list[dict], bar) -> None:
    """Insert one batch with its publish events (statistics count events only), commit."""
    if batch:
        ids = db.session.scalars(sa.insert(model).returning(model.id, sort_by_parameter_order=True), batch).all()
        kind, key = ((EventKind.DEMAND_PUBLISHED, "demand_id") if model is Demand
                     else (EventKind.RESULT_PUBLISHED, "result_id"))
        db.session.execute(sa.insert(Event), [
            {"kind": kind, key: listing_id, "field_code": row["field_code"], "created_at": row["published_at"]}
            for listing_id, row in zip(ids, batch)])
        db.session.commit()
        bar.update(len(batch))
        batch.clear()
