"""/api/v1/results: create, read, list, patch, delete; patents; validation; permissions."""
from __future__ import annotations

import pytest

from models import Result, ResultStatus, Role, db
from tests.factories import api_token, make_result, make_user, result_data


def fresh(result_id: int) -> Result | None:
    db.session.expire_all()
    return db.session.get(Result, result_id)


def result_count() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(Result))


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


@pytest.fixture
def owner():
    return make_user(Role.RESEARCHER)


def test_create_makes_a_draft_and_answers_with_the_full_object(client, owner):
    response = client.post("/api/v1/results", json=result_data(), headers=api_token(client, owner))
    assert response.status_code == 201
    body = response.get_json()
    expected = result_data()
    for name in ("title", "abstract", "field", "keywords", "trl", "maturity", "patents", "transfer_modes"):
        assert body[name] == expected[name], name
    assert float(body["asking_price"]) == 120 and body["status"] == "draft" and body["id"]
    assert body["organization"]["id"] == owner.organization_id
    assert body["region"] == owner.organization.region  # defaults to the organization's
    assert fresh(body["id"]).status is ResultStatus.DRAFT


def test_create_published_with_price_on_request(client, owner):
    response = client.post("/api/v1/results", json=result_data(status="published", asking_price=None, patents=[]),
                           headers=api_token(client, owner))
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "published" and body["asking_price"] is None and body["patents"] == []


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.CENTER, Role.ADMIN])
def test_create_needs_a_researcher(client, role):
    error_of(client.post("/api/v1/results", json=result_data(), headers=api_token(client, make_user(role))),
             403, "forbidden")
    assert result_count() == 0


@pytest.mark.parametrize("overrides, fields", [
    ({"trl": 0}, {"trl"}),
    ({"trl": "高"}, {"trl"}),
    ({"maturity": "mass"}, {"maturity"}),
    ({"patents": [{"number": "123", "status": "granted"}]}, {"patents.0.number"}),
    ({"patents": [{"number": "CN202310456789.1", "status": "granted"}, {"number": "XX1", "status": "lapsed"}]},
     {"patents.1.number", "patents.1.status"}),
    ({"patents": [{"number": "CN202310456789.1", "status": "granted"}] * 2}, {"patents.1.number"}),
    ({"patents": "CN202310456789.1"}, {"patents"}),
    ({"patents": ["CN202310456789.1"]}, {"patents.0.number", "patents.0.status"}),
    ({"transfer_modes": []}, {"transfer_modes"}),
    ({"transfer_modes": ["gift"]}, {"transfer_modes"}),
    ({"asking_price": -1}, {"asking_price"}),
    ({"asking_price": "面议"}, {"asking_price"}),
    ({"abstract": None, "title": None, "field": None}, {"abstract", "title", "field"}),
])
def test_validation_errors_name_each_bad_field(client, owner, overrides, fields):
    response = client.post("/api/v1/results", json=result_data(**overrides), headers=api_token(client, owner))
    assert set(error_of(response, 422, "validation_error")["fields"]) == fields
    assert result_count() == 0


@pytest.mark.parametrize("number", ["CN202310456789.1", "ZL202310456789.1", "CN116123456A", "PCT/CN2024/081234",
                                    "US11876543B2", "EP4123456A1", "cn 202310456789.1"])
def test_accepted_patent_numbers(client, owner, number):
    response = client.post("/api/v1/results", json=result_data(patents=[{"number": number, "status": "pending"}]),
                           headers=api_token(client, owner))
    assert response.status_code == 201, response.get_json()


def test_list_pagination_and_filters(client, owner):
    for i in range(12):
        make_result(owner, title=f"成果{i:02d}", status="published")
    make_result(owner, title="视觉成果", field="ai", trl=8, transfer_modes=["equity"], abstract="机器视觉检测。",
                keywords=["机器视觉"], status="published")
    make_result(owner, title="草稿成果")

    body = client.get("/api/v1/results?per_page=5&page=3").get_json()
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (3, 5, 13, 3)
    for query in ("field=ai", "trl_min=8", "transfer_mode=equity", "q=机器视觉"):
        assert [r["title"] for r in client.get(f"/api/v1/results?{query}").get_json()["items"]] == ["视觉成果"], query
    assert client.get("/api/v1/results?per_page=101").status_code in (400, 422)


def test_drafts_and_withdrawn_results_are_404_for_others(client, owner):
    draft = make_result(owner)
    withdrawn = make_result(owner, status="published")
    withdrawn.status = ResultStatus.WITHDRAWN
    db.session.commit()
    other = api_token(client, make_user(Role.RESEARCHER))
    for result in (draft, withdrawn):
        error_of(client.get(f"/api/v1/results/{result.id}"), 404, "not_found")
        error_of(client.get(f"/api/v1/results/{result.id}", headers=other), 404, "not_found")
    assert client.get(f"/api/v1/results/{draft.id}", headers=api_token(client, owner)).status_code == 200


def test_patch_partial_update_and_patents(client, owner):
    result = make_result(owner)
    headers = api_token(client, owner)
    response = client.patch(f"/api/v1/results/{result.id}", json={"trl": 7}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["trl"] == 7 and response.get_json()["patents"] == result_data()["patents"]

    patents = [{"number": "EP4123456A1", "status": "granted"}, {"number": "CN202310456789.1", "status": "granted"}]
    body = client.patch(f"/api/v1/results/{result.id}", json={"patents": patents}, headers=headers).get_json()
    assert body["patents"] == patents
    assert [(p.number, p.status.value) for p in fresh(result.id).patents] == [(p["number"], p["status"]) for p in patents]


def test_patch_moves_the_status_and_refuses_bad_transitions(client, owner):
    result = make_result(owner)
    headers = api_token(client, owner)
    error = error_of(client.patch(f"/api/v1/results/{result.id}", json={"status": "withdrawn"}, headers=headers),
                     409, "conflict")
    assert "status" in error["fields"]
    for status in ("published", "withdrawn", "published"):
        response = client.patch(f"/api/v1/results/{result.id}", json={"status": status}, headers=headers)
        assert response.status_code == 200 and response.get_json()["status"] == status
        assert fresh(result.id).status.value == status


def test_patch_and_delete_by_another_organization(client, owner):
    published = make_result(owner, status="published")
    draft = make_result(owner)
    headers = api_token(client, make_user(Role.RESEARCHER))
    error_of(client.patch(f"/api/v1/results/{published.id}", json={"title": "篡改"}, headers=headers), 403, "forbidden")
    error_of(client.patch(f"/api/v1/results/{draft.id}", json={"title": "篡改"}, headers=headers), 404, "not_found")
    error_of(client.delete(f"/api/v1/results/{published.id}", headers=headers), 403, "forbidden")
    error_of(client.delete(f"/api/v1/results/{draft.id}", headers=headers), 404, "not_found")
    assert fresh(published.id).title != "篡改" and fresh(draft.id) is not None


def test_delete_draft_204_and_published_409(client, owner):
    draft = make_result(owner)
    published = make_result(owner, status="published")
    headers = api_token(client, owner)
    assert client.delete(f"/api/v1/results/{draft.id}", headers=headers).status_code == 204
    assert fresh(draft.id) is None
    error_of(client.delete(f"/api/v1/results/{published.id}", headers=headers), 409, "conflict")
    assert fresh(published.id).status is ResultStatus.PUBLISHED
