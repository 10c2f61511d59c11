"""The public statistics page: no login, definitions stated, figures from events only."""
import re

from marketplace.services.activity import record_event
from models import EventKind, Role, db

from ..factories import make_demand, make_result, make_user
from ..poc_factories import engage, make_world
from ..services.test_stats import pairing
from ..services.test_stats_poc import completed_world


def test_public_page_states_its_definitions(client):
    response = client.get("/stats/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "对接率 = 至少有一个对接成功的需求数 ÷ 已发布需求数" in html
    assert "尚未开放" not in html and "成交金额为这些项目的合同金额" in html
    assert "还没有申请概念验证的对接" in html
    assert 'href="/stats/"' in client.get("/").get_data(as_text=True)


def test_page_changes_when_a_pairing_connects(client):
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", field="ai")
    make_demand(enterprise, status="published", field="ai")
    row = pairing(demand, make_result(researcher, status="published", field="ai"), enterprise)
    db.session.commit()
    before = client.get("/stats/").get_data(as_text=True)
    assert "人工智能" in before and "0.0%" in before
    record_event(EventKind.PAIRING_CONNECTED, demand_id=demand.id, result_id=row.result_id, pairing_id=row.id,
                 field_code="ai")
    db.session.commit()
    after = client.get("/stats/").get_data(as_text=True)
    assert "50.0%" in after and "1 ÷ 2" in after


def funnel_rows(html: str) -> list[str]:
    """The funnel table's rows as text: step, demands, share, from the previous step."""
    table = html[html.index('class="table funnel-steps"'):]
    table = table[:table.index("</table>")]
    return [re.sub(r"<[^>]+>", " ", row).split() for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)[1:]]


def test_page_shows_the_poc_figures_and_the_funnel(client):
    completed_world(technical="feasible", market="inconclusive")  # 90 万元
    engage(make_world())
    html = client.get("/stats/").get_data(as_text=True)
    assert "尚未开放" not in html and "90 万元" in html
    rows = funnel_rows(html)
    assert [row[:2] for row in rows] == [["1.", "发布需求"], ["2.", "发起对接"], ["3.", "对接成功"],
                                         ["4.", "申请概念验证"], ["5.", "选定验证中心"], ["6.", "完成概念验证"]]
    assert [row[2] for row in rows] == ["2", "2", "2", "2", "2", "1"]
    assert rows[-1][3:5] == ["50.0%", "50.0%"]
    verdicts = html[html.index('class="table verdict-counts"'):]
    assert "已完成验证的结论（1 项）" in verdicts and "技术可行性" in verdicts
    assert "新能源" in html[html.index("按领域：概念验证"):]


HOME_KEYS = {"累计发布需求": "demands", "累计发布成果": "results", "入驻机构": "organizations"}


def home_figures(html: str) -> dict[str, str]:
    """The home page's counts: label → number as shown."""
    block = html[html.index('<dl class="stats">'):]
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", block[:block.index("</dl>")]))


def stats_figures(html: str) -> dict[str, str]:
    """The statistics page's figures: label → number as shown."""
    return {label: number for number, label in re.findall(
        r'<div class="stat"><strong>([^<]+)</strong><span>([^<]+)</span></div>', html)}


def diverging_world() -> None:
    """Listings whose current state and publication history disagree: a demand closed, a result
    withdrawn, a result hidden by an operator, a draft never published."""
    from marketplace.services import demands, moderation, results
    from models import DemandStatus, ResultStatus

    enterprise, researcher, operator = make_user(), make_user(Role.RESEARCHER), make_user(Role.ADMIN)
    make_demand(enterprise, status="published")
    closed = make_demand(enterprise, status="published")
    demands.change_demand_status(enterprise, closed.id, DemandStatus.CLOSED)
    make_demand(enterprise)
    make_result(researcher, status="published")
    withdrawn = make_result(researcher, status="published")
    results.change_result_status(researcher, withdrawn.id, ResultStatus.WITHDRAWN)
    hidden = make_result(researcher, status="published")
    moderation.hide(operator, "result", hidden.id, "涉嫌侵权")
    db.session.commit()


def test_the_home_page_shows_the_statistics_numbers_under_the_same_labels(client):
    """Issue: 已发布成果 71 on the home page, 74 on the statistics page. Every count on the home
    page is the statistics page's and the API's figure under the same label, also where listing
    states and publication history differ, and after a change."""
    import sqlalchemy as sa

    from models import Result, ResultStatus

    diverging_world()
    on_show = db.session.scalar(sa.select(sa.func.count()).where(Result.status == ResultStatus.PUBLISHED))
    for expected in ({"demands": 2, "results": 3, "organizations": 3}, {"demands": 2, "results": 4, "organizations": 4}):
        home = home_figures(client.get("/").get_data(as_text=True))
        page = stats_figures(client.get("/stats/").get_data(as_text=True))
        api = client.get("/api/v1/stats").get_json()
        assert set(home) == set(HOME_KEYS)
        for label, key in HOME_KEYS.items():
            assert home[label] == page[label] == str(api[key]) == str(expected[key]), label
        assert on_show == 1 != expected["results"]  # the old home figure (listed now) would have said 1
        make_result(make_user(Role.RESEARCHER), status="published")  # one more: both pages move together


def test_the_charts_are_accessible_svg(client):
    """Funnel, fields and months as inline SVG images with a title, a description and their values."""
    enterprise = make_user()
    demand = make_demand(enterprise, status="published", field="ai")
    pairing(demand, make_result(make_user(Role.RESEARCHER), status="published", field="ai"), enterprise)
    db.session.commit()
    html = client.get("/stats/").get_data(as_text=True)
    for name in ("funnel", "fields", "months"):
        chart = html[html.index(f'<svg class="chart chart-{name}"'):]
        chart = chart[:chart.index("</svg>")]
        assert 'role="img"' in chart and 'aria-label="' in chart and 'width="100%"' in chart, name
        assert "<title>" in chart and f'<desc id="chart-{name}-desc">' in chart, name
    funnel = html[html.index('<svg class="chart chart-funnel"'):]
    assert "发布需求 1 个需求" in funnel and ">1 · 100.0%</text>" in funnel and "较上一环节 100.0%" in funnel
    assert "人工智能：累计发布需求 1、累计发布成果 1、对接成功 0" in html
    assert '<details class="chart-data">' in html and 'class="table funnel-steps"' in html  # the numbers stay


def test_an_empty_platform_says_so_instead_of_drawing_nothing(client):
    html = client.get("/stats/").get_data(as_text=True)
    assert "最近 12 个月还没有发布或对接" in html and "chart-months" not in html
    assert "还没有已发布的需求或成果" in html and "chart-funnel" in html
