"""The quality meter: each hint where it applies and not where it does not, the score of a vague
demand against a specific one, results, saved listings against form data, and the shape checks."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from marketplace.services import listing_quality
from marketplace.services.errors import ValidationFailed
from marketplace.services.listing_quality import (
    DEMAND_WEIGHTS,
    HINT_CODES,
    RESULT_WEIGHTS,
    DemandDraft,
    ResultDraft,
    assess_demand,
    assess_result,
)
from marketplace.services.listing_quality_input import (
    read_demand_draft,
    read_result_draft,
)
from marketplace.services.listing_quality_text import figures, vague_phrases
from models import Maturity, Role

from ..factories import demand_data, make_demand, make_result, make_user, result_data

GOOD_DEMAND = DemandDraft(
    title="动力电池包液冷板流道优化与轻量化设计",
    description=(
        "我司为新能源商用车配套动力电池包，现有铝制液冷板采用口琴管结构，电池包在2C快充工况下电芯最大温差达到8℃，"
        "局部热点导致循环寿命比设计值低约15%，液冷板重量占电池包结构件的22%。希望与高校或研究院所合作开发新型流道设计"
        "与轻量化方案，指标要求：2C快充时电芯最大温差≤3℃，冷却液压降≤25 kPa（流量10 L/min），液冷板减重≥20%，"
        "承压≥0.6 MPa且通过2000次压力循环试验。方案须兼容现有钎焊产线，开发周期不超过12个月，最终交付3D模型、"
        "仿真报告与5套样件。"),
    keywords=("液冷板", "流道优化", "轻量化", "动力电池"), budget_min=80, budget_max=150, deadline=date(2027, 6, 30),
    trl_target=6, field="new_energy", region="江苏省常州市")
VAGUE_DEMAND = DemandDraft(
    title="寻求新材料相关技术合作",
    description="我公司是一家传统制造企业，希望引进先进的新材料相关技术，用于提升产品性能等，需要若干高校团队合作，欢迎联系。",
    keywords=("新材料",))
GOOD_RESULT = ResultDraft(
    title="基于片上电容隔离的高共模瞬态抗扰度栅极驱动芯片",
    abstract=(
        "本成果面向SiC/GaN宽禁带功率器件驱动，提出一种基于片上厚氧化层电容隔离与差分OOK调制的隔离栅极驱动芯片架构。"
        "接收端采用共模电流抵消与快速包络检测电路，抑制高dv/dt下共模位移电流耦合引起的误码。芯片在0.18 μm BCD工艺流片"
        "验证：CMTI实测达到200 kV/μs，传播延迟45 ns，通道间延迟匹配小于5 ns，隔离耐压5.7 kVrms，集成米勒钳位与"
        "退饱和保护。与磁耦方案相比，抗扰度提高一倍以上。可应用于新能源汽车电驱逆变器、光伏逆变器与工业伺服驱动。"),
    keywords=("电容隔离", "栅极驱动", "共模瞬态抗扰度"), trl=6, maturity=Maturity.PILOT,
    patents=("CN115355831B",), transfer_modes=("license", "equity"), asking_price=300, field="ic")


def codes(quality) -> list[str]:
    return [hint.code for hint in quality.hints]


def hint(quality, code: str):
    found = [h for h in quality.hints if h.code == code]
    assert found, f"no {code} in {codes(quality)}"
    return found[0]


# --- the score ------------------------------------------------------------------------------

def test_the_weights_of_each_kind_sum_to_100():
    assert sum(DEMAND_WEIGHTS.values()) == 100 and sum(RESULT_WEIGHTS.values()) == 100


def test_a_specific_demand_scores_full_marks_and_a_vague_one_is_told_what_to_add():
    good, vague = assess_demand(GOOD_DEMAND), assess_demand(VAGUE_DEMAND)

    assert (good.score, good.band, good.band_label, good.hints) == (100, "complete", "完善", ())
    assert vague.score < 30 and (vague.band, vague.band_label) == ("incomplete", "待补充")
    assert {"text_too_short", "no_measurable_target", "title_generic", "vague_wording", "few_keywords", "no_budget",
            "no_deadline", "no_trl", "no_field", "no_region"} <= set(codes(vague))


def test_the_score_is_100_less_the_gains_and_the_most_valuable_hint_comes_first():
    for quality in (assess_demand(VAGUE_DEMAND), assess_result(ResultDraft()), assess_demand(DemandDraft())):
        gains = [h.gain for h in quality.hints]
        assert quality.score == 100 - sum(gains) and 0 <= quality.score <= 100
        assert gains == sorted(gains, reverse=True) and all(g > 0 for g in gains)
        assert set(codes(quality)) <= set(HINT_CODES)


def test_an_empty_form_scores_0_and_writing_something_vague_does_not_lower_it():
    # no text earns no credit for being free of vague words: the empty description's hint holds that weight too
    empty = assess_demand(DemandDraft())
    assert empty.score == 0 == assess_result(ResultDraft()).score
    assert hint(empty, "text_too_short").gain == DEMAND_WEIGHTS["description"] + DEMAND_WEIGHTS["vague"]
    assert hint(empty, "text_too_short").message.startswith("请填写需求描述")
    assert assess_demand(DemandDraft(description=VAGUE_DEMAND.description)).score >= empty.score


def test_the_same_fields_give_the_same_answer():
    assert assess_demand(VAGUE_DEMAND) == assess_demand(replace(VAGUE_DEMAND))
    assert assess_demand(VAGUE_DEMAND).as_dict() == assess_demand(VAGUE_DEMAND).as_dict()


@pytest.mark.parametrize(("score", "band"), [(100, "complete"), (80, "complete"), (79, "fair"), (60, "fair"),
                                              (59, "incomplete"), (0, "incomplete")])
def test_bands(score, band):
    meter = listing_quality._Meter({"all": 100})
    if score < 100:
        meter.miss("all", "no_field", "field", "缺", 100 - score)
    assert (meter.quality().score, meter.quality().band) == (score, band)


def test_fixing_what_a_hint_says_raises_the_score_by_its_gain():
    before = assess_demand(replace(GOOD_DEMAND, budget_min=None, deadline=None))
    after = assess_demand(replace(GOOD_DEMAND, deadline=None))
    assert after.score - before.score == hint(before, "no_budget").gain == 10


# --- each hint of a demand: present, and absent -----------------------------------------------

def test_a_short_description_is_too_short_or_short():
    too_short = assess_demand(replace(GOOD_DEMAND, description="需要一种电池液冷板，厚度≤3 mm，承压≥0.6 MPa。"))
    short = assess_demand(replace(GOOD_DEMAND, description=GOOD_DEMAND.description[:110]))

    message = hint(too_short, "text_too_short").message
    assert "只有 17 字" in message and "150" in message and hint(too_short, "text_too_short").field == "description"
    assert "text_short" in codes(short) and "text_too_short" not in codes(short)
    assert hint(short, "text_short").gain == DEMAND_WEIGHTS["description"] // 2


@pytest.mark.parametrize(("title", "code"), [("", "title_too_short"), ("电池需求", "title_too_short"),
                                             ("寻求新材料相关技术合作", "title_generic"),
                                             ("技术开发项目合作需求征集", "title_generic")])
def test_a_title_too_short_or_too_generic(title, code):
    quality = assess_demand(replace(GOOD_DEMAND, title=title))
    assert hint(quality, code).field == "title"
    assert "title_too_short" not in codes(assess_demand(GOOD_DEMAND))
    assert "title_generic" not in codes(assess_demand(GOOD_DEMAND))


def test_a_generic_title_is_quoted():
    assert "“技术开发项目合作需求征集”" in hint(assess_demand(replace(GOOD_DEMAND, title="技术开发项目合作需求征集")),
                                           "title_generic").message


def test_missing_or_few_keywords_with_suggestions_from_the_text():
    none = assess_demand(replace(GOOD_DEMAND, keywords=()))
    few = assess_demand(replace(GOOD_DEMAND, keywords=("液冷板", "轻量化")))

    assert hint(none, "no_keywords").gain == 10 and "“动力电池”" in hint(none, "no_keywords").message
    assert hint(few, "few_keywords").gain == 5 and "只有 2 个" in hint(few, "few_keywords").message
    assert "“液冷板”" not in hint(few, "few_keywords").message  # already a keyword: not suggested again
    assert {"no_keywords", "few_keywords"}.isdisjoint(codes(assess_demand(GOOD_DEMAND)))


@pytest.mark.parametrize("budget", [(None, None), (50, None), (None, 80), (0, 0)])
def test_no_budget(budget):
    quality = assess_demand(replace(GOOD_DEMAND, budget_min=budget[0], budget_max=budget[1]))
    assert hint(quality, "no_budget").field == "budget_min" and "万元" in hint(quality, "no_budget").message


def test_no_budget_is_not_said_of_a_range():
    assert "no_budget" not in codes(assess_demand(replace(GOOD_DEMAND, budget_min=0, budget_max=30)))


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"deadline": None}, "no_deadline", "deadline"),
    ({"trl_target": None}, "no_trl", "trl_target"),
    ({"field": ""}, "no_field", "field"),
    ({"region": "  "}, "no_region", "region"),
])
def test_missing_deadline_trl_field_region(change, code, field):
    assert hint(assess_demand(replace(GOOD_DEMAND, **change)), code).field == field
    assert code not in codes(assess_demand(GOOD_DEMAND))


def test_no_measurable_target():
    quality = assess_demand(replace(GOOD_DEMAND, description="我们需要提高电池包的散热能力，降低电芯温差，延长循环寿命，"
                                    "同时让液冷板更轻、更容易加工，希望高校团队提出新的流道结构和制造工艺，并给出仿真与试验验证。"))
    assert hint(quality, "no_measurable_target").gain == 20
    assert "“续航提升20%”" in hint(quality, "no_measurable_target").message


def test_one_measurable_target_is_quoted():
    quality = assess_demand(replace(GOOD_DEMAND, description="我们需要提高电池包的散热能力，电芯最大温差≤3℃，"
                                    "同时让液冷板更轻、更容易加工，希望高校团队提出新的流道结构和制造工艺，并给出仿真与试验验证。"))
    assert "no_measurable_target" not in codes(quality)
    assert "“≤3℃”" in hint(quality, "one_measurable_target").message


@pytest.mark.parametrize(("text", "found"), [
    ("续航提升20%", ["提升20%"]), ("厚度≤0.5mm", ["≤0.5mm"]), ("循环1000次", ["1000次"]),
    ("传播延迟≤60 ns，CMTI≥150 kV/μs", ["≤60 ns", "≥150 kV"]), ("误报率低于 1%", ["低于 1%"]),
    ("ＣＭＴＩ≥１５０ｋＶ", ["≥１５０ｋＶ"]),  # full-width, as Chinese input methods type it: quoted as written
    ("工作温度达到85℃", ["达到85℃"]),
    ("型号A3的设备，需要5G通信与PM2.5监测", ["5G"]), ("希望尽快完成", []),
])
def test_figures(text, found):
    assert figures(text) == found


# --- vague wording ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "phrase", "kind", "advice"), [
    ("希望引进新材料相关技术以提升竞争力", "相关技术", "referent", "具体是哪项技术"),
    ("用于提升产品性能等", "等", "open_list", "列全"),
    ("需要若干高校团队合作", "若干", "quantity", "具体数量"),
    ("开发一些新的工艺", "一些", "quantity", "具体数量"),
    ("希望开发高性能隔膜材料", "高性能", "claim", "具体指标"),
    ("引进先进的涂布工艺", "先进", "claim", "具体指标"),
])
def test_a_vague_phrase_is_found_and_quoted_where_it_stands(text, phrase, kind, advice):
    found = vague_phrases(text)
    assert [(v.phrase, v.kind) for v in found] == [(phrase, kind)]
    description = GOOD_DEMAND.description + "另外，" + text + "。"
    message = hint(assess_demand(replace(GOOD_DEMAND, description=description)), "vague_wording").message
    assert message.startswith(f"“{phrase}”") and f"原文：“{text}”" in message and advice in message


@pytest.mark.parametrize("text", [
    "能量密度≥300 Wh/kg的高性能电芯",  # a claim with its number
    "等离子体刻蚀设备的中等功率等级",  # 等 inside words
    "与温度相关的误差需要补偿",  # 相关 meaning "related to"
    "面向先进制造的视觉检测",  # a field's name
    "系统满足等保三级要求",  # 等保: a standard
])
def test_words_that_only_look_vague(text):
    assert vague_phrases(text) == []


def test_a_vague_title_is_addressed_to_the_title_and_each_phrase_counts_once():
    quality = assess_demand(VAGUE_DEMAND)
    vague = [h for h in quality.hints if h.code == "vague_wording"]
    assert [h.field for h in vague] == ["title", "description", "description"]  # 15 points: three hints
    assert [h.message.split("”")[0] for h in vague] == ["“相关技术", "“先进", "“等"]
    assert "另有 1 处类似表述：“若干”" in vague[-1].message
    assert sum(h.gain for h in vague) == DEMAND_WEIGHTS["vague"]


def test_no_vague_hint_for_specific_text():
    assert "vague_wording" not in codes(assess_demand(GOOD_DEMAND))


# --- results ----------------------------------------------------------------------------------

def test_a_specific_result_scores_full_marks_and_an_empty_one_is_told_everything():
    assert assess_result(GOOD_RESULT).score == 100
    empty = assess_result(ResultDraft())
    assert empty.band == "incomplete"
    assert set(codes(empty)) == {"text_too_short", "no_performance_figures", "no_keywords", "title_too_short",
                                 "no_application", "no_trl", "no_maturity", "no_patents", "no_transfer_modes",
                                 "no_asking_price", "no_field"}
    assert hint(empty, "text_too_short").field == "abstract" and "成果简介" in hint(empty, "text_too_short").message


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"trl": None}, "no_trl", "trl"),
    ({"maturity": None}, "no_maturity", "maturity"),
    ({"trl": 8, "maturity": Maturity.LAB}, "trl_maturity_mismatch", "maturity"),
    ({"patents": ()}, "no_patents", "patents"),
    ({"transfer_modes": ()}, "no_transfer_modes", "transfer_modes"),
    ({"asking_price": None}, "no_asking_price", "asking_price"),
    ({"abstract": GOOD_RESULT.abstract.replace("可应用于新能源汽车电驱逆变器、光伏逆变器与工业伺服驱动。", "")
      .replace("本成果面向SiC/GaN宽禁带功率器件驱动，", "")}, "no_application", "abstract"),
    ({"abstract": "提出一种新的电容隔离栅极驱动芯片架构，采用共模电流抵消与包络检测电路，抑制误码，可用于电驱逆变器。"},
     "no_performance_figures", "abstract"),
    ({"abstract": "提出一种新的电容隔离栅极驱动芯片架构，CMTI实测达到200 kV/μs，可用于电驱逆变器。"},
     "one_performance_figure", "abstract"),
    ({"title": "高性能芯片"}, "title_too_short", "title"),
])
def test_each_hint_of_a_result(change, code, field):
    quality = assess_result(replace(GOOD_RESULT, **change))
    assert hint(quality, code).field == field
    assert code not in codes(assess_result(GOOD_RESULT))


def test_a_mismatched_stage_names_both():
    message = hint(assess_result(replace(GOOD_RESULT, trl=8, maturity=Maturity.LAB)), "trl_maturity_mismatch").message
    assert "TRL 8" in message and "实验室" in message and "TRL 1–4" in message


def test_a_result_is_not_asked_for_a_region():
    # creating one without a region takes its organization's (services/results.py)
    assert "no_region" not in codes(assess_result(ResultDraft()))


# --- a saved listing and the form data it was made from -----------------------------------------

def test_a_saved_demand_scores_as_the_data_it_was_created_from(ctx):
    data = demand_data(title="寻求新材料相关技术合作", description=VAGUE_DEMAND.description, keywords=["新材料"])
    demand = make_demand(make_user(Role.ENTERPRISE), **data)
    assert listing_quality.demand_quality(demand) == assess_demand(read_demand_draft(data))
    assert listing_quality.demand_quality(demand).band == "incomplete"


def test_a_saved_result_scores_as_the_data_it_was_created_from(ctx):
    data = result_data(asking_price=None)
    result = make_result(make_user(Role.RESEARCHER), **data)
    assert listing_quality.result_quality(result) == assess_result(read_result_draft(data))
    assert "no_asking_price" in codes(listing_quality.result_quality(result))


# --- reading a body: shape checks, nothing required ----------------------------------------------

def test_nothing_is_required():
    assert read_demand_draft({}) == DemandDraft() and read_result_draft({}) == ResultDraft()
    nulls = {name: None for name in ("title", "keywords", "budget_min", "deadline", "trl_target")}
    assert read_demand_draft(nulls) == DemandDraft()


def test_a_body_is_read_as_the_create_body():
    draft = read_demand_draft({"title": " 标题 ", "keywords": "电池、 热失控,电池", "budget_min": 50, "budget_max": 80.5,
                               "deadline": "2027-01-31", "trl_target": 6.0, "cooperation_mode": "ignored"})
    assert (draft.title, draft.keywords, draft.budget_max, draft.deadline, draft.trl_target) == (
        "标题", ("电池", "热失控"), 80.5, date(2027, 1, 31), 6)
    result = read_result_draft({"maturity": "pilot", "transfer_modes": ["equity", "license"],
                                "patents": [{"number": " CN115355831B ", "status": "granted"}]})
    assert (result.maturity, result.transfer_modes, result.patents) == (Maturity.PILOT, ("license", "equity"),
                                                                       ("CN115355831B",))


@pytest.mark.parametrize(("body", "field"), [
    ({"title": 5}, "title"), ({"title": "长" * 121}, "title"), ({"title": " " * 121}, "title"),
    ({"budget_min": "50"}, "budget_min"), ({"budget_min": True}, "budget_min"), ({"budget_max": -1}, "budget_max"),
    ({"budget_max": 10**400}, "budget_max"), ({"deadline": ""}, "deadline"), ({"deadline": "2027-02-30"}, "deadline"),
    ({"deadline": "20270101"}, "deadline"), ({"trl_target": 10}, "trl_target"), ({"trl_target": 2.5}, "trl_target"),
    ({"trl_target": "6"}, "trl_target"), ({"keywords": [str(n) for n in range(11)]}, "keywords"),
    ({"keywords": ["电池"] * 11}, "keywords"), ({"keywords": [3]}, "keywords"), ({"keywords": ["x" * 31]}, "keywords"),
    ({"description": "a\x1bb"}, "description"),
])
def test_a_demand_body_of_the_wrong_shape_is_refused_naming_the_field(body, field):
    with pytest.raises(ValidationFailed) as refused:
        read_demand_draft(body)
    assert set(refused.value.fields) == {field}


@pytest.mark.parametrize(("body", "field"), [
    ({"maturity": "prototype"}, "maturity"), ({"trl": 0}, "trl"), ({"asking_price": "面议"}, "asking_price"),
    ({"patents": "CN115355831B"}, "patents"), ({"patents": [{"number": "CN115355831B"}]}, "patents.0.status"),
    ({"patents": [{"status": "granted"}]}, "patents.0.number"), ({"patents": [{}] * 21}, "patents"),
    ({"transfer_modes": ["sale"]}, "transfer_modes"), ({"transfer_modes": "license"}, "transfer_modes"),
])
def test_a_result_body_of_the_wrong_shape_is_refused_naming_the_field(body, field):
    with pytest.raises(ValidationFailed) as refused:
        read_result_draft(body)
    assert set(refused.value.fields) == {field}
