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
