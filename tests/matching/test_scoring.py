"""Re-ranking signals (matching/scoring.py) by their numbers: keyword likeness and pairs, keyword
score, title likeness and the structured fit of a demand and a result."""
import math

import pytest

from matching.scoring import (
    DEFAULT_WEIGHTS,
    _num,
    keyword_pairs,
    keyword_score,
    keyword_similarity,
    structured_fit,
    title_score,
)


def test_default_weights_add_up_to_the_documented_blend():
    assert DEFAULT_WEIGHTS == {"word": 1.0, "char": 0.5, "keywords": 0.15, "title": 0.05, "structured": 0.5}


@pytest.mark.parametrize("a,b,expected", [
    ("锂电池", "锂电池", 100.0),
    ("ＧａＮ", "gan", 100.0),  # compared after normalization
    # Indel ratio 2·3/(3+5) = 75; all of 锂电池 is in 锂离子电池 in order: containment 100
    ("锂电池", "锂离子电池", 87.5),
    ("锂离子电池", "锂电池", 87.5),
    # ratio 2·2/(4+4) = 50; longest common subsequence 2 of min length 4: containment 50
    ("脑机接口", "接口脑机", 50.0),
    ("储能", "康复", 0.0),
    ("", "储能", 0.0),
    ("储能", "", 0.0),
])
def test_keyword_similarity(a, b, expected):
    assert keyword_similarity(a, b) == pytest.approx(expected)


def test_keyword_pairs_between_keyword_lists_best_first_with_labels():
    pairs = keyword_pairs("", ["锂电池", "储能"], ["储能", "锂离子电池", "康复"], threshold=70)
    assert pairs == [
        {"query": "储能", "doc": "储能", "score": 100, "label": "储能 (100)"},
        {"query": "锂电池", "doc": "锂离子电池", "score": 88, "label": "锂电池 ≈ 锂离子电池 (88)"},
    ]
    assert keyword_pairs("", ["锂电池"], ["锂离子电池"], threshold=88) == []  # 87.5 is below
    assert [p["doc"] for p in keyword_pairs("", ["储能", "康复"], ["康复", "储能"], threshold=70)] == ["储能", "康复"]


def test_keyword_pairs_found_in_the_query_text_carry_their_span():
    text = "我们需要锂离子电池的储能方案"
    pairs = keyword_pairs(text, [], ["储能", "锂离子电池", "康复", "电"], threshold=70)
    assert pairs == [
        {"query": "储能", "doc": "储能", "score": 100, "query_span": [10, 12], "label": "储能 (100)"},
        {"query": "锂离子电池", "doc": "锂离子电池", "score": 100, "query_span": [4, 9], "label": "锂离子电池 (100)"},
    ]  # one-character keywords are never matched in text
    assert keyword_pairs("", [], ["储能"], threshold=70) == []


def test_keyword_score_weighs_matches_by_likeness_and_counts():
    assert keyword_score([], []) == 0.0
    assert keyword_score([], ["储能"]) == 0.0
    assert keyword_score([{"score": 100}], ["储能"]) == 1.0
    assert keyword_score([{"score": 88}], ["储能", "锂电池"]) == pytest.approx(0.88 / math.sqrt(2))
    assert keyword_score([{"score": 100}, {"score": 50}], ["a", "b", "c"]) == pytest.approx(1.5 / math.sqrt(6))


@pytest.mark.parametrize("query,title,expected", [
    ("锂离子电池热失控预警系统", "锂离子电池热失控预警系统", 1.0),
    ("热失控预警", "锂离子电池热失控预警系统", 5 / 12),
    ("预警 系统 锂电", "锂离子电池热失控预警系统", 4 / 12),  # in order only 预警系统 (or 锂电…)
    ("", "锂离子电池", 0.0),
    ("锂", "锂", 0.0),  # titles under two characters say nothing
])
def test_title_score_is_the_share_of_the_title_spelled_out_in_order(query, title, expected):
    assert title_score(query, title) == pytest.approx(expected)


@pytest.mark.parametrize("value,expected", [(None, None), ("", None), ("3", 3.0), (4, 4.0), ("x", None),
                                            ([1], None), (0, 0.0)])
def test_num(value, expected):
    assert _num(value) == expected


def test_structured_fit_of_a_fitting_pair_from_either_side():
    demand = {"kind": "demand", "field": "energy", "trl_target": 5, "budget_max": 100}
    result = {"kind": "result", "field": "energy", "trl": 6, "asking_price": 80}
    fit, notes = structured_fit(demand, result)
    assert fit == 1.0
    assert notes == [
        {"aspect": "field", "ok": True, "text": "同一领域（energy）"},
        {"aspect": "trl", "ok": True, "text": "成果 TRL 6 ≥ 需求目标 TRL 5"},
        {"aspect": "budget", "ok": True, "text": "报价 80 万元 ≤ 预算上限 100 万元"},
    ]
    assert structured_fit(result, demand) == (1.0, notes)  # the result asking: same roles


def test_structured_fit_of_a_poor_pair():
    demand = {"kind": "demand", "field": "energy", "trl_target": 7, "budget_max": 100}
    result = {"kind": "result", "field": "ic", "trl": 4, "asking_price": 400}
    fit, notes = structured_fit(result, demand)
    # field 0; TRL 1 − (7 − 4)/4 = 0.25; budget 100/400 = 0.25
    assert fit == pytest.approx((0 + 0.25 + 0.25) / 3)
    assert notes == [
        {"aspect": "field", "ok": False, "text": "领域不同（ic / energy）"},
        {"aspect": "trl", "ok": False, "text": "成果 TRL 4 < 需求目标 TRL 7"},
        {"aspect": "budget", "ok": False, "text": "报价 400 万元 > 预算上限 100 万元"},
    ]


@pytest.mark.parametrize("trl,expected", [(9, 1.0), (7, 1.0), (6, 0.75), (5, 0.5), (3, 0.0), (1, 0.0)])
def test_trl_fit_falls_a_quarter_per_level_below_the_target(trl, expected):
    fit, _ = structured_fit({"kind": "demand", "trl_target": 7}, {"kind": "result", "trl": trl})
    assert fit == pytest.approx(expected)


def test_budget_fit_edges_and_missing_values():
    assert structured_fit({"budget_max": 100}, {"kind": "result", "asking_price": 100})[0] == 1.0
    assert structured_fit({"budget_max": 100}, {"kind": "result", "asking_price": 125})[0] == pytest.approx(0.8)
    assert structured_fit({"budget_max": 0}, {"kind": "result", "asking_price": 0})[0] == 1.0
    assert structured_fit({"budget_max": ""}, {"kind": "result", "asking_price": 50}) == (0.0, [])
    assert structured_fit({"field": "energy"}, {"kind": "result", "field": None}) == (0.0, [])
    assert structured_fit({}, {}) == (0.0, [])
