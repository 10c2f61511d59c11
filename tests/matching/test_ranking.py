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
