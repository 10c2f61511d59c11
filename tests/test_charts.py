"""The statistics' SVG charts (marketplace/charts.py): accessible images whose labels are escaped,
whose bars are as long as their numbers say, and which say so when there is nothing to draw."""
from __future__ import annotations

import re

from marketplace import charts

STEPS = [{"label": label, "demands": n, "share": share, "from_previous": previous}
         for label, n, share, previous in (("发布需求", 40, 1.0, 1.0), ("发起对接", 10, 0.25, 0.25),
                                           ("对接成功", 0, 0.0, 0.0))]


def month(name: str, **counts) -> dict:
    return {"month": name, **dict.fromkeys(("demands", "results", "pairings", "connected_pairings"), 0), **counts}


def year_of_months(**counts_by_month) -> list[dict]:
    names = [f"2025-{m:02d}" for m in range(12, 13)] + [f"2026-{m:02d}" for m in range(1, 12)]
    return [month(name, **counts_by_month.get(name.replace("-", "_"), {})) for name in names]


def test_the_funnel_is_an_image_that_says_its_numbers():
    svg = str(charts.funnel_chart(STEPS))
    assert svg.startswith('<svg class="chart chart-funnel" role="img" aria-label="从发布到验证')
    assert 'width="100%"' in svg and "<title>" in svg and 'aria-describedby="chart-funnel-desc"' in svg
    assert "发起对接 10 个需求（占已发布需求 25.0%，较上一环节 25.0%）" in svg  # the description, in words
    bars = re.findall(r'<rect x="0" y="\d+" width="([^"]+)" height="18" rx="3" class="s-demand"/>', svg)
    assert bars == ["76%", "19%", "0"]  # the longest is the published demands; nothing is no bar
    assert ">40 · 100.0%</text>" in svg and ">0 · 0.0%</text>" in svg and "较上一环节 25.0%" in svg
    assert "style=" not in svg  # the Content-Security-Policy allows no inline style


def test_a_count_too_small_to_see_still_shows():
    steps = [{**STEPS[0], "demands": 100_000}, {**STEPS[1], "demands": 3, "share": 0.00003}]
    svg = str(charts.funnel_chart(steps))
    assert 'width="2" height="18" rx="3" class="s-demand"' in svg and ">10万 · 100.0%<" in svg


def test_labels_are_escaped_and_long_ones_cut_with_the_whole_name_described():
    rows = [{"field": "x", "name": '<script>alert("x")</script>电池', "demands": 3, "results": 1,
             "connected_pairings": 0},
            {"field": "y", "name": "智能制造与高端装备及工业母机", "demands": 0, "results": 2, "connected_pairings": 1}]
    svg = str(charts.field_chart(rows))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert ">智能制造与高端…</text>" in svg and "智能制造与高端装备及工业母机：累计发布需求 0" in svg
    assert svg.count('class="s-demand"') == 2 and svg.count('class="s-connected"') == 2  # a key, a bar; 0 is no bar


def test_months_draw_a_baseline_for_empty_months_and_mark_the_new_year():
    months = year_of_months(**{"2026_11": {"demands": 4, "connected_pairings": 1}, "2026_03": {"results": 2}})
    svg = str(charts.month_chart(months))
    assert svg.count('class="c-base"') == 4  # one baseline per row
    assert svg.count('class="s-demand"') == 1 and svg.count('class="s-result"') == 1
    assert "发布需求（12 个月合计 4）" in svg and ">4</text>" in svg
    assert ">2025</text>" in svg and ">2026</text>" in svg and '<tspan class="c-wide">月</tspan>' in svg
    assert "2026-11：发布需求 4、发布成果 0、发起对接 0、对接成功 1" in svg and "其余月份均为 0" in svg


def test_nothing_in_twelve_months_is_no_chart():
    assert charts.month_chart(year_of_months()) is None
