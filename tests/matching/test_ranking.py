"""Query-time ranking (matching/ranking.py): id order, the JSON form of a match, and an exact top-k."""
import pytest
from conftest import make_doc, small_corpus

from matching import Matcher
from matching.ranking import id_key


def test_id_key_orders_int_ids_before_str_ids_each_naturally():
    assert sorted([10, "b", 2, "a10", "a9", 1], key=id_key) == [1, 2, 10, "a10", "a9", "b"]
    assert id_key(3) == (0, 3, "") and id_key("x") == (1, 0, "x")


def test_match_to_dict_is_the_json_form():
    m = Matcher().fit(small_corpus())
    best = m.query("锂离子电池热失控预警", top=1)[0]
    assert best.to_dict() == {"id": 1, "score": best.score, "components": best.components,
                              "explanation": best.explanation}
    assert set(best.components) == {"word", "char", "keywords", "title", "structured"}


@pytest.mark.parametrize("top", [1, 2, 3])
@pytest.mark.parametrize("query", ["锂离子电池 储能 预警 低成本", "电池材料 低成本 监测 效率", "基站 功率器件 效率 电池",
                                   "监测 处理 工艺 电池 康复"])
def test_query_returns_exactly_the_best_scores_that_explain_gives(query, top):
    m = Matcher().fit(small_corpus())
    got = m.query(query, top=top)
    explained = [m.explain(query, i) for i in m.slot_of_]
    # candidates are the documents sharing a word or a character bigram with the query
    every = sorted(((e.score, e.id) for e in explained if e.components["word"] + e.components["char"] > 0),
                   key=lambda s: (-s[0], str(s[1])))
    assert len(every) > top, "the query should match more documents than it returns"
    assert [(r.score, r.id) for r in got] == every[:top]


def test_ties_are_broken_by_id():
    docs = [make_doc(i, "同名成果", "完全相同的文字。", ["同样"]) for i in (3, 1, 2)]
    res = Matcher().fit(docs).query("完全相同的文字", top=3)
    assert [r.id for r in res] == [1, 2, 3] and len({r.score for r in res}) == 1


# Two results and two demands: the A ones share many words with the queries below but fit badly,
# the B ones share few words and fit well, so only the re-ranking bonus can put B first.
LIFTED = [
    make_doc("RA", "均衡芯片方案", "电池管理芯片的电池均衡与电池监测，电池管理系统。", ["电池管理"],
             kind="result", field="ic", trl=2, asking_price=1000),
    make_doc("RB", "储能电站安全", "储能电站中的电池。", ["储能"], kind="result", field="energy", trl=9, asking_price=10),
    make_doc("DA", "均衡芯片需求", "寻找电池管理芯片、电池均衡与电池监测方案，电池管理系统。", ["电池管理"],
             kind="demand", field="ic", trl_target=9, budget_max=1),
    make_doc("DB", "储能电站安全需求", "储能电站中的电池。", ["储能"], kind="demand", field="energy", trl_target=1,
             budget_max=10000),
]
QUERY = {"title": "", "text": "电池管理芯片 电池监测 电池均衡 储能电站", "keywords": []}


@pytest.mark.parametrize("meta", [
    {"kind": "demand", "field": "energy"}, {"kind": "demand", "trl_target": 5}, {"kind": "demand", "budget_max": 100},
    {"kind": "result", "trl": 5}, {"kind": "result", "asking_price": 100},
    {"kind": "demand", "field": "energy", "trl": 5, "trl_target": 5, "budget_max": 100, "asking_price": 100},
])
def test_a_well_fitting_candidate_behind_on_words_is_still_reached(meta):
    """Re-ranking may stop early only when no later candidate can reach the top, counting the
    structured bonus whenever the query document has any structured field."""
    target = "result" if meta["kind"] == "demand" else "demand"
    m = Matcher(weights={"structured": 3.0}).fit(d for d in LIFTED if d["kind"] == target)
    query = QUERY | meta
    best = m.query(query, top=1)
    explained = sorted((m.explain(query, d["id"]) for d in LIFTED if d["kind"] == target), key=lambda e: -e.score)
    assert [(b.id, b.score) for b in best] == [(explained[0].id, explained[0].score)] == [
        (target[0].upper() + "B", explained[0].score)]
    words = {e.id: e.components["word"] + e.components["char"] for e in explained}
    assert words[target[0].upper() + "A"] > words[target[0].upper() + "B"] + 0.5  # behind on words


def test_a_title_spelled_out_can_lift_a_candidate_behind_on_words():
    m = Matcher(weights={"title": 3.0}).fit(d for d in LIFTED if d["kind"] == "result")
    query = "电池管理芯片 电池监测 电池均衡 储能电站安全"
    best = m.query(query, top=1)
    assert [b.id for b in best] == ["RB"] and best[0].score == m.explain(query, "RB").score
    assert m.explain(query, "RA").components["word"] > best[0].components["word"]
