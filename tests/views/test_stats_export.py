"""The statistics as a CSV download (public like /stats): UTF-8 with a byte order mark, an
attachment, and the same numbers as GET /api/v1/stats."""
import csv
import io

from marketplace.services.activity import record_event
from models import EventKind, Role, db

from ..factories import make_demand, make_result, make_user
from ..poc_factories import engage, make_world
from ..services.test_stats import pairing
from ..services.test_stats_poc import completed_world


def tables(body: bytes) -> dict[str, list[list[str]]]:
    """The CSV's tables by title (the first row of each), each with its heading row first."""
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    found, current = {}, None
    for row in csv.reader(io.StringIO(text[1:])):
        if not row:
            current = None
        elif current is None:
            current = found.setdefault(row[0], [])
        else:
            current.append(row)
    return found


def number(cell: str) -> float:
    """A cell as the API's number: "15.56%" → 0.1556."""
    return round(float(cell[:-1]) / 100, 4) if cell.endswith("%") else float(cell)


def test_the_csv_has_the_api_numbers(client):
    completed_world(technical="feasible", market="inconclusive")  # a validated pairing: 90 万元
    engage(make_world())
    enterprise = make_user()
    demand = make_demand(enterprise, status="published", field="ai")
    row = pairing(demand, make_result(make_user(Role.RESEARCHER), status="published", field="ai"), enterprise)
    record_event(EventKind.PAIRING_DECLINED, demand_id=demand.id, result_id=row.result_id, pairing_id=row.id,
                 field_code="ai")
    db.session.commit()
    response = client.get("/stats/export.csv")
    api = client.get("/api/v1/stats").get_json()
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="innobridge-stats-')
    found = tables(response.get_data())
    assert list(found)[:3] == ["总览", "从发布到验证（按需求去重）", "按领域"] and list(found)[3].startswith("按月")

    overview = dict(found["总览"][1:])
    for label, key in (("累计发布需求", "demands"), ("累计发布成果", "results"), ("入驻机构", "organizations"),
                       ("发起对接", "pairings"), ("对接成功", "connected_pairings"), ("婉拒", "declined"),
                       ("对接率", "connection_rate"), ("验证请求", "validation_requests"), ("验证方案", "bids"),
                       ("成交金额（万元）", "deal_amount")):
        assert number(overview[label]) == api[key], label
    assert overview["婉拒"] == "1" and number(overview["成交金额（万元）"]) == 90

    steps = found["从发布到验证（按需求去重）"][1:]
    assert [(s[0], int(s[1]), number(s[2]), number(s[3])) for s in steps] == \
        [(s["label"], s["demands"], s["share"], s["from_previous"]) for s in api["funnel"]]

    head, *fields = found["按领域"]
    columns = {"累计发布需求": "demands", "累计发布成果": "results", "发起对接": "pairings", "对接成功": "connected_pairings",
               "婉拒": "declined", "对接率": "connection_rate", "验证方案": "bids", "成交金额（万元）": "deal_amount"}
    assert [row[0] for row in fields] == [row["field"] for row in api["by_field"]]
    for cells, expected in zip(fields, api["by_field"]):
        assert cells[1] == expected["name"]
        for title, key in columns.items():
            assert number(cells[head.index(title)]) == expected[key], (expected["field"], title)

    head, *months = list(found.values())[3]
    assert [row[0] for row in months] == [m["month"] for m in api["by_month"]]
    for cells, expected in zip(months, api["by_month"]):
        for title, key in (("发布需求", "demands"), ("发布成果", "results"), ("发起对接", "pairings"),
                           ("对接成功", "connected_pairings"), ("婉拒", "declined"), ("验证请求", "validation_requests"),
                           ("选定中心", "engagements_created"), ("完成验证", "validations_completed"),
                           ("成交金额（万元）", "deal_amount")):
            assert number(cells[head.index(title)]) == expected[key], (expected["month"], title)
    assert sum(int(cells[head.index("发布需求")]) for cells in months) == api["demands"] == 3


def test_a_field_name_is_never_a_formula(client):
    from models import Field

    db.session.add(Field(code="formula", name_zh="=HYPERLINK(\"http://x\")", name_en="x", sort_order=999))
    db.session.commit()
    make_demand(make_user(), status="published", field="formula")
    found = tables(client.get("/stats/export.csv").get_data())
    names = [row[1] for row in found["按领域"][1:]]
    assert "'=HYPERLINK(\"http://x\")" in names and not any(name.startswith("=") for name in names)
