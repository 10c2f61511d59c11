"""The quality meter of a demand or a result: a score 0–100, a band and concrete hints.

Vague listings are the most cited cause of failed matching, so the meter tells the writer what to
add or change while they write (the form's panel), and the owners what is still missing (the
listing's page). A pure function of the listing's fields — a saved listing (``demand_draft``) or
a form or API body as it stands (``listing_quality_input``) — deterministic, writing nothing.
Each check has a weight; the weights of a kind sum to 100, and a hint says how many points fixing
it is worth."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date

from models import Demand, Maturity, Result

from .listing_quality_text import (
    content_words,
    figures,
    mentions_application,
    suggested_keywords,
    text_size,
    vague_phrases,
)

DEMAND_WEIGHTS = {"description": 20, "figures": 20, "vague": 15, "keywords": 10, "title": 10, "budget": 10,
                  "deadline": 5, "trl": 5, "field": 3, "region": 2}
# No region check: a result left without one takes its organization's (services/results.py).
RESULT_WEIGHTS = {"abstract": 20, "figures": 20, "vague": 10, "keywords": 10, "title": 5, "trl": 5, "maturity": 5,
                  "patents": 5, "transfer_modes": 5, "asking_price": 5, "application": 5, "field": 5}
BANDS = ((80, "complete", "完善"), (60, "fair", "尚可"), (0, "incomplete", "待补充"))
TEXT_TOO_SHORT, TEXT_FULL = 60, 150  # 字
TITLE_MIN = 8
KEYWORDS_ENOUGH = 3
VAGUE_POINTS = 5  # each distinct vague phrase; as many hints as the weight allows
# The TRLs each maturity stage usually spans (they overlap: stages are named loosely).
MATURITY_TRL = {Maturity.LAB: (1, 4), Maturity.BENCH: (3, 6), Maturity.PILOT: (5, 7), Maturity.PRODUCTION: (7, 9)}

HINT_CODES = ("text_too_short", "text_short", "title_too_short", "title_generic", "vague_wording", "no_keywords",
              "few_keywords", "no_measurable_target", "one_measurable_target", "no_budget", "no_deadline", "no_trl",
              "no_field", "no_region", "no_performance_figures", "one_performance_figure", "no_application",
              "no_maturity", "trl_maturity_mismatch", "no_patents", "no_transfer_modes", "no_asking_price")
_VAGUE_ADVICE = {
    "referent": "指代不明（原文：“{context}”）：请写明具体是哪项技术、材料、工艺或产品。",
    "open_list": "让范围不清（原文：“{context}”）：请列全所需的项目，或写明“至少包括……”。",
    "quantity": "没有给出数量（原文：“{context}”）：请写出具体数量或范围，如“3 项”“不少于 5 个”。",
    "claim": "缺少数字支撑（原文：“{context}”）：请写出具体指标和目标值，如“能量密度≥300 Wh/kg”。",
}


@dataclass(frozen=True)
class Hint:
    """One thing to add or change: a code, the form field it concerns, what to do, and the points it is worth."""

    code: str
    field: str
    message: str
    gain: int


@dataclass(frozen=True)
class Quality:
    """The score 0–100, its band (code and label) and the hints, the most valuable first."""

    score: int
    band: str
    band_label: str
    hints: tuple[Hint, ...]

    def as_dict(self) -> dict:
        """The JSON answer of the quality endpoints."""
        return {"score": self.score, "band": self.band, "band_label": self.band_label,
                "hints": [{"code": h.code, "field": h.field, "message": h.message, "gain": h.gain} for h in self.hints]}


@dataclass(frozen=True)
class DemandDraft:
    """The fields of a demand the meter reads (None or empty: not filled in yet)."""

    title: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    budget_min: float | None = None
    budget_max: float | None = None
    deadline: date | None = None
    trl_target: int | None = None
    field: str = ""
    region: str = ""


@dataclass(frozen=True)
class ResultDraft:
    """The fields of a result the meter reads (None or empty: not filled in yet)."""

    title: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    trl: int | None = None
    maturity: Maturity | None = None
    patents: tuple[str, ...] = ()
    transfer_modes: tuple[str, ...] = ()
    asking_price: float | None = None
    field: str = ""


@dataclass
class _Meter:
    weights: dict[str, int]
    hints: list[Hint] = dataclass_field(default_factory=list)

    def miss(self, part: str, code: str, field_name: str, message: str, points: int | None = None) -> None:
        self.hints.append(Hint(code, field_name, message, self.weights[part] if points is None else points))

    def quality(self) -> Quality:
        score = 100 - sum(hint.gain for hint in self.hints)
        _, band, label = next(b for b in BANDS if score >= b[0])
        return Quality(score, band, label, tuple(sorted(self.hints, key=lambda hint: -hint.gain)))


def demand_draft(demand: Demand) -> DemandDraft:
    """A saved demand as the meter reads it."""
    return DemandDraft(demand.title, demand.description, tuple(demand.keywords), demand.budget_min, demand.budget_max,
                       demand.deadline, demand.trl_target, demand.field_code, demand.region)


def result_draft(result: Result) -> ResultDraft:
    """A saved result as the meter reads it."""
    return ResultDraft(result.title, result.abstract, tuple(result.keywords), result.trl, result.maturity,
                       tuple(p.number for p in result.patents), tuple(result.transfer_modes), result.asking_price,
                       result.field_code)


def demand_quality(demand: Demand) -> Quality:
    """The meter of a saved demand (its owners see it on the demand's page)."""
    return assess_demand(demand_draft(demand))


def result_quality(result: Result) -> Quality:
    """The meter of a saved result (its owners see it on the result's page)."""
    return assess_result(result_draft(result))


def assess_demand(draft: DemandDraft) -> Quality:
    """Score a demand: is it specific enough for a researcher to tell whether they can solve it?"""
    meter = _Meter(DEMAND_WEIGHTS)
    _check_title(meter, draft.title, "动力电池热失控早期预警技术")
    vague = _check_vague(meter, draft.title, draft.description, "description")
    _check_text(meter, "description", draft.description, "需求描述",
                "写清企业现状、遇到的问题（现有指标、良率、成本）、希望达到的指标和约束条件", vague)
    count = figures(draft.description)
    if not count:
        meter.miss("figures", "no_measurable_target", "description", "需求描述中没有可量化的目标：请用数字写出要达到的指标，"
                   "例如“续航提升20%”“厚度≤0.5 mm”“循环寿命≥1000次”。")
    elif len(count) == 1:
        meter.miss("figures", "one_measurable_target", "description", f"需求描述只有一个量化指标（“{count[0]}”）："
                   "请把其他要求也写成数字，如精度、寿命、成本或交付周期。", 8)
    _check_keywords(meter, draft.keywords, f"{draft.title}\n{draft.description}", "描述")
    if draft.budget_min is None or draft.budget_max is None or draft.budget_max <= 0:
        meter.miss("budget", "no_budget", "budget_min", "请填写预算范围（万元）：预算是高校院所判断是否对接的首要依据；"
                   "不确定时可填区间，如 30–80 万元。")
    if draft.deadline is None:
        meter.miss("deadline", "no_deadline", "deadline", "请填写截止日期：对方据此判断能否按时交付。")
    if draft.trl_target is None:
        meter.miss("trl", "no_trl", "trl_target", "请填写目标技术成熟度（TRL 1–9）：只需原理验证填 TRL 4 左右，"
                   "需要可直接试产的工程样机填 TRL 7 左右。")
    _check_field(meter, draft.field)
    if not draft.region.strip():
        meter.miss("region", "no_region", "region", "请填写所在地区，如“江苏省苏州市”：不少合作方优先就近合作和现场验证。")
    return meter.quality()


def assess_result(draft: ResultDraft) -> Quality:
    """Score a result: can an enterprise tell what it does, how well, how mature and on what terms?"""
    meter = _Meter(RESULT_WEIGHTS)
    _check_title(meter, draft.title, "基于多传感器融合的锂电池热失控预警方法")
    vague = _check_vague(meter, draft.title, draft.abstract, "abstract")
    _check_text(meter, "abstract", draft.abstract, "成果简介", "写清技术路线、关键性能指标、相对现有方案的优势和应用场景",
                vague)
    count = figures(draft.abstract)
    if not count:
        meter.miss("figures", "no_performance_figures", "abstract", "成果简介中没有可量化的性能指标：请写出关键指标及测试条件，"
                   "例如“转换效率26.1%”“循环2000次容量保持率≥90%”。")
    elif len(count) == 1:
        meter.miss("figures", "one_performance_figure", "abstract", f"成果简介只有一个性能指标（“{count[0]}”）："
                   "请补充其他关键指标，以及与现有方案的对比数据。", 8)
    if not mentions_application(draft.abstract):
        meter.miss("application", "no_application", "abstract", "成果简介没有写应用场景：请写明可用于哪些产品或行业，"
                   "如“可用于新能源汽车电驱逆变器、光伏逆变器”。")
    _check_keywords(meter, draft.keywords, f"{draft.title}\n{draft.abstract}", "简介")
    if draft.trl is None:
        meter.miss("trl", "no_trl", "trl", "请填写技术成熟度（TRL 1–9）：企业据此判断离量产还有多远。")
    _check_maturity(meter, draft.trl, draft.maturity)
    if not draft.patents:
        meter.miss("patents", "no_patents", "patents", "未登记专利：如有授权专利或专利申请，请填写专利号，企业据此评估转化风险；"
                   "以技术秘密保护的，请在简介中说明。")
    if not draft.transfer_modes:
        meter.miss("transfer_modes", "no_transfer_modes", "transfer_modes", "请选择转化方式（许可、转让或作价投资）。")
    if draft.asking_price is None:
        meter.miss("asking_price", "no_asking_price", "asking_price", "未填写期望价格（将显示为“面议”）："
                   "给出价格或区间的成果更容易进入企业的预算讨论。")
    _check_field(meter, draft.field)
    return meter.quality()


def _check_title(meter: _Meter, title: str, example: str) -> None:
    size = text_size(title)
    if size == 0:
        meter.miss("title", "title_too_short", "title", f"请填写标题：写出对象和要解决的问题，如“{example}”。")
    elif size < TITLE_MIN:
        meter.miss("title", "title_too_short", "title", f"标题只有 {size} 字，建议 {TITLE_MIN}–30 字，"
                   f"写出对象和要解决的问题，如“{example}”。")
    elif len(content_words(title)) < 2:
        meter.miss("title", "title_generic", "title", f"标题“{title.strip()}”过于笼统：请写出具体对象和要解决的问题，"
                   f"如“{example}”。")


def _check_text(meter: _Meter, name: str, text: str, noun: str, advice: str, vague_lost: int) -> None:
    size = text_size(text)
    if size == 0:  # no text earns no credit for being free of vague words either
        meter.miss(name, "text_too_short", name, f"请填写{noun}（建议不少于 {TEXT_FULL} 字）：{advice}。",
                   meter.weights[name] + meter.weights["vague"] - vague_lost)
    elif size < TEXT_TOO_SHORT:
        meter.miss(name, "text_too_short", name, f"{noun}只有 {size} 字，建议不少于 {TEXT_FULL} 字：{advice}。")
    elif size < TEXT_FULL:
        meter.miss(name, "text_short", name, f"{noun}有 {size} 字，建议写到 {TEXT_FULL} 字以上：{advice}。",
                   meter.weights[name] // 2)


def _check_vague(meter: _Meter, title: str, text: str, text_field: str) -> int:
    """Hint the first vague phrases (title first) as the weight allows; the points they took."""
    found = [(phrase, "title") for phrase in vague_phrases(title)]
    seen = {phrase.phrase for phrase, _ in found}
    found += [(phrase, text_field) for phrase in vague_phrases(text) if phrase.phrase not in seen]
    shown = meter.weights["vague"] // VAGUE_POINTS
    for index, (phrase, where) in enumerate(found[:shown]):
        message = f"“{phrase.phrase}”" + _VAGUE_ADVICE[phrase.kind].format(context=phrase.context)
        if index == shown - 1 and len(found) > shown:
            rest = "".join(f"“{other.phrase}”" for other, _ in found[shown:])
            message += f"另有 {len(found) - shown} 处类似表述：{rest}。"
        meter.miss("vague", "vague_wording", where, message, VAGUE_POINTS)
    return VAGUE_POINTS * min(len(found), shown)


def _check_keywords(meter: _Meter, keywords: tuple[str, ...], text: str, source: str) -> None:
    if len(keywords) >= KEYWORDS_ENOUGH:
        return
    suggestions = suggested_keywords(text, keywords)
    offer = f"可以从{source}中选用：{''.join(f'“{word}”' for word in suggestions)}。" if suggestions else ""
    if not keywords:
        meter.miss("keywords", "no_keywords", "keywords", f"请填写 3–6 个关键词：匹配和检索首先看关键词。{offer}")
    else:
        meter.miss("keywords", "few_keywords", "keywords", f"关键词只有 {len(keywords)} 个，建议 3–6 个。{offer}",
                   meter.weights["keywords"] // 2)


def _check_maturity(meter: _Meter, trl: int | None, maturity: Maturity | None) -> None:
    if maturity is None:
        meter.miss("maturity", "no_maturity", "maturity", "请选择成熟阶段（实验室、小试、中试或产业化）。")
        return
    low, high = MATURITY_TRL[maturity]
    if trl is not None and not low <= trl <= high:
        meter.miss("maturity", "trl_maturity_mismatch", "maturity", f"TRL {trl} 与成熟阶段“{maturity.label}”不一致："
                   f"{maturity.label}阶段通常为 TRL {low}–{high}，请核对其一。")


def _check_field(meter: _Meter, code: str) -> None:
    if not code.strip():
        meter.miss("field", "no_field", "field", "请选择技术领域：匹配和筛选都按领域进行。")

