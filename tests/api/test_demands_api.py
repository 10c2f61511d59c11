"""/api/v1/demands: create, read, list, patch, delete; visibility; validation; permissions."""
from __future__ import annotations

from marketplace.localtime import local_today
from datetime import timedelta

import pytest

from models import Demand, DemandStatus, Role, db
from tests.factories import api_token, demand_data, make_demand, make_user

READ_FIELDS = {"id", "title", "description", "summary", "field", "keywords", "budget_min", "budget_max", "deadline",
               "cooperation_mode", "trl_target", "region", "visibility", "status", "organization",
               "created_at", "updated_at", "published_at", "details_restricted"}


def fresh(demand_id: int) -> Demand | None:
    db.session.expire_all()
    return db.session.get(Demand, demand_id)


def demand_count() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(Demand))


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


@pytest.fixture
def owner():
    return make_user(Role.ENTERPRISE)


# --- create ---------------------------------------------------------------------------------

def test_create_makes_a_draft_and_answers_with_the_full_object(client, owner):
    response = client.post("/api/v1/demands", json=demand_data(), headers=api_token(client, owner))

    assert response.status_code == 201
    body = response.get_json()
    assert READ_FIELDS <= set(body)
    assert body["status"] == "draft" and body["published_at"] is None
    expected = demand_data()
    for name in ("title", "description", "field", "keywords", "deadline", "cooperation_mode", "trl_target",
                 "region", "visibility"):
        assert body[name] == expected[name], name
    assert float(body["budget_min"]) == 50 and float(body["budget_max"]) == 200
    assert body["organization"]["id"] == owner.organization_id and body["details_restricted"] is False
    demand = fresh(body["id"])
    assert demand.status is DemandStatus.DRAFT and demand.created_by_id == owner.id


def test_create_published(client, owner):
    response = client.post("/api/v1/demands", json=demand_data(status="published"), headers=api_token(client, owner))
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "published" and body["published_at"]
    assert fresh(body["id"]).status is DemandStatus.PUBLISHED


def test_create_closed_is_refused(client, owner):
    response = client.post("/api/v1/demands", json=demand_data(status="closed"), headers=api_token(client, owner))
    assert response.status_code in (409, 422)
    assert demand_count() == 0


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.CENTER, Role.ADMIN])
def test_create_needs_an_enterprise(client, role):
    response = client.post("/api/v1/demands", json=demand_data(), headers=api_token(client, make_user(role)))
    error_of(response, 403, "forbidden")
    assert demand_count() == 0


def test_create_needs_a_token(client):
    error_of(client.post("/api/v1/demands", json=demand_data()), 401, "unauthorized")


@pytest.mark.parametrize("overrides, fields", [
    ({"budget_min": 300, "budget_max": 100}, {"budget_max"}),
    ({"budget_min": -1}, {"budget_min"}),
    ({"deadline": (local_today() - timedelta(days=1)).isoformat()}, {"deadline"}),
    ({"deadline": local_today().isoformat()}, {"deadline"}),
    ({"deadline": "31/03/2027"}, {"deadline"}),
    ({"trl_target": 0}, {"trl_target"}),
    ({"trl_target": 10}, {"trl_target"}),
    ({"trl_target": 4.5}, {"trl_target"}),
    ({"title": ""}, {"title"}),
    ({"title": "长" * 121}, {"title"}),
    ({"description": "字" * 10_001}, {"description"}),
    ({"field": "astrology"}, {"field"}),
    ({"cooperation_mode": "barter"}, {"cooperation_mode"}),
    ({"visibility": "secret"}, {"visibility"}),
    ({"visibility": "confidential"}, {"summary"}),
    ({"keywords": [f"词{i}" for i in range(11)]}, {"keywords"}),
    ({"keywords": [1, 2]}, {"keywords"}),
    ({"status": "bogus"}, {"status"}),
    ({"title": "", "budget_min": "很多", "trl_target": "九", "deadline": None, "field": None},
     {"title", "budget_min", "trl_target", "deadline", "field"}),
])
def test_validation_errors_name_each_bad_field(client, owner, overrides, fields):
    response = client.post("/api/v1/demands", json=demand_data(**overrides), headers=api_token(client, owner))
    error = error_of(response, 422, "validation_error")
    assert set(error["fields"]) == fields
    assert all(error["fields"].values())
    assert demand_count() == 0


# --- read and list --------------------------------------------------------------------------

def test_list_pagination_envelope(client, owner):
    for i in range(25):
        make_demand(owner, title=f"需求{i:02d}", status="published")
    make_demand(owner, title="草稿")

    body = client.get("/api/v1/demands?per_page=10&page=3").get_json()
    assert set(body) == {"items", "page", "per_page", "total", "total_capped"}
    assert (body["page"], body["per_page"], body["total"], body["total_capped"]) == (3, 10, 25, False)
    assert [d["title"] for d in body["items"]] == [f"需求{i:02d}" for i in range(4, -1, -1)]
    default = client.get("/api/v1/demands").get_json()
    assert default["per_page"] == 20 and len(default["items"]) == 20


@pytest.mark.parametrize("query", ["per_page=101", "per_page=1000", "per_page=0", "page=0", "page=abc", "per_page=x"])
def test_bad_pagination_is_a_validation_error(client, query):
    response = client.get(f"/api/v1/demands?{query}")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] == "validation_error"


def test_list_filters(client, owner):
    make_demand(owner, title="人工智能质检", field="ai", trl_target=3, cooperation_mode="license", status="published",
                description="视觉检测产线缺陷。", keywords=["机器视觉"])
    make_demand(owner, title="储能热管理", trl_target=8, region="广东省深圳市", status="published")

    def titles(query: str) -> set[str]:
        response = client.get(f"/api/v1/demands?{query}")
        assert response.status_code == 200
        return {d["title"] for d in response.get_json()["items"]}

    assert titles("field=ai") == {"人工智能质检"}
    assert titles("trl_min=5") == {"储能热管理"}
    assert titles("trl_max=5") == {"人工智能质检"}
    assert titles("region=深圳") == {"储能热管理"}
    assert titles("cooperation_mode=license") == {"人工智能质检"}
    assert titles("q=储能") == {"储能热管理"}
    assert titles("field=nope") == set()


def test_mine_lists_the_callers_drafts(client, owner):
    make_demand(owner, title="我的草稿")
    make_demand(make_user(), title="别人的草稿")
    body = client.get("/api/v1/demands?mine=1", headers=api_token(client, owner)).get_json()
    assert [d["title"] for d in body["items"]] == ["我的草稿"]
    assert client.get("/api/v1/demands?mine=1").get_json()["items"] == []  # anonymous: public list


def test_get_a_published_demand_anonymously(client, owner):
    demand = make_demand(owner, status="published")
    response = client.get(f"/api/v1/demands/{demand.id}")
    assert response.status_code == 200
    assert response.get_json()["id"] == demand.id and response.get_json()["description"] == demand.description


def test_others_drafts_are_404(client, owner):
    draft = make_demand(owner)
    error_of(client.get(f"/api/v1/demands/{draft.id}"), 404, "not_found")
    error_of(client.get(f"/api/v1/demands/{draft.id}", headers=api_token(client, make_user())), 404, "not_found")
    assert client.get(f"/api/v1/demands/{draft.id}", headers=api_token(client, owner)).status_code == 200
    error_of(client.get("/api/v1/demands/999999"), 404, "not_found")


def test_anonymous_demand_hides_the_organization_from_others(client, owner):
    demand = make_demand(owner, visibility="anonymous", status="published")
    assert client.get(f"/api/v1/demands/{demand.id}").get_json()["organization"] is None
    other = client.get(f"/api/v1/demands/{demand.id}", headers=api_token(client, make_user())).get_json()
    assert other["organization"] is None
    assert client.get("/api/v1/demands").get_json()["items"][0]["organization"] is None
    mine = client.get(f"/api/v1/demands/{demand.id}", headers=api_token(client, owner)).get_json()
    assert mine["organization"]["id"] == owner.organization_id


def test_confidential_demand_hides_the_description_from_others(client, owner):
    demand = make_demand(owner, visibility="confidential", summary="公开摘要", status="published")
    for headers in ({}, api_token(client, make_user())):
        body = client.get(f"/api/v1/demands/{demand.id}", headers=headers).get_json()
        assert body["description"] is None and body["details_restricted"] is True
        assert body["title"] == demand.title and body["summary"] == "公开摘要" and body["field"] == "new_energy"
    listed = client.get("/api/v1/demands").get_json()["items"][0]
    assert listed["description"] is None and listed["details_restricted"] is True
    mine = client.get(f"/api/v1/demands/{demand.id}", headers=api_token(client, owner)).get_json()
    assert mine["description"] == demand.description and mine["details_restricted"] is False


# --- patch ----------------------------------------------------------------------------------

def test_patch_is_a_partial_update(client, owner):
    demand = make_demand(owner)
    response = client.patch(f"/api/v1/demands/{demand.id}", json={"title": "新标题", "budget_max": 500},
                            headers=api_token(client, owner))
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "新标题" and float(body["budget_max"]) == 500
    assert body["description"] == demand_data()["description"] and body["status"] == "draft"
    after = fresh(demand.id)
    assert after.title == "新标题" and after.keywords == demand_data()["keywords"]


def test_patch_moves_the_status(client, owner):
    demand = make_demand(owner)
    headers = api_token(client, owner)
    for status in ("published", "closed", "published"):
        response = client.patch(f"/api/v1/demands/{demand.id}", json={"status": status}, headers=headers)
        assert response.status_code == 200 and response.get_json()["status"] == status
        assert fresh(demand.id).status.value == status


def test_refused_transition_is_409(client, owner):
    demand = make_demand(owner)
    response = client.patch(f"/api/v1/demands/{demand.id}", json={"status": "closed", "title": "不该保存"},
                            headers=api_token(client, owner))
    error = error_of(response, 409, "conflict")
    assert "status" in error["fields"]
    after = fresh(demand.id)
    assert after.status is DemandStatus.DRAFT and after.title != "不该保存"


def test_patch_validation_changes_nothing(client, owner):
    demand = make_demand(owner, status="published")
    response = client.patch(f"/api/v1/demands/{demand.id}", json={"title": "新", "budget_min": 999},
                            headers=api_token(client, owner))
    assert set(error_of(response, 422, "validation_error")["fields"]) == {"budget_max"}
    assert fresh(demand.id).title == demand_data()["title"]


def test_patch_by_another_organization(client, owner):
    published = make_demand(owner, status="published")
    draft = make_demand(owner)
    headers = api_token(client, make_user())
    error_of(client.patch(f"/api/v1/demands/{published.id}", json={"title": "篡改"}, headers=headers), 403, "forbidden")
    error_of(client.patch(f"/api/v1/demands/{draft.id}", json={"title": "篡改"}, headers=headers), 404, "not_found")
    assert fresh(published.id).title != "篡改" and fresh(draft.id).title != "篡改"


def test_patch_needs_a_token(client, owner):
    demand = make_demand(owner, status="published")
    error_of(client.patch(f"/api/v1/demands/{demand.id}", json={"title": "x"}), 401, "unauthorized")


# --- delete ---------------------------------------------------------------------------------

def test_delete_a_draft(client, owner):
    demand = make_demand(owner)
    response = client.delete(f"/api/v1/demands/{demand.id}", headers=api_token(client, owner))
    assert response.status_code == 204 and response.get_data() == b""
    assert fresh(demand.id) is None


def test_delete_of_a_published_demand_is_409(client, owner):
    demand = make_demand(owner, status="published")
    error_of(client.delete(f"/api/v1/demands/{demand.id}", headers=api_token(client, owner)), 409, "conflict")
    assert fresh(demand.id) is not None


def test_delete_by_another_organization(client, owner):
    published = make_demand(owner, status="published")
    draft = make_demand(owner)
    headers = api_token(client, make_user())
    error_of(client.delete(f"/api/v1/demands/{published.id}", headers=headers), 403, "forbidden")
    error_of(client.delete(f"/api/v1/demands/{draft.id}", headers=headers), 404, "not_found")
    assert fresh(draft.id) is not None
