"""API: GET /api/v1/stats (public) with the contract's field names (docs/api.md), counted from events; the OpenAPI entries."""
from marketplace.services.activity import record_event
from models import Engagement, EngagementStatus, EventKind, Role, db

from ..factories import make_demand, make_result, make_user
from ..poc_factories import engage, make_bid, make_center, make_world
from ..services.test_stats import pairing
from ..services.test_stats_poc import completed_world

API_FIELDS = {"demands", "results", "pairings", "connected_pairings", "connection_rate", "bids", "engagements",
              "deal_amount", "by_field", "declined", "expired", "withdrawn", "by_month"}
POC_FIELDS = {"validation_requests", "bids", "engagements", "completed_validations", "deal_amount"}
FUNNEL = ["published", "proposed", "connected", "validation_requested", "engaged", "validated"]


def test_public_and_honest_when_empty(client):
    response = client.get("/api/v1/stats")
    body = response.get_json()
    assert response.status_code == 200 and API_FIELDS <= set(body)
    assert (body["demands"], body["connection_rate"], body["bids"], body["deal_amount"]) == (0, 0.0, 0, 0)
    assert body["engagements"] == {"awaiting_signatures": 0, "active": 0, "completed": 0}
    assert body["validation_requests"] == 0 and body["completed_validations"]["total"] == 0
    assert [step["step"] for step in body["funnel"]] == FUNNEL and {s["demands"] for s in body["funnel"]} == {0}
    assert len(body["by_month"]) == 12 and body["by_field"] == []


def test_connection_rate_and_by_field(client):
    enterprise, researcher = make_user(), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    make_demand(enterprise, status="published", field="ai")
    row = pairing(demand, make_result(researcher, status="published"), enterprise)
    record_event(EventKind.PAIRING_CONNECTED, demand_id=demand.id, result_id=row.result_id, pairing_id=row.id,
                 field_code=demand.field_code)
    db.session.commit()
    body = client.get("/api/v1/stats").get_json()
    assert (body["demands"], body["results"], body["pairings"], body["connected_pairings"]) == (2, 1, 1, 1)
    assert body["connection_rate"] == 0.5
    by_field = {row["field"]: row for row in body["by_field"]}
    assert by_field["new_energy"]["connection_rate"] == 1.0 and by_field["ai"]["connection_rate"] == 0.0
    assert by_field["new_energy"]["name"] == "新能源" and by_field["new_energy"]["connected_pairings"] == 1
    assert body["by_month"][-1]["connected_pairings"] == 1


def test_poc_figures_from_the_services(client):
    completed_world(technical="feasible", market="infeasible")  # 1 request, 1 bid, completed: 90 万元
    open_world = make_world()
    make_bid(make_center(), open_world)
    make_bid(make_center(), open_world)
    engaged, _ = engage(make_world())
    body = client.get("/api/v1/stats").get_json()
    assert (body["validation_requests"], body["bids"], body["deal_amount"]) == (3, 4, 90.0)
    assert body["engagements"] == {"awaiting_signatures": 1, "active": 0, "completed": 1}
    assert body["completed_validations"] == {
        "total": 1, "technical": {"feasible": 1, "infeasible": 0, "inconclusive": 0},
        "market": {"feasible": 0, "infeasible": 1, "inconclusive": 0}}
    assert [(s["step"], s["demands"]) for s in body["funnel"]] == list(zip(FUNNEL, [3, 3, 3, 3, 2, 1]))
    energy = next(row for row in body["by_field"] if row["field"] == "new_energy")
    assert POC_FIELDS <= set(energy) and (energy["bids"], energy["deal_amount"]) == (4, 90.0)
    month = body["by_month"][-1]
    assert (month["validation_requests"], month["bids"], month["engagements_created"], month["engagements_signed"],
            month["validations_completed"], month["deal_amount"]) == (3, 4, 2, 1, 1, 90.0)
    # A row edited behind the events' back changes nothing.
    db.session.get(Engagement, engaged.id).status = EngagementStatus.COMPLETED
    db.session.commit()
    assert client.get("/api/v1/stats").get_json() == body


def test_openapi_documents_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/notifications", "/notifications/{id}/read", "/notifications/read-all", "/watches",
                 "/watches/{id}", "/stats"):
        assert path in spec["paths"], path
    assert spec["paths"]["/stats"]["get"]["security"] == []
    assert {"Notification", "Watch", "WatchInput", "Stats"} <= set(spec["components"]["schemas"])
    schemas = spec["components"]["schemas"]
    stats = schemas["Stats"]["properties"]
    assert API_FIELDS | POC_FIELDS | {"funnel"} <= set(stats)
    assert stats["engagements"]["$ref"].endswith("/EngagementsByStatus")
    assert set(schemas["EngagementsByStatus"]["properties"]) == {"awaiting_signatures", "active", "completed"}
    assert schemas["FunnelStep"]["properties"]["step"]["enum"] == FUNNEL
    assert POC_FIELDS <= set(stats["by_field"]["items"]["properties"])
    assert {"engagements_created", "engagements_signed", "validations_completed", "deal_amount"} \
        <= set(stats["by_month"]["items"]["properties"])
