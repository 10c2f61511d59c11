"""Keyword search over published listings, Chinese queries included."""
from __future__ import annotations

import re

from models import Role
from tests.factories import make_demand, make_result, make_user


def page_text(response) -> str:
    """The page with the matcher's <mark> highlights removed, so titles read whole."""
    assert response.status_code == 200
    return re.sub(r"</?mark>", "", response.get_data(as_text=True))


def test_chinese_query_finds_the_right_demand(client):
    owner = make_user()
    make_demand(owner, title="动力电池热失控早期预警技术", status="published")
    make_demand(owner, title="纺织品数码印花色牢度提升", description="活性染料喷墨印花后水洗色牢度不足。",
                field="textiles", keywords=["数码印花", "色牢度"], status="published")
    make_demand(owner, title="热失控预警草稿")

    text = page_text(client.get("/search", query_string={"q": "电池热失控预警"}))
    assert "动力电池热失控早期预警技术" in text
    assert "纺织品数码印花色牢度提升" not in text
    assert "热失控预警草稿" not in text

    text = page_text(client.get("/search", query_string={"q": "色牢度"}))
    assert "纺织品数码印花色牢度提升" in text and "动力电池热失控早期预警技术" not in text


def test_kind_result_searches_results(client):
    make_demand(make_user(), title="储能电池热失控需求", status="published")
    make_result(make_user(Role.RESEARCHER), title="锂电池热失控多传感器预警方法", status="published")
    text = page_text(client.get("/search", query_string={"q": "热失控", "kind": "result"}))
    assert "锂电池热失控多传感器预警方法" in text
    assert "储能电池热失控需求" not in text


def test_confidential_description_is_not_searchable(client):
    make_demand(make_user(), title="保密的储能需求", visibility="confidential", summary="储能安全",
                description="内部代号青鸾计划", status="published")
    text = page_text(client.get("/search", query_string={"q": "青鸾计划"}))
    assert "保密的储能需求" not in text


def test_empty_query_and_odd_input_do_not_fail(client):
    assert client.get("/search").status_code == 200
    assert client.get("/search", query_string={"q": "%_\\'\"<script>", "kind": "bogus", "page": "x"}).status_code == 200
    assert client.get("/search", query_string={"q": "字" * 450}).status_code == 200  # 4,050 bytes encoded
    assert client.get("/search", query_string={"q": "字" * 5000}).status_code == 414  # tests/views/test_request_limits.py
