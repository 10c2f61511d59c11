"""API: pairings, decline reasons, threads, undertakings and access logs (shapes, codes, rules)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from models import DisclosureLog, Pairing, PairingStatus, Role, Visibility, db
from tests.clients import isolated_client
from tests.factories import api_token, make_demand, make_result, make_user

SECRET_TEXT = "我司储能电站需要在热失控发生前 10 分钟给出预警，误报率低于 1%。"


@pytest.fixture
def api(ctx):
    """An enterprise and a university with a published listing each, and a token each."""
    client = isolated_client(ctx)
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published")
    result = make_result(researcher, status="published")
    return SimpleNamespace(client=client, app=ctx, enterprise=enterprise, researcher=researcher, demand=demand,
                           result=result, e=api_token(client, enterprise), r=api_token(client, researcher))


def propose(api, headers=None, **body):
    body = {"demand_id": api.demand.id, "result_id": api.result.id, "message": "希望合作。"} | body
    return api.client.post("/api/v1/pairings", json=body, headers=headers or api.r)


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    return response.get_json()["error"]


def test_propose_returns_the_full_object(api):
    response = propose(api)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "proposed" and body["proposed_by"] == "result" and body["your_side"] == "result"
    assert (body["demand_id"], body["result_id"], body["message"]) == (api.demand.id, api.result.id, "希望合作。")
    assert body["id"] and body["respond_by"].endswith("Z") and body["expires_at"] > body["respond_by"]
    assert body["score"] is not None and "components" in body["score_components"]
    assert body["demand"]["title"] == api.demand.title and body["decline_reason"] is None
    assert api.client.get(f"/api/v1/pairings/{body['id']}", headers=api.e).get_json()["your_side"] == "demand"


def test_propose_bad_cases(api):
    outsider = api_token(api.client, make_user(Role.RESEARCHER))
    error(propose(api, headers=outsider), 403, "forbidden")
    error(propose(api, message=""), 422, "validation_error")
    assert "demand_id" in error(propose(api, demand_id="x"), 422, "validation_error")["fields"]
    error(propose(api, demand_id=99999), 404, "not_found")
    error(api.client.post("/api/v1/pairings", data="nope", headers=api.r), 422, "validation_error")
    error(api.client.post("/api/v1/pairings", json={}), 401, "unauthorized")
    colleague = make_user(Role.ENTERPRISE, organization=api.researcher.organization)
    own_demand = make_demand(colleague, status="published")
    fields = error(propose(api, demand_id=own_demand.id), 422, "validation_error")["fields"]
    assert "result_id" in fields
    assert propose(api).status_code == 201
    error(propose(api), 409, "conflict")
    error(propose(api, headers=api.e), 409, "conflict")


def test_accept_decline_withdraw_codes(api):
    pid = propose(api).get_json()["id"]
    error(api.client.post(f"/api/v1/pairings/{pid}/accept", headers=api.r), 403, "forbidden")
    outsider = api_token(api.client, make_user(Role.ENTERPRISE))
    error(api.client.post(f"/api/v1/pairings/{pid}/accept", headers=outsider), 404, "not_found")
    error(api.client.get(f"/api/v1/pairings/{pid}", headers=outsider), 404, "not_found")
    fields = error(api.client.post(f"/api/v1/pairings/{pid}/decline", json={}, headers=api.e),
                   422, "validation_error")["fields"]
    assert "reason" in fields
    fields = error(api.client.post(f"/api/v1/pairings/{pid}/decline", json={"reason": "other"}, headers=api.e),
                   422, "validation_error")["fields"]
    assert "reason_text" in fields
    response = api.client.post(f"/api/v1/pairings/{pid}/decline", json={"reason": "already_solved"}, headers=api.e)
    assert response.status_code == 200 and response.get_json()["status"] == "declined"
    seen = api.client.get(f"/api/v1/pairings/{pid}", headers=api.r).get_json()
    assert (seen["decline_reason"], seen["decline_reason_label"]) == ("already_solved", "问题已解决")
    error(api.client.post(f"/api/v1/pairings/{pid}/accept", headers=api.e), 409, "conflict")
    error(api.client.post(f"/api/v1/pairings/{pid}/withdraw", headers=api.r), 409, "conflict")


def test_accept_and_withdraw(api):
    pid = propose(api).get_json()["id"]
    second = make_result(api.researcher, status="published", title="第二项成果")
    other = propose(api, result_id=second.id).get_json()["id"]
    accepted = api.client.post(f"/api/v1/pairings/{pid}/accept", headers=api.e).get_json()
    assert accepted["status"] == "connected" and accepted["responder_id"] == api.enterprise.id
    error(api.client.post(f"/api/v1/pairings/{other}/withdraw", headers=api.e), 403, "forbidden")
    assert api.client.post(f"/api/v1/pairings/{other}/withdraw", headers=api.r).get_json()["status"] == "withdrawn"


def test_list_filters_and_sweeps(api):
    pid = propose(api).get_json()["id"]
    listing = api.client.get("/api/v1/pairings", headers=api.e).get_json()
    assert (listing["total"], listing["page"], listing["per_page"]) == (1, 1, 20)
    assert listing["items"][0]["id"] == pid
    assert api.client.get("/api/v1/pairings?direction=outgoing", headers=api.e).get_json()["total"] == 0
    assert api.client.get("/api/v1/pairings?direction=incoming", headers=api.e).get_json()["total"] == 1
    assert api.client.get("/api/v1/pairings?status=connected", headers=api.e).get_json()["total"] == 0
    error(api.client.get("/api/v1/pairings?status=lost", headers=api.e), 422, "validation_error")
    error(api.client.get("/api/v1/pairings?per_page=500", headers=api.e), 422, "validation_error")
    error(api.client.get("/api/v1/pairings"), 401, "unauthorized")
    db.session.rollback()
    pairing = db.session.get(Pairing, pid)
    pairing.respond_by -= timedelta(days=30)
    db.session.commit()
    swept = api.client.get("/api/v1/pairings", headers=api.r).get_json()["items"][0]
    assert swept["status"] == "expired"


def test_thread_newest_last_and_closed_to_others(api):
    pid = propose(api).get_json()["id"]
    for headers, body in ((api.r, "一"), (api.e, "二"), (api.r, "三")):
        response = api.client.post(f"/api/v1/pairings/{pid}/messages", json={"body": body}, headers=headers)
        assert response.status_code == 201 and response.get_json()["body"] == body
    page = api.client.get(f"/api/v1/pairings/{pid}/messages?per_page=2&page=2", headers=api.e).get_json()
    assert [m["body"] for m in page["items"]] == ["三"] and page["total"] == 3
    first = api.client.get(f"/api/v1/pairings/{pid}/messages", headers=api.e).get_json()["items"]
    assert [m["body"] for m in first] == ["一", "二", "三"] and first[0]["author"]["id"] == api.researcher.id
    outsider = api_token(api.client, make_user(Role.RESEARCHER))
    error(api.client.get(f"/api/v1/pairings/{pid}/messages", headers=outsider), 404, "not_found")
    error(api.client.post(f"/api/v1/pairings/{pid}/messages", json={"body": "hi"}, headers=outsider), 404, "not_found")
    fields = error(api.client.post(f"/api/v1/pairings/{pid}/messages", json={"body": " "}, headers=api.e),
                   422, "validation_error")["fields"]
    assert "body" in fields


def test_an_anonymous_demands_writers_stay_unnamed_until_connected(api):
    api.demand.visibility = Visibility.ANONYMOUS
    db.session.commit()
    pid = propose(api).get_json()["id"]
    api.client.post(f"/api/v1/pairings/{pid}/messages", json={"body": "您好"}, headers=api.e)
    author = api.client.get(f"/api/v1/pairings/{pid}/messages", headers=api.r).get_json()["items"][0]["author"]
    assert author["display_name"] != api.enterprise.display_name and author["id"] is None
    own = api.client.get(f"/api/v1/pairings/{pid}/messages", headers=api.e).get_json()["items"][0]["author"]
    assert own == {"id": api.enterprise.id, "display_name": api.enterprise.display_name}
    assert api.client.post(f"/api/v1/pairings/{pid}/accept", headers=api.e).status_code == 200
    author = api.client.get(f"/api/v1/pairings/{pid}/messages", headers=api.r).get_json()["items"][0]["author"]
    assert author["display_name"] == api.enterprise.display_name


def test_confidential_details_undertaking_and_access_log(api):
    secret = make_demand(api.enterprise, status="published", visibility="confidential", summary="公开摘要",
                         title="保密需求")
    url = f"/api/v1/demands/{secret.id}"
    before = api.client.get(url, headers=api.r).get_json()
    assert before["description"] is None and before["details_restricted"] is True
    error(api.client.post(f"{url}/undertaking", headers=api.r), 403, "forbidden")  # no pairing yet
    pid = propose(api, demand_id=secret.id).get_json()["id"]
    assert api.client.post(f"{url}/undertaking", headers=api.r).status_code == 201
    assert api.client.post(f"{url}/undertaking", headers=api.r).status_code == 200
    error(api.client.post(f"{url}/undertaking", headers=api.e), 409, "conflict")
    assert api.client.get(url, headers=api.r).get_json()["description"] is None  # not connected yet
    api.client.post(f"/api/v1/pairings/{pid}/accept", headers=api.e)
    after = api.client.get(url, headers=api.r).get_json()
    assert after["description"] == SECRET_TEXT and after["details_restricted"] is False
    listed = api.client.get("/api/v1/demands?q=保密需求", headers=api.r).get_json()["items"]
    assert all(item["description"] is None for item in listed if item["id"] == secret.id)  # lists never disclose
    assert api.client.get(url, headers=api.e).get_json()["description"] == SECRET_TEXT  # owner: not logged
    log = api.client.get(f"{url}/access-log", headers=api.e).get_json()
    assert log["total"] == 1 and log["items"][0]["channel"] == "api"
    assert log["items"][0]["user"]["id"] == api.researcher.id
    assert log["items"][0]["organization"]["name"] == api.researcher.organization.name
    error(api.client.get(f"{url}/access-log", headers=api.r), 403, "forbidden")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisclosureLog)) == 1


def test_undertaking_on_a_public_demand_is_a_conflict(api):
    propose(api)
    error(api.client.post(f"/api/v1/demands/{api.demand.id}/undertaking", headers=api.r), 409, "conflict")


def test_openapi_documents_the_pairing_paths(api):
    spec = api.client.get("/api/v1/openapi.json").get_json()
    for path in ("/pairings", "/pairings/{id}/accept", "/pairings/{id}/decline", "/pairings/{id}/withdraw",
                 "/pairings/{id}/messages", "/demands/{id}/undertaking", "/demands/{id}/access-log"):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/pairings"]) == {"get", "post"}
    assert "Pairing" in spec["components"]["schemas"]
    assert spec["components"]["schemas"]["DeclineInput"]["properties"]["reason"]["enum"][-1] == "other"
    assert PairingStatus.EXPIRED.value in spec["components"]["schemas"]["Pairing"]["properties"]["status"]["enum"]


@pytest.mark.parametrize("value", [5, 0, True, ["希望合作。"], {"text": "希望合作。"}])
def test_text_of_the_wrong_type_is_a_422_naming_the_field(api, value):
    fields = error(propose(api, message=value), 422, "validation_error")["fields"]
    assert fields == {"message": "应为文本。"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pairing)) == 0
    pid = propose(api).get_json()["id"]
    fields = error(api.client.post(f"/api/v1/pairings/{pid}/messages", json={"body": value}, headers=api.r),
                   422, "validation_error")["fields"]
    assert fields == {"body": "应为文本。"}
    fields = error(api.client.post(f"/api/v1/pairings/{pid}/decline", json={"reason": "other", "reason_text": value},
                                   headers=api.e), 422, "validation_error")["fields"]
    assert fields["reason_text"] == "应为文本。"
    assert api.client.get(f"/api/v1/pairings/{pid}", headers=api.r).get_json()["status"] == "proposed"
