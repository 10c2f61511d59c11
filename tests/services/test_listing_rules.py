"""The field rules shared by demands and results (marketplace/services/listings.py), called
directly: each returns the cleaned value and records the exact message people see."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.services import listings
from marketplace.services.errors import FieldErrors
from models import CooperationMode


def text(value, **kwargs):
    errors = FieldErrors()
    return listings.clean_text({"title": value}, "title", errors, **({"limit": 5} | kwargs)), errors.fields


def test_clean_text():
    assert text("  标题  ") == ("标题", {})
    assert text("五个字标题") == ("五个字标题", {})
    assert text("六个字的标题") == ("六个字的标题", {"title": "最多 5 个字符（当前 6）。"})
    assert text("   ") == ("", {"title": "此项必填。"})
    assert text(None) == ("", {"title": "此项必填。"})
    assert text(None, required=False) == ("", {})
    assert text(12) == ("", {"title": "应为文本。"})  # a JSON number where text goes
    assert text(["标题"]) == ("", {"title": "应为文本。"})
    for control in ("\x00", "\x1b", "\x7f", "\x0b", "\ud800"):
        assert text(f"a{control}b") == (f"a{control}b", {"title": "含有不允许的控制字符。"}), repr(control)
    assert text("a\tb\r\nc", limit=10) == ("a\tb\r\nc", {})  # tab and line breaks are text
    assert text("1" * 1001, limit=1000)[1] == {"title": "最多 1,000 个字符（当前 1,001）。"}


def keywords(raw):
    errors = FieldErrors()
    return listings.clean_keywords({"keywords": raw}, errors), errors.fields


def test_clean_keywords():
    assert keywords("储能，锂电池、热失控;预警；监测\n传感器,,") == (
        ["储能", "锂电池", "热失控", "预警", "监测", "传感器"], {})
    assert keywords([" GaN ", "gan", "", "储能"]) == (["GaN", "储能"], {})  # case-insensitive duplicates
    assert keywords(None) == ([], {})
    assert keywords(["储能", 5]) == ([], {"keywords": "关键词应为字符串列表。"})
    assert keywords({"a": 1}) == ([], {"keywords": "关键词应为字符串列表。"})
    ten = [f"词{i}" for i in range(10)]
    assert keywords(ten) == (ten, {})
    assert keywords(ten + ["词10"])[1] == {"keywords": "关键词最多 10 个。"}
    assert keywords(["长" * 30]) == (["长" * 30], {})
    assert keywords(["长" * 31])[1] == {"keywords": "每个关键词最多 30 个字符。"}


def number(raw, **kwargs):
    errors = FieldErrors()
    return listings.clean_number({"budget": raw}, "budget", errors, **kwargs), errors.fields


def test_clean_number():
    assert number("12.345") == (12.35, {}) and number(0) == (0.0, {})
    assert number(None) == (None, {"budget": "此项必填。"}) and number("  ") == (None, {"budget": "此项必填。"})
    assert number("", required=False) == (None, {})
    assert number(True) == (None, {"budget": "应为数字（万元）。"})
    assert number("十万") == (None, {"budget": "应为数字（万元）。"})
    assert number([1]) == (None, {"budget": "应为数字（万元）。"})
    assert number(-0.01)[1] == {"budget": "不能为负数。"}
    assert number("nan")[1] == {"budget": "不能为负数。"}
    assert number(10_000_000) == (10_000_000, {})
    assert number(10_000_000.01)[1] == {"budget": "金额过大。"}


@pytest.mark.parametrize("raw,expected", [(1, 1), ("9", 9), (" 5 ", 5), (6.0, 6)])
def test_clean_trl_accepts_whole_levels_one_to_nine(raw, expected):
    errors = FieldErrors()
    assert listings.clean_trl({"trl": raw}, "trl", errors) == expected and not errors.fields


@pytest.mark.parametrize("raw", [0, 10, "10", 5.5, True, None, "五", ""])
def test_clean_trl_refuses_the_rest(raw):
    errors = FieldErrors()
    assert listings.clean_trl({"trl": raw}, "trl", errors) is None
    assert errors.fields == {"trl": "技术成熟度（TRL）应为 1–9 的整数。"}


def test_clean_date_and_choice():
    errors = FieldErrors()
    assert listings.clean_date({"d": " 2026-03-01 "}, "d", errors) == date(2026, 3, 1)
    assert listings.clean_date({"d": date(2026, 1, 2)}, "d", errors) == date(2026, 1, 2)
    assert listings.clean_choice(CooperationMode, {"m": " development "}, "m", errors) is CooperationMode.DEVELOPMENT
    assert errors.fields == {}
    assert listings.clean_date({"d": "2026/03/01"}, "d", errors) is None
    assert listings.clean_date({}, "e", errors) is None
    assert listings.clean_choice(CooperationMode, {"m": "barter"}, "m", errors) is None
    assert listings.clean_choice(CooperationMode, {}, "n", errors) is None
    assert errors.fields == {"d": "日期格式应为 YYYY-MM-DD。", "e": "此项必填。", "m": "请选择有效的选项。", "n": "此项必填。"}


class _Listing:
    title, field_code, status = "旧标题", "energy", CooperationMode.DEVELOPMENT


def test_merged_overlays_submitted_values_on_the_current_ones():
    assert listings.merged(_Listing(), {"title": "新标题"}, ("title", "field", "status")) == {
        "title": "新标题", "field": "energy", "status": "development"}
    assert listings.merged(None, {"title": "新标题"}, ("title", "field")) == {"title": "新标题"}
    assert listings.merged(_Listing(), {"title": None}, ("title",)) == {"title": None}


class _Owned:
    def __init__(self, owner_org: int):
        self.owner_org = owner_org

    def is_owned_by(self, actor) -> bool:
        return actor.organization_id == self.owner_org


class _Actor:
    organization_id = 7


def test_require_owner_says_not_found_or_not_yours():
    from marketplace.services.errors import NotFound, PermissionDenied
    with pytest.raises(NotFound) as unseen:
        listings.require_owner(_Actor(), _Owned(7), can_see=False)
    assert unseen.value.message == "内容不存在或无权查看。"
    for actor in (None, _Actor()):
        with pytest.raises(PermissionDenied) as theirs:
            listings.require_owner(actor, _Owned(8), can_see=True)
        assert theirs.value.message == "只有发布机构可以修改此内容。"
    listings.require_owner(_Actor(), _Owned(7), can_see=True)  # the owner passes
