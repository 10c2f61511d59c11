"""API: GET /api/v1/stats (public) with API.md's field names, counted from events; the OpenAPI entries."""
from marketplace.services.activity import record_event
from models import EventKind, Role, db

from ..factories import make_demand, make_result, make_user
from ..services.test_stats import pairing

API_FIELDS = {"demands", "results", "pairings", "connected_pairings", "connection_rate", "bids", "engagements",
              "deal_amount", "by_field", "declined", "expired", "withdrawn", "by_month"}


def test_public_and_honest_when_empty(client):
    response = client.get("/api/v1/stats")
    body = response.get_json()
    assert response.status_code == 200 and API_FIELDS <= set(body)
    assert (body["demands"], body["connection_rate"], body["bids"], body["engagements"], body["deal_amount"]) \
        == (0, 0.0, 0, {}, 0)
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


def test_openapi_documents_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/notifications", "/notifications/{id}/read", "/notifications/read-all", "/watches",
                 "/watches/{id}", "/stats"):
        assert path in spec["paths"], path
    assert spec["paths"]["/stats"]["get"]["security"] == []
    assert {"Notification", "Watch", "WatchInput", "Stats"} <= set(spec["components"]["schemas"])
    assert API_FIELDS <= set(spec["components"]["schemas"]["Stats"]["properties"])
