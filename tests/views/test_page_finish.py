"""Pages that look finished: a page number past the end of a list says so and links to the last
page (never "第 999 / 3 页", never "nothing matches"); an anonymous visitor is offered to sign in
where a signed-in user would act."""
from __future__ import annotations

import re

import pytest

from models import Role
from tests.factories import login, make_demand, make_user


@pytest.fixture()
def three_pages(client, ctx, monkeypatch):
    owner = make_user(Role.ENTERPRISE)
    for i in range(5):
        make_demand(owner, title=f"锂电池热管理需求{i}", status="published")
    monkeypatch.setitem(ctx.config, "PER_PAGE", 2)
    return client


def test_a_page_past_the_end_links_to_the_last_page(three_pages):
    page = three_pages.get("/demands/?page=999").get_data(as_text=True)
    assert "没有第 999 页" in page and "共 3 页" in page
    assert "第 999 / 3 页" not in page and "没有符合条件的需求" not in page
    assert re.search(r'href="/demands/\?page=3"[^>]*>‹ 最后一页（第 3 页）', page)


def test_the_last_page_itself_reads_as_usual(three_pages):
    page = three_pages.get("/demands/?page=3").get_data(as_text=True)
    assert "第 3 / 3 页" in page and "没有第" not in page


def test_an_empty_list_still_says_nothing_matches(client, ctx):
    page = client.get("/demands/?page=5").get_data(as_text=True)
    assert "没有符合条件的需求" in page and "没有第 5 页" not in page


def test_search_past_the_end_says_so(three_pages):
    page = three_pages.get("/search?q=锂电池&page=50").get_data(as_text=True)
    assert "没有第 50 页" in page and "没有找到" not in page


def test_an_anonymous_visitor_is_offered_to_sign_in_where_they_would_pair(client):
    from tests.factories import make_result

    owner = make_user(Role.ENTERPRISE)
    demand = make_demand(owner, title="锂电池热管理需求", status="published")
    result = make_result(make_user(Role.RESEARCHER), status="published")
    for path in (f"/demands/{demand.id}", f"/results/{result.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "登录后对接" in page and f'href="/auth/login?next={path}"' in page, path
        assert "发起对接" not in page
    login(client, make_user(Role.RESEARCHER))
    signed_in = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "登录后对接" not in signed_in
    assert 'id="pairing-panel-title"' in signed_in  # the signed-in panel instead
