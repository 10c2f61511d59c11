"""Synthetic Chinese technical corpus for the speed benchmark (deterministic, streamed).

Vocabulary: the shipped domain dictionary and the demo data's keywords (when seeds/data exists)
for technical terms, plus jieba's own dictionary nouns sampled by frequency so the vocabulary has
a realistic long tail.  Documents are listings of ~150–250 characters in demand/result phrasing.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..text import load_domain_dictionary

FIELDS = ["ic", "ai", "biomed", "meddev", "materials", "energy", "manufacturing", "low-altitude",
          "photonics", "environment", "textile", "agriculture", "bci", "cgt", "silicon-photonics",
          "4th-gen-semi", "fintech", "blockchain"]
ACTIONS = ["优化", "改进", "提升", "控制", "检测", "监测", "制备", "合成", "集成", "封装", "调控", "识别", "预测", "回收", "降解"]
EFFECTS = ["效率", "稳定性", "良率", "寿命", "精度", "能耗", "成本", "可靠性", "一致性", "安全性", "吞吐量", "响应速度"]
MODELS = ["GaN", "SiC", "5G", "PM2.5", "MEMS", "LiDAR", "FPGA", "ASIC", "CMOS", "PLC", "RFID", "OLED", "MOSFET", "IGBT", "CRISPR"]
TEMPLATES_TITLE = ["基于{a}的{b}{n}", "{a}{b}关键技术", "一种{a}{n}及其制备方法", "{a}在{b}中的应用", "高性能{a}{n}"]
TEMPLATES_SENT = [
    "本项目面向{f}领域，针对{a}{e}不足的问题，提出{b}{n}方案。",
    "通过{act}{a}与{b}，显著提升{e}，{c}{e2}提高{p}%以上。",
    "该技术采用{m}与{c}相结合的路线，已完成{d}验证。",
    "主要应用于{a}、{b}和{c}等场景，可替代进口{n}。",
    "研究团队在{a}方向积累了{d}经验，拥有{b}相关专利。",
    "希望寻找{a}{n}合作伙伴，解决{b}{e}低、{c}成本高的难题。",
]


def _jieba_nouns(limit: int = 60000) -> tuple[list[str], np.ndarray]:
    """The most frequent multi-character nouns of jieba's dictionary with their frequencies."""
    import jieba

    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] in ("n", "vn", "nz") and len(parts[0]) >= 2:
                rows.append((int(parts[1]), parts[0]))
    rows.sort(key=lambda r: (-r[0], r[1]))
    rows = rows[:limit]
    return [w for _, w in rows], np.asarray([f for f, _ in rows], dtype=np.float64)


def _demo_keywords(seeds_dir: str | None) -> list[str]:
    """Keywords of the demo demands and results, when the seed data exists."""
    out = []
    for name in ("demands.json", "results.json"):
        p = Path(seeds_dir or "") / name
        if seeds_dir and p.exists():
            for item in json.loads(p.read_text(encoding="utf-8")):
                out.extend(item.get("keywords") or [])
    return sorted(set(out))


class Vocabulary:
    """Weighted pools of words to fill templates from."""

    def __init__(self, seeds_dir: str | None = None):
        tech = sorted({w for w, _ in load_domain_dictionary()} | set(_demo_keywords(seeds_dir)))
        nouns, freq = _jieba_nouns()
        self.tech = tech
        self.nouns = nouns
        p = freq ** 0.75
        self.noun_p = p / p.sum()


def documents(n: int, seed: int = 7, seeds_dir: str | None = None, start: int = 0) -> Iterator[dict]:
    """Stream ``n`` synthetic listings with ids ``syn{start}…`` (same seed → same corpus)."""
    v = Vocabulary(seeds_dir)
    rng = np.random.default_rng(seed)
    batch = 10000
    for b0 in range(0, n, batch):
        m = min(batch, n - b0)
        tech = rng.integers(0, len(v.tech), size=(m, 8))
        nouns = rng.choice(len(v.nouns), size=(m, 10), p=v.noun_p)
        misc = rng.integers(0, 1 << 30, size=(m, 8))
        for i in range(m):
            t, w, r = tech[i], nouns[i], misc[i]
            fill = {"a": v.tech[t[0]], "b": v.nouns[w[0]], "c": v.tech[t[1]], "n": v.nouns[w[1]],
                    "f": v.tech[t[2]], "e": EFFECTS[r[0] % len(EFFECTS)], "e2": EFFECTS[r[1] % len(EFFECTS)],
                    "act": ACTIONS[r[2] % len(ACTIONS)], "m": MODELS[r[3] % len(MODELS)],
                    "p": str(5 + r[4] % 60), "d": v.nouns[w[2]]}
            title = TEMPLATES_TITLE[r[5] % len(TEMPLATES_TITLE)].format(**fill)
            sents = []
            for j in range(3 + r[6] % 3):
                fill.update(a=v.tech[t[(3 + j) % 8]], b=v.nouns[w[3 + j]], n=v.nouns[w[(8 + j) % 10]])
                sents.append(TEMPLATES_SENT[(r[7] + j) % len(TEMPLATES_SENT)].format(**fill))
            k = b0 + i + start
            yield {"id": f"syn{k}", "title": title, "text": "".join(sents),
                   "keywords": [v.tech[t[0]], v.tech[t[1]], v.nouns[w[0]]],
                   "kind": "result" if k % 2 else "demand", "field": FIELDS[r[0] % len(FIELDS)],
                   "status": "published", "trl": int(1 + r[1] % 9)}


def queries(n: int, seed: int = 11, seeds_dir: str | None = None) -> list[str]:
    """Short demand-style query texts drawn from the same vocabulary."""
    v = Vocabulary(seeds_dir)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        a, c = v.tech[rng.integers(len(v.tech))], v.tech[rng.integers(len(v.tech))]
        b = v.nouns[rng.choice(len(v.nouns), p=v.noun_p)]
        e = EFFECTS[rng.integers(len(EFFECTS))]
        out.append(f"我们希望找到{a}方面的技术，用于改善{b}的{e}，最好有{c}经验")
    return out
