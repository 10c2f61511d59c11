"""Matcher behaviour: ranking, filters, explanations, life-cycle equal to refit, persistence, determinism."""
import json
import subprocess
import sys

import pytest
from conftest import make_doc, small_corpus

from matching import Matcher


def fitted(docs=None, **params):
    """A matcher fitted on the small corpus (or on ``docs``)."""
    return Matcher(**params).fit(small_corpus() if docs is None else docs)


def ids(matches):
    return [m.id for m in matches]


def test_fit_returns_self_and_learned_attributes_end_in_underscore():
    m = Matcher()
    assert m.fit(small_corpus()) is m
    assert len(m) == 8 and 1 in m and "d1" in m
    assert not hasattr(Matcher(), "word_")


def test_text_query_ranks_the_obvious_result_first():
    m = fitted()
    assert ids(m.query("锂离子电池热失控预警", top=3))[0] == 1
    assert ids(m.query("GaN 5G 基站", top=3))[0] == 2
    assert ids(m.query("脑机接口 康复", top=3))[0] == 3


def test_character_channel_bridges_segmentation_differences():
    m = fitted()
    res = m.query("锂电", top=3)  # no shared jieba token with 锂离子电池, shared characters
    assert res and res[0].id in (1, 4, "d1")
    assert res[0].components["char"] > 0


def test_document_query_uses_structured_fit():
    m = fitted()
    demand = m.get("d1")
    res = m.query(demand, top=5, filters={"kind": "result"})
    assert res[0].id == 1
    assert res[0].components["structured"] > 0
    aspects = {n["aspect"]: n["ok"] for n in res[0].explanation["notes"]}
    assert aspects == {"field": True, "trl": True, "budget": True}


@pytest.mark.parametrize("doc_id", ["d1", 1, 6])  # 1 sits in slot 0, 6 in the last slot
def test_a_document_query_never_matches_itself(doc_id):
    m = fitted()
    doc = m.get(doc_id)
    assert ids(m.query(dict(doc, id=None), top=3))[0] == doc_id  # as text it is its own best match
    res = m.query(doc, top=8)  # no kind filter: only the exclusion keeps it out
    assert res and doc_id not in ids(res)
    assert len(res) == len(set(ids(res)))


def test_filters_apply_before_top_k():
    m = fitted()
    res = m.query("电池", top=10, filters={"kind": "result", "status": "published"})
    assert res and all(m.get(i)["kind"] == "result" and m.get(i)["status"] == "published" for i in ids(res))
    assert 4 not in ids(res)  # draft
    assert ids(m.query("电池", filters={"field": ["ic", "bci"]})) == []
    assert ids(m.query("电池", filters={"field": "no-such-field"})) == []
    with pytest.raises(ValueError):
        m.query("电池", filters={"colour": "red"})


def test_explanation_terms_keywords_and_highlights():
    m = fitted()
    q = {"title": "锂电池安全", "text": "寻找锂电池热失控预警技术", "keywords": ["锂电池"]}
    best = m.query(q, top=1, filters={"kind": "result"})[0]
    assert best.id == 1
    exp = best.explanation
    json.dumps(exp, ensure_ascii=False)
    terms = {t["term"]: t for t in exp["terms"]}
    assert "热失控" in terms and terms["热失控"]["contribution"] > 0
    doc = m.get(1)
    for s, e in terms["热失控"]["doc_spans"]["text"]:
        assert doc["text"][s:e] == "热失控"
    for s, e in terms["热失控"]["query_spans"]["text"]:
        assert q["text"][s:e] == "热失控"
    labels = [k["label"] for k in exp["keywords"]]
    assert any(lbl.startswith("锂电池 ≈ 锂离子电池 (") for lbl in labels)
    assert [0, 5] in exp["highlights"]["doc"]["title"]  # 锂离子电池 in the title
    assert "热失控" in exp["summary"]


def test_explain_any_document():
    m = fitted()
    match = m.explain("锂离子电池热失控", 6)
    assert match.id == 6 and match.score == 0.0 and match.explanation["terms"] == []
    assert m.explain("锂离子电池热失控", 1).score > 0


def test_ties_are_broken_by_id():
    docs = [make_doc(i, "同一标题", "完全相同的文本内容") for i in (3, 1, 2)]
    docs += [make_doc("b", "同一标题", "完全相同的文本内容"), make_doc("a", "同一标题", "完全相同的文本内容")]
    m = fitted(docs)
    assert ids(m.query("完全相同的文本")) == [1, 2, 3, "a", "b"]
    assert ids(fitted(list(reversed(docs))).query("完全相同的文本")) == [1, 2, 3, "a", "b"]


def test_deterministic_across_fits():
    a = [(x.id, x.score) for x in fitted().query("电池 材料 效率")]
    b = [(x.id, x.score) for x in fitted().query("电池 材料 效率")]
    assert a == b


QUERIES = ["锂离子电池热失控", "GaN 功率器件", "废水处理能耗", "钠离子电池正极", "脑电采集", "新型半导体材料"]


def scores(m):
    return {q: [(x.id, round(x.score, 4)) for x in m.query(q, top=10, explain=False)] for q in QUERIES}


def test_add_update_remove_equal_a_refit():
    base, extra = small_corpus()[:5], small_corpus()[5:]
    m = fitted(base)
    for d in extra:
        m.add(d)
    changed = {**small_corpus()[1], "text": "碳化硅与氮化镓功率器件的封装散热，新增半导体材料验证。"}
    m.update(changed)
    m.remove(3)
    m.add(make_doc(99, "全新成果", "新型半导体材料的全新工艺", ["新型半导体"]))
    final = [d for d in small_corpus() if d["id"] != 3]
    final = [changed if d["id"] == 2 else d for d in final] + [make_doc(99, "全新成果", "新型半导体材料的全新工艺", ["新型半导体"])]
    assert scores(m) == scores(fitted(final))
    m.compact()
    assert scores(m) == scores(fitted(final))


def test_add_rejects_duplicates_and_remove_unknown_raises():
    m = fitted()
    with pytest.raises(ValueError):
        m.add(small_corpus()[0])
    with pytest.raises(KeyError):
        m.remove("nope")
    with pytest.raises(ValueError):
        Matcher().fit(small_corpus() + small_corpus()[:1])


def test_save_load_round_trip(tmp_path):
    m = fitted()
    m.add(make_doc(42, "新增", "新增的钙钛矿电池成果", ["钙钛矿电池"], kind="result"))
    m.save(tmp_path / "idx")
    loaded = Matcher.load(tmp_path / "idx")
    assert scores(loaded) == scores(m)
    assert loaded.get_params() == m.get_params()
    assert ids(loaded.query("钙钛矿", filters={"kind": "result"})) == [42]
    loaded.add(make_doc(43, "再新增", "钙钛矿电池封装"))
    m.add(make_doc(43, "再新增", "钙钛矿电池封装"))
    assert scores(loaded) == scores(m)


def test_save_replaces_generation_atomically(tmp_path):
    m = fitted()
    m.save(tmp_path)
    first = (tmp_path / "CURRENT").read_text()
    m.remove(1).save(tmp_path)
    second = (tmp_path / "CURRENT").read_text()
    assert first != second and not (tmp_path / first).exists()
    assert 1 not in Matcher.load(tmp_path)


def test_load_rejects_other_formats(tmp_path):
    m = fitted()
    m.save(tmp_path)
    gen = tmp_path / (tmp_path / "CURRENT").read_text()
    manifest = json.loads((gen / "manifest.json").read_text())
    (gen / "manifest.json").write_text(json.dumps({**manifest, "version": 999}))
    with pytest.raises(ValueError):
        Matcher.load(tmp_path)


def test_weights_are_overridable_and_components_add_up():
    m = fitted(weights={"char": 0.0, "keywords": 0.0, "title": 0.0})
    res = m.query("锂离子电池 热失控")
    assert all(x.components["char"] == 0 for x in res)
    for x in fitted().query("锂离子电池 热失控"):
        assert abs(sum(x.components.values()) - x.score) < 1e-5


def test_empty_and_unknown_queries():
    m = fitted()
    assert m.query("") == [] and m.query("的 了 和") == [] and m.query("zzzz qqqq") == []


def test_objects_and_enum_values_are_accepted():
    class Status:
        value = "published"

    class Listing:
        def __init__(self, id, title, abstract, keywords):
            self.id, self.title, self.abstract, self.keywords, self.status = id, title, abstract, keywords, Status()

    m = Matcher().fit([Listing(1, "硅光芯片", "硅光子集成光模块", "硅光, 光模块"), Listing(2, "纺织", "功能纤维", "纤维")])
    assert ids(m.query("光模块", filters={"status": Status()})) == [1]
    assert m.get(1)["keywords"] == ["硅光", "光模块"]


def test_library_imports_no_web_stack():
    code = ("import sys, matching; matching.Matcher; "
            "bad=[m for m in sys.modules if m.split('.')[0] in ('flask','sqlalchemy','marketplace','models')]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_english_demand_finds_chinese_result_through_the_glossary():
    m = fitted()
    res = m.query({"title": "Thermal runaway warning for lithium-ion batteries", "text": "energy storage safety",
                   "kind": "demand", "field": "energy"}, filters={"kind": "result"})
    assert res[0].id == 1


def test_filter_is_applied_before_the_candidate_cut():
    docs = [make_doc(f"d{i:02d}", "锂离子电池热失控预警", "锂离子电池热失控预警 锂离子电池", kind="demand") for i in range(80)]
    docs.append(make_doc("r1", "电池材料", "一种电池正极材料，附带热失控讨论", kind="result"))
    m = fitted(docs)
    assert ids(m.query("锂离子电池热失控预警", top=1, filters={"kind": "result"})) == ["r1"]
    assert ids(m.query("锂离子电池热失控预警", top=3)) == ["d00", "d01", "d02"]


def test_document_store_spanning_many_segments(tmp_path, monkeypatch):
    from matching.store import DocStore

    monkeypatch.setattr(DocStore, "SEGMENT", 300)
    m = fitted()
    assert len(m.store_.segments) > 1
    assert [m.get(d["id"])["title"] for d in small_corpus()] == [d["title"] for d in small_corpus()]
    m.save(tmp_path)
    loaded = Matcher.load(tmp_path)
    assert [loaded.get(d["id"]) for d in small_corpus()] == [m.get(d["id"]) for d in small_corpus()]


def test_filter_masks_follow_index_changes():
    m = fitted()
    assert ids(m.query("钙钛矿", filters={"kind": "result"})) == []
    m.add(make_doc(50, "钙钛矿电池", "钙钛矿电池封装", kind="result"))
    assert ids(m.query("钙钛矿", filters={"kind": "result"})) == [50]
    m.update(make_doc(50, "钙钛矿电池", "钙钛矿电池封装", kind="demand"))
    assert ids(m.query("钙钛矿", filters={"kind": "result"})) == []
    assert ids(m.query("钙钛矿", filters={"kind": ["result", "demand"]})) == [50]


def test_database_values_are_stored_and_none_filters_ignored():
    import datetime
    from decimal import Decimal

    m = fitted([make_doc(1, "钙钛矿电池", "钙钛矿电池封装", kind="result", asking_price=Decimal("12.5"),
                         budget_max=None, trl=6)])
    m.add({**make_doc(2, "钙钛矿组件", "钙钛矿组件老化"), "kind": "result", "asking_price": Decimal(3)})
    assert m.get(1)["asking_price"] == 12.5
    assert set(ids(m.query("钙钛矿", filters={"kind": "result", "field": None}))) == {1, 2}
    demand = {"title": "钙钛矿", "text": "钙钛矿电池", "kind": "demand", "budget_max": Decimal(10),
              "trl_target": 5, "deadline": datetime.date(2026, 1, 1)}
    notes = {n["aspect"]: n for n in m.explain(demand, 1).explanation["notes"]}
    assert notes["trl"]["ok"] and not notes["budget"]["ok"]  # asking 12.5 > budget 10
    json.dumps(m.explain(demand, 1).to_dict(), ensure_ascii=False)


def test_retrieve_returns_every_document_with_a_selective_term_best_first():
    from matching import Matcher

    docs = [{"id": f"d{i}", "title": f"储能电池热失控预警 第{i}号", "text": "热失控 预警" * (i + 1), "keywords": [],
             "kind": "demand"} for i in range(5)]
    docs += [{"id": "r1", "title": "光伏组件封装", "text": "钙钛矿叠层", "keywords": [], "kind": "result"}]
    matcher = Matcher(rerank_depth=2).fit(docs)
    found = matcher.retrieve("热失控", limit=100)
    assert {doc_id for doc_id, _ in found} == {f"d{i}" for i in range(5)}  # beyond the re-rank depth
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)
    assert [d for d, _ in matcher.retrieve("热失控", limit=2)] == [d for d, _ in found[:2]]
    assert matcher.retrieve("热失控", filters={"kind": "result"}) == []
    assert matcher.retrieve("量子计算") == []


def test_retrieve_names_each_slot_by_its_document_after_updates_and_a_reload(tmp_path):
    """retrieve reads ids off the store's slot table: an updated document (a new slot, the old one
    dead) and a reloaded index must still name every hit by its own id."""
    from matching import Matcher

    docs = [{"id": f"d{i}", "title": f"热失控预警 第{i}号", "text": "热失控" * (i + 1), "keywords": [], "kind": "demand"}
            for i in range(4)]
    matcher = Matcher().fit(docs)
    matcher.update({"id": "d0", "title": "热失控预警 改写", "text": "热失控 " * 9, "keywords": [], "kind": "demand"})
    matcher.remove("d2")
    matcher.add({"id": "d9", "title": "新增热失控", "text": "热失控", "keywords": [], "kind": "demand"})
    expected = {doc_id: matcher.get(doc_id)["title"] for doc_id in ("d0", "d1", "d3", "d9")}
    found = matcher.retrieve("热失控")
    assert sorted(doc_id for doc_id, _ in found) == sorted(expected)
    matcher.save(tmp_path)
    loaded = Matcher.load(tmp_path)
    assert loaded.retrieve("热失控") == found
    assert {doc_id: loaded.get(doc_id)["title"] for doc_id, _ in loaded.retrieve("热失控")} == expected
