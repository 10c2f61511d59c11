"""Browse and search: filters, sorting with deterministic ties, pagination, Chinese keyword search."""
from datetime import datetime, timedelta
from marketplace.localtime import local_today

import pytest
import sqlalchemy as sa
from flask import current_app

from marketplace.services import browse, demands, results
from marketplace.services.browse import ListingFilters, search_demands, search_results
from models import Demand, Result, Role, db

from ..factories import make_demand, make_result, make_user

TODAY = local_today()


def published_demand(user, **overrides) -> Demand:
    """A published demand with neutral text unless overridden (so searches only hit what a test sets)."""
    values = {"title": "工业机器人视觉检测", "description": "需要一套视觉检测系统。", "keywords": ["视觉"],
              "status": "published"}
    return make_demand(user, **(values | overrides))


def published_result(user, **overrides) -> Result:
    """A published result with neutral text unless overridden."""
    values = {"title": "高精度视觉定位方法", "abstract": "基于深度学习的定位。", "keywords": ["视觉"],
              "patents": [], "status": "published"}
    return make_result(user, **(values | overrides))


def ids(page) -> list[int]:
    return [item.id for item in page.items]


def index():
    return current_app.extensions["match_index"]


def find_demands(per_page: int = 50, page: int = 1, **filters) -> list[int]:
    return ids(search_demands(ListingFilters(**filters), page, per_page, index=index()))


def find_results(per_page: int = 50, page: int = 1, **filters) -> list[int]:
    return ids(search_results(ListingFilters(**filters), page, per_page, index=index()))


def set_published_at(listing, when: datetime) -> None:
    listing.published_at = when
    db.session.commit()


# --- what is listed ---------------------------------------------------------------------------

def test_only_published_demands_are_listed_and_closed_on_request(ctx):
    user = make_user()
    draft = make_demand(user)
    live = published_demand(user)
    closed = published_demand(user, title="已关闭的需求")
    demands.change_demand_status(user, closed.id, demands.DemandStatus.CLOSED)
    db.session.commit()
    assert find_demands() == [live.id]
    assert find_demands(status="closed") == [closed.id]
    assert draft.id not in find_demands(status="draft")


def test_only_published_results_are_listed(ctx):
    user = make_user(Role.RESEARCHER)
    make_result(user)
    live = published_result(user)
    withdrawn = published_result(user, title="已撤回成果")
    results.change_result_status(user, withdrawn.id, results.ResultStatus.WITHDRAWN)
    db.session.commit()
    assert find_results() == [live.id]


# --- filters ----------------------------------------------------------------------------------

def test_demand_filters(ctx):
    user = make_user()
    ai = published_demand(user, field="ai", region="江苏省苏州市", trl_target=3, cooperation_mode="license")
    energy = published_demand(user, field="new_energy", region="上海市浦东新区", trl_target=6)
    late = published_demand(user, field="new_energy", region="浙江省杭州市", trl_target=9,
                            cooperation_mode="challenge")
    assert find_demands(field="ai") == [ai.id]
    assert find_demands(field="bci") == []
    assert find_demands(region="苏州") == [ai.id]
    assert find_demands(region="上海") == [energy.id]
    assert sorted(find_demands(trl_min=6)) == sorted([energy.id, late.id])
    assert sorted(find_demands(trl_max=6)) == sorted([ai.id, energy.id])
    assert find_demands(trl_min=4, trl_max=8) == [energy.id]
    assert find_demands(trl_min=6, trl_max=6) == [energy.id]
    assert find_demands(mode="license") == [ai.id]
    assert find_demands(mode="challenge", field="new_energy") == [late.id]
    assert find_demands(mode="challenge", field="ai") == []
    assert len(find_demands(mode="not-a-mode")) == 3  # unknown codes do not filter


def test_result_filters(ctx):
    user = make_user(Role.RESEARCHER)
    a = published_result(user, field="ai", trl=2, transfer_modes=["license"], region="北京市海淀区")
    b = published_result(user, field="new_materials", trl=5, transfer_modes=["assignment", "equity"], region="上海市")
    c = published_result(user, field="new_materials", trl=8, transfer_modes=["license", "equity"], region="上海市")
    assert find_results(field="new_materials", sort="trl") == [c.id, b.id]
    assert find_results(region="海淀") == [a.id]
    assert sorted(find_results(mode="equity")) == sorted([b.id, c.id])
    assert sorted(find_results(mode="license")) == sorted([a.id, c.id])
    assert find_results(mode="assignment") == [b.id]
    assert find_results(trl_min=3, trl_max=6) == [b.id]
    assert len(find_results(mode="donation")) == 3


def test_region_filter_treats_like_wildcards_literally(ctx):
    user = make_user()
    published_demand(user, region="上海市")
    assert find_demands(region="%") == []
    assert find_demands(region="_") == []


def test_filters_parsed_from_query_arguments_leniently():
    parsed = ListingFilters.from_args({"q": "  热失控 ", "trl_min": "abc", "trl_max": "12", "field": "ai",
                                       "cooperation_mode": "license", "sort": "budget"})
    assert (parsed.q, parsed.trl_min, parsed.trl_max, parsed.field, parsed.mode, parsed.sort) == \
        ("热失控", None, None, "ai", "license", "budget")
    assert ListingFilters.from_args({"transfer_mode": "equity", "trl_min": "3", "trl_max": "0"}) == \
        ListingFilters(mode="equity", trl_min=3)
    assert len(ListingFilters.from_args({"q": "字" * 500}).q) == 200


# --- sorting ----------------------------------------------------------------------------------

def test_demand_sorts_with_ties_broken_by_newest_id(ctx):
    user = make_user()
    base = datetime(2026, 1, 1, 9, 0)
    a = published_demand(user, budget_max=300, deadline=(TODAY + timedelta(days=30)).isoformat())
    b = published_demand(user, budget_max=500, deadline=(TODAY + timedelta(days=10)).isoformat())
    c = published_demand(user, budget_max=300, deadline=(TODAY + timedelta(days=30)).isoformat())
    d = published_demand(user, budget_max=300, deadline=(TODAY + timedelta(days=20)).isoformat())
    for listing, hours in ((a, 3), (b, 1), (c, 3), (d, 2)):
        set_published_at(listing, base + timedelta(hours=hours))
    assert find_demands(sort="newest") == [c.id, a.id, d.id, b.id]
    assert find_demands() == [c.id, a.id, d.id, b.id]  # newest is the default without a query
    assert find_demands(sort="deadline") == [b.id, d.id, c.id, a.id]
    assert find_demands(sort="budget") == [b.id, d.id, c.id, a.id]
    assert find_demands(sort="nonsense") == [c.id, a.id, d.id, b.id]


def test_result_sorts_with_ties_broken_by_newest_id(ctx):
    user = make_user(Role.RESEARCHER)
    base = datetime(2026, 1, 1, 9, 0)
    a = published_result(user, trl=4, asking_price=100)
    b = published_result(user, trl=7, asking_price=None)
    c = published_result(user, trl=4, asking_price=50)
    d = published_result(user, trl=4, asking_price=100)
    for listing, hours in ((a, 1), (b, 4), (c, 1), (d, 2)):
        set_published_at(listing, base + timedelta(hours=hours))
    assert find_results(sort="newest") == [b.id, d.id, c.id, a.id]
    assert find_results(sort="trl") == [b.id, d.id, c.id, a.id]
    assert find_results(sort="price") == [c.id, d.id, a.id, b.id]  # no price last


@pytest.mark.parametrize("sort", ["newest", "deadline", "budget"])
def test_a_sorted_keyword_list_is_in_the_same_order_as_the_plain_list(ctx, sort):
    """Keyword lists sort their matches in Python (services/browse.py says why): the same order as
    SQL gives the list without keywords — ties by newest id, no deadline last, a confidential
    demand's hidden budget and deadline sorting as empty (last) — on every page."""
    user, base = make_user(), datetime(2026, 1, 1, 9, 0)
    made = []
    for i, (budget, days) in enumerate(((300, 30), (500, 60), (300, 30), (300, 20), (800, 5), (500, 60))):
        made.append(published_demand(user, title=f"热失控预警{i}", budget_max=budget,
                                     deadline=(TODAY + timedelta(days=days)).isoformat()))
        set_published_at(made[-1], base + timedelta(hours=i % 3))
    made.append(published_demand(make_user(), title="热失控预警机密", budget_max=900, visibility="confidential",
                                 summary="热失控预警", deadline=(TODAY + timedelta(days=1)).isoformat()))
    plain = find_demands(sort=sort)
    assert len(plain) == 7 and find_demands(q="热失控", sort=sort) == plain
    assert find_demands(q="热失控", sort=sort, per_page=3, page=2) == plain[3:6]


@pytest.mark.parametrize("sort", ["newest", "trl", "price"])
def test_a_sorted_keyword_list_of_results_is_in_the_same_order_as_the_plain_list(ctx, sort):
    user, base = make_user(Role.RESEARCHER), datetime(2026, 1, 1, 9, 0)
    for i, (trl, price) in enumerate(((4, 100), (7, None), (4, 50), (4, 100), (9, None), (2, 10))):
        set_published_at(published_result(user, title=f"热失控方法{i}", trl=trl, asking_price=price),
                         base + timedelta(hours=i % 2))
    plain = find_results(sort=sort)
    assert len(plain) == 6 and find_results(q="热失控", sort=sort) == plain


# --- pagination -------------------------------------------------------------------------------

def test_pagination_totals_and_pages(ctx):
    user = make_user()
    created = [published_demand(user).id for _ in range(5)]
    pages = [search_demands(ListingFilters(), n, 2, index=index()) for n in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [5] * 4
    assert [len(p.items) for p in pages] == [2, 2, 1, 0]
    assert pages[0].pages == 3 and not pages[0].has_prev and pages[0].has_next
    assert pages[2].has_prev and not pages[2].has_next
    assert [i for p in pages for i in ids(p)] == sorted(created, reverse=True)


def test_pagination_counts_only_matches(ctx):
    user = make_user()
    for _ in range(3):
        published_demand(user, field="ai")
    published_demand(user, field="bci")
    page = search_demands(ListingFilters(field="ai"), 1, 2, index=index())
    assert (page.total, page.pages, len(page.items)) == (3, 2, 2)
    empty = search_demands(ListingFilters(field="fintech"), 1, 2, index=index())
    assert (empty.total, empty.pages, empty.items, empty.has_next) == (0, 1, [], False)


# --- keyword search ---------------------------------------------------------------------------

def test_chinese_query_is_tokenized(ctx):
    user = make_user()
    hit = published_demand(user, title="储能电站热失控监测", description="监测储能电站的电芯状态。", keywords=["储能"])
    published_demand(user)
    assert find_demands(q="锂电池热失控预警") == [hit.id]
    assert find_demands(q="热失控") == [hit.id]
    assert find_demands(q="量子计算") == []


def test_results_are_searched_too(ctx):
    user = make_user(Role.RESEARCHER)
    hit = published_result(user, abstract="融合气体与温度信号识别热失控征兆。")
    published_result(user)
    assert find_results(q="锂电池热失控预警") == [hit.id]


def test_title_hits_rank_above_body_only_hits(ctx):
    user = make_user()
    body = published_demand(user, title="储能安全需求", description="要求在热失控前十分钟预警。", keywords=["储能"])
    keyword = published_demand(user, title="电池管理系统", keywords=["热失控"])
    title = published_demand(user, title="热失控抑制材料", description="寻找阻燃材料。", keywords=["阻燃"])
    assert find_demands(q="热失控") == [title.id, keyword.id, body.id]
    # An explicit sort overrides relevance but keeps the query as a filter.
    assert find_demands(q="热失控", sort="newest") == sorted([title.id, keyword.id, body.id], reverse=True)


def test_more_matching_terms_rank_higher(ctx):
    user = make_user(Role.RESEARCHER)
    one = published_result(user, title="钠离子电池正极材料", keywords=["正极"])
    two = published_result(user, title="钠离子电池热失控预警", keywords=["预警"])
    assert find_results(q="钠离子电池热失控") == [two.id, one.id]


@pytest.mark.parametrize("q", ["%", "_", "%%%", ",", '"', "[", "]", "[]", '", "', "\\", "的"])
def test_a_query_without_a_selective_term_matches_nothing_never_everything(ctx, q):
    """Keyword filtering goes through the match index's terms: punctuation, LIKE wildcards and
    JSON syntax are no terms at all, and a word nearly every listing has selects nothing."""
    user = make_user()
    published_demand(user, title="光电转换效率提升至 25% 以上", keywords=["视觉", "检测"])
    published_demand(user, title=f"AB_5 型储氢合金，标题里有{q}符号", keywords=[])
    assert find_demands(q=q) == []


def test_numbers_and_latin_words_are_terms(ctx):
    user = make_user()
    percent = published_demand(user, title="光电转换效率提升至 25% 以上")
    alloy = published_demand(user, title="AB5 型储氢合金")
    assert find_demands(q="25%") == [percent.id]
    assert find_demands(q="AB5") == [alloy.id]


def test_a_keyword_list_holds_the_best_matches_only(ctx, monkeypatch):
    from marketplace.services import browse as browse_service

    monkeypatch.setattr(browse_service, "KEYWORD_CANDIDATES", 2)
    user = make_user()
    made = [published_demand(user, title="热失控" * (n + 1) + "预警") for n in range(3)]
    found = find_demands(q="热失控")
    assert len(found) == 2 and set(found) <= {d.id for d in made}


def test_keywords_are_searched(ctx):
    user = make_user(Role.RESEARCHER)
    hit = published_result(user, title="新型正极材料", abstract="提升循环寿命。", keywords=["钠离子电池", "层状氧化物"])
    published_result(user)
    assert find_results(q="层状氧化物") == [hit.id]


def test_confidential_demands_are_not_found_by_hidden_words(ctx):
    user = make_user()
    secret = published_demand(user, title="新材料封装需求", description="钙钛矿叠层电池的柔性封装工艺。",
                              visibility="confidential", summary="寻求一种光伏组件封装方案。")
    open_ = published_demand(user, title="新材料封装需求", description="钙钛矿叠层电池的柔性封装工艺。")
    assert find_demands(q="钙钛矿") == [open_.id]
    assert sorted(find_demands(q="光伏组件")) == [secret.id]
    assert sorted(find_demands(q="封装")) == sorted([secret.id, open_.id])


def test_search_combines_with_filters(ctx):
    user = make_user()
    ai = published_demand(user, title="热失控视觉识别", field="ai")
    published_demand(user, title="热失控传感器", field="new_energy")
    assert find_demands(q="热失控", field="ai") == [ai.id]


def test_a_keyword_list_on_status_and_field_alone_is_the_index_order_and_reads_only_its_page(ctx):
    """The index filters on status and field itself: the list is its matches, and the database is
    asked for the page's rows only — one statement on demands, never the thousand ids."""
    from tests.query_counter import statements

    user = make_user()
    made = [published_demand(user, title="热失控" * (6 - n) + "预警", field="ai") for n in range(5)]
    find_demands(q="热失控", field="ai")  # the index catches up with the new listings
    with statements() as seen:
        page = search_demands(ListingFilters(q="热失控", field="ai"), 2, 2, index=index())
    assert page.total == 5 and ids(page) == [made[2].id, made[3].id]
    on_demands = [statement for statement, _ in seen if "FROM demands" in statement]
    assert len(on_demands) == 1


def test_a_keyword_page_still_reads_its_rows_through_the_status_filter(ctx):
    """Should the index still hold a listing the database no longer lists, the page leaves it out."""
    user = make_user()
    kept, gone = published_demand(user, title="热失控预警"), published_demand(user, title="热失控预警系统")
    find_demands(q="热失控")
    db.session.execute(sa.update(Demand).where(Demand.id == gone.id).values(status="fulfilled"))
    assert find_demands(q="热失控") == [kept.id]


def test_a_keyword_list_with_another_filter_counts_only_what_passes_it(ctx):
    user = make_user()
    shanghai = [published_demand(user, title="热失控" * (n + 1), region="上海市") for n in range(3)]
    published_demand(user, title="热失控热失控热失控热失控", region="北京市")
    page = search_demands(ListingFilters(q="热失控", region="上海"), 1, 2, index=index())
    assert page.total == 3 and ids(page) == [shanghai[2].id, shanghai[1].id]


def test_a_keyword_list_of_results_with_another_filter_counts_only_what_passes_it(ctx):
    user = make_user(Role.RESEARCHER)
    mature = [published_result(user, title="热失控" * (n + 1), trl=8) for n in range(2)]
    published_result(user, title="热失控热失控热失控热失控", trl=3)
    page = search_results(ListingFilters(q="热失控", trl_min=7), 1, 5, index=index())
    assert page.total == 2 and ids(page) == [mature[1].id, mature[0].id]


def test_drafts_are_never_found_by_search(ctx):
    user = make_user()
    make_demand(user, title="热失控草稿")
    make_result(make_user(Role.RESEARCHER), title="热失控草稿成果")
    assert find_demands(q="热失控") == [] and find_results(q="热失控") == []


# --- my listings ------------------------------------------------------------------------------

def test_my_demands_include_drafts_of_the_organization_only(ctx):
    owner = make_user()
    colleague = make_user(organization=owner.organization)
    draft = make_demand(owner)
    live = published_demand(colleague)
    closed = published_demand(owner)
    demands.change_demand_status(owner, closed.id, demands.DemandStatus.CLOSED)
    db.session.commit()
    other = make_user()
    make_demand(other)
    published_demand(other)
    mine = browse.my_demands(colleague, 1, 50)
    assert sorted(ids(mine)) == sorted([draft.id, live.id, closed.id]) and mine.total == 3
    assert browse.my_demands(other, 1, 50).total == 2


def test_my_results_include_drafts_of_the_organization_only(ctx):
    owner = make_user(Role.RESEARCHER)
    draft = make_result(owner)
    live = published_result(owner)
    make_result(make_user(Role.RESEARCHER))
    mine = browse.my_results(owner, 1, 50)
    assert sorted(ids(mine)) == sorted([draft.id, live.id])
    assert browse.my_results(make_user(Role.RESEARCHER), 1, 50).total == 0


def test_home_page_latest_and_counts(ctx):
    user = make_user()
    researcher = make_user(Role.RESEARCHER)
    make_demand(user)
    first, second = published_demand(user), published_demand(user)
    published_result(researcher)
    assert [d.id for d in browse.latest(Demand, demands.DemandStatus.PUBLISHED)] == [second.id, first.id]
    from marketplace.public_figures import home_counts  # the statistics' figures (tests/views/test_stats.py)

    assert home_counts() == {"demands": 2, "results": 1, "organizations": 2}
    assert db.session.scalar(sa.select(sa.func.count(Demand.id))) == 3
