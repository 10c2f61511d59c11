"""The public statistics page: no login, definitions stated, figures from events only."""
from marketplace.services.activity import record_event
from models import EventKind, Role, db

from ..factories import make_demand, make_result, make_user
from ..services.test_stats import pairing


def test_public_page_states_its_definitions(client):
    response = client.get("/stats/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "对接率 = 至少有一个对接成功的需求数 ÷ 已发布需求数" in html
    assert "概念验证阶段" in html and "尚未开放" in html
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
