"""Small fixed corpora for the matcher tests (factory functions, not shared row-laden fixtures)."""
import os
from pathlib import Path

import pytest

from matching import configure

# The development retrieval set is not shipped with the repository (docs/testing.md): DEV_RETRIEVAL
# names its folder; otherwise it is looked for where the team's machines keep it. Without it the
# tests that need it skip, saying so.
_PLACES = [Path(os.environ["DEV_RETRIEVAL"])] if os.environ.get("DEV_RETRIEVAL") else []
_PLACES += [root / "shared/datasets/dev-retrieval" for root in (Path(__file__).resolve().parents[3], Path("/work"))]
DEV_SET = next((place for place in _PLACES if (place / "corpus.jsonl").exists()), Path("/nonexistent"))
DEV_CORPUS, DEV_QUERIES = DEV_SET / "corpus.jsonl", DEV_SET / "queries.jsonl"


@pytest.fixture(autouse=True, scope="session")
def _jieba_cache(tmp_path_factory):
    """Keep jieba's dictionary cache in a per-session temp dir."""
    configure(cache_dir=tmp_path_factory.mktemp("jieba-cache"))


def make_doc(id, title, text, keywords=(), **meta):
    """One document as the web app would hand it over."""
    return {"id": id, "title": title, "text": text, "keywords": list(keywords), **meta}


def small_corpus():
    """Eight listings across fields, kinds and statuses."""
    return [
        make_doc(1, "锂离子电池热失控预警系统", "基于多传感器融合的锂离子电池热失控早期预警，适用于储能电站与电动汽车。",
                 ["锂离子电池", "热失控", "储能"], kind="result", field="energy", status="published", trl=6, asking_price=80),
        make_doc(2, "氮化镓功率器件外延技术", "GaN 功率器件的外延生长工艺，提升 5G 基站射频前端效率。",
                 ["氮化镓", "功率器件", "5G"], kind="result", field="ic", status="published", trl=4, asking_price=300),
        make_doc(3, "非侵入式脑机接口头环", "低成本干电极脑电采集与实时解码，用于康复训练。",
                 ["脑机接口", "脑电", "康复"], kind="result", field="bci", status="published", trl=5),
        make_doc(4, "钠离子电池正极材料", "层状氧化物正极材料的低成本制备方法，循环寿命超过三千次。",
                 ["钠离子电池", "正极材料"], kind="result", field="energy", status="draft", trl=3, asking_price=40),
        make_doc(5, "PM2.5 在线监测仪", "激光散射法 PM2.5 颗粒物在线监测，适用于工业园区。",
                 ["PM2.5", "监测"], kind="result", field="environment", status="published", trl=7),
        make_doc("d1", "寻找电池安全预警技术", "我们的储能电站需要锂电池热失控的早期预警方案。",
                 ["锂电池", "预警"], kind="demand", field="energy", status="published", trl_target=5, budget_max=100),
        make_doc("d2", "5G 基站功放效率提升", "希望提升基站射频功放效率，考虑氮化镓方案。",
                 ["射频", "功放"], kind="demand", field="ic", status="published", trl_target=6, budget_max=200),
        make_doc(6, "工业废水深度处理", "膜生物反应器结合高级氧化的废水处理工艺，降低能耗。",
                 ["废水处理", "膜生物反应器"], kind="result", field="environment", status="published", trl=8),
    ]
