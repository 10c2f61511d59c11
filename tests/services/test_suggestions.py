"""Explained suggestions, matcher search, pair scores, and the labelled seed pairs."""

from marketplace.services import suggestions
from marketplace.services.match_index import MatchIndex
from models import Demand, Role, db
from seeds.loader import labelled_pairs, load_demo

from ..factories import make_demand, make_result, make_user


def _setup():
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", title="储能电站锂电池热失控早期预警",
                         description="需要在锂离子电池热失控前十分钟报警，误报率低于百分之一。",
                         keywords=["锂离子电池", "热失控", "预警"])
    fit = make_result(researcher, status="published", title="锂电池热失控多信号融合预警方法",
                      abstract="融合气体与温度信号，提前识别锂电池热失控。", keywords=["锂电池", "热失控", "气体传感器"], trl=6)
    miss = make_result(researcher, status="published", title="水稻病虫害无人机识别", field="agriculture",
                       abstract="基于多光谱图像识别稻飞虱。", keywords=["无人机", "病虫害"], trl=6)
    return enterprise, researcher, demand, fit, miss


def test_suggestions_rank_the_fitting_result_first_with_reasons(ctx):
    enterprise, _, demand, fit, miss = _setup()
    found = suggestions.suggest(MatchIndex(), demand, enterprise, limit=5)
    assert [s.listing.id for s in found][0] == fit.id
    best = found[0]
    assert 0 < best.fit <= 100
    assert any(t["term"] == "热失控" for t in best.explanation["terms"])
    assert any("锂电池" in k["label"] for k in best.explanation["keywords"])
    assert any(n["aspect"] == "field" and "新能源" in n["text"] for n in best.explanation["notes"])
    assert best.explanation["highlights"]["doc"]["title"]


def test_suggestions_for_a_result_are_demands(ctx):
    _, researcher, demand, fit, _ = _setup()
    found = suggestions.suggest(MatchIndex(), fit, researcher, limit=5)
    assert [s.listing.id for s in found] == [demand.id]


def test_withdrawn_listing_vanishes_from_suggestions(ctx):
    enterprise, researcher, demand, fit, _ = _setup()
    index = MatchIndex()
    assert fit.id in [s.listing.id for s in suggestions.suggest(index, demand, enterprise)]
    from marketplace.services import results

    results.change_result_status(researcher, fit.id, results.ResultStatus.WITHDRAWN)
    db.session.commit()
    assert fit.id not in [s.listing.id for s in suggestions.suggest(index, demand, enterprise)]


def test_search_ranks_and_paginates(ctx):
    _, _, _, fit, miss = _setup()
    page = suggestions.search(MatchIndex(), "锂电池热失控", "result", "", 1, 1)
    assert page.total >= 1 and [s.listing.id for s in page.items] == [fit.id]
    assert suggestions.search(MatchIndex(), "锂电池热失控", "result", "agriculture", 1, 10).total == 0
    assert suggestions.search(MatchIndex(), "   ", "result", "", 1, 10).total == 0


def test_confidential_demand_text_is_not_exposed_to_other_viewers(ctx):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    secret = make_demand(enterprise, status="published", visibility="confidential", title="电池安全技术合作",
                         summary="寻求储能安全方案", description="保密：我司 280Ah 电芯在 45 度循环后鼓包")
    result = make_result(researcher, status="published", title="储能电芯鼓包检测",
                         abstract="检测储能电芯鼓包与产气，提供储能安全方案。")
    found = suggestions.suggest(MatchIndex(), result, researcher, limit=5)
    [hit] = [s for s in found if s.listing.id == secret.id]  # found through its public title and summary
    spans = hit.explanation["highlights"]["doc"]["text"]
    assert spans, "the summary shares words with the result, so some are highlighted"
    for start, end in spans:  # the offsets refer to the public summary, never the description
        assert 0 <= start < end <= len(secret.summary)
        assert secret.summary[start:end] in result.title + result.abstract
    assert "鼓包" not in str(hit.explanation)
    page = suggestions.search(MatchIndex(), "鼓包", "demand", "", 1, 10)
    assert secret.id not in [s.listing.id for s in page.items]


def test_pair_score_records_components_and_weights(ctx):
    _, _, demand, fit, miss = _setup()
    index = MatchIndex()
    score, stored = suggestions.pair_score(index, demand, fit)
    assert score > suggestions.pair_score(index, demand, miss)[0]
    assert set(stored) == {"components", "weights"}
    assert stored["weights"] == index.weights


def test_pair_score_of_an_unindexed_result_is_none(ctx):
    enterprise, researcher, demand, _, _ = _setup()
    draft = make_result(researcher, title="未发布的成果")
    assert suggestions.pair_score(MatchIndex(), demand, draft) == (None, None)


def test_labelled_seed_pairs_rank_in_the_top_five(ctx):
    """Issue 4's ranking test: each intended result appears in its demand's top 5."""
    load_demo("seed-pass-2026")
    db.session.commit()
    pairs = labelled_pairs()
    assert len(pairs) >= 25
    index, misses = MatchIndex(), []
    for demand_id, result_ids in pairs:
        demand = db.session.get(Demand, demand_id)
        top5 = [s.listing.id for s in suggestions.suggest(index, demand, None, limit=5)]
        if not set(result_ids) & set(top5):
            misses.append((demand.title, result_ids, top5))
    assert misses == []


def test_confidential_demand_shows_others_nothing_beyond_title_field_and_summary(ctx):
    """Keywords, budget and TRL of a confidential demand stay out of the index, the explanations
    and the stored pair score (the result side reads that score on the pairing page)."""
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    secret = make_demand(enterprise, status="published", visibility="confidential", title="储能合作",
                         summary="寻求储能安全方案", keywords=["绝密关键词"], budget_min=11, budget_max=777)
    result = make_result(researcher, status="published", title="绝密关键词检测", keywords=["绝密关键词"],
                         abstract="为储能电站提供储能安全方案。", asking_price=500)
    index = MatchIndex()
    stored = index.ready().get(f"d{secret.id}")
    assert stored["keywords"] == [] and "budget_max" not in stored and "trl_target" not in stored
    [hit] = [s for s in suggestions.suggest(index, result, researcher, limit=5) if s.listing.id == secret.id]
    text = str(hit.explanation)
    assert hit.explanation["terms"] and "777" not in text and "绝密关键词 (" not in text
    assert not [n for n in hit.explanation["notes"] if n["aspect"] == "budget"]
    _, owner_view = suggestions.pair_score(index, secret, result)
    assert owner_view["components"]["keywords"] == 0
