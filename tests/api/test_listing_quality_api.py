"""POST /api/v1/demands/quality and /api/v1/results/quality: the quality meter of a body shaped as
a create, for the role that creates one; malformed bodies are 422 with the error body; nothing is
written."""
from __future__ import annotations

import pytest

from models import Role
from tests.factories import (
    BUT_THE_LOG,
    api_token,
    demand_data,
    every_row,
    make_user,
    result_data,
)

VAGUE = {"title": "寻求新材料相关技术合作", "keywords": ["新材料"],
         "description": "我公司是一家传统制造企业，希望引进先进的新材料相关技术，用于提升产品性能等，需要若干高校团队合作。"}


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error


@pytest.fixture
def enterprise(client):
    return api_token(client, make_user(Role.ENTERPRISE))


@pytest.fixture
def researcher(client):
    return api_token(client, make_user(Role.RESEARCHER))


def test_a_demand_body_is_scored_and_nothing_is_written(client, enterprise):
    before = every_row(BUT_THE_LOG)
    vague = client.post("/api/v1/demands/quality", json=demand_data(**VAGUE, status="published"), headers=enterprise)
    given = client.post("/api/v1/demands/quality", json=demand_data(), headers=enterprise)

    assert vague.status_code == given.status_code == 200
    body = vague.get_json()
    assert set(body) == {"score", "band", "band_label", "hints"}
    assert body["score"] < given.get_json()["score"] and body["band"] in ("fair", "incomplete")
    assert all(set(h) == {"code", "field", "message", "gain"} for h in body["hints"])
    vague = [h["field"] for h in body["hints"] if h["code"] == "vague_wording"]
    assert vague == ["title", "description", "description"]
    assert every_row(BUT_THE_LOG) == before  # "status": "published" of a create body is ignored: no demand


def test_an_empty_body_is_a_draft_not_filled_in_yet(client, enterprise, researcher):
    demand = client.post("/api/v1/demands/quality", json={}, headers=enterprise).get_json()
    result = client.post("/api/v1/results/quality", json={"title": None}, headers=researcher).get_json()
    assert "no_budget" in {h["code"] for h in demand["hints"]} and demand["band"] == "incomplete"
    assert "no_transfer_modes" in {h["code"] for h in result["hints"]}


def test_a_result_body_is_scored(client, researcher):
    response = client.post("/api/v1/results/quality", json=result_data(trl=8, maturity="lab", asking_price=None),
                           headers=researcher)
    assert response.status_code == 200
    assert {"trl_maturity_mismatch", "no_asking_price"} <= {h["code"] for h in response.get_json()["hints"]}


@pytest.mark.parametrize("path", ["/api/v1/demands/quality", "/api/v1/results/quality"])
def test_without_a_token_it_is_a_401(client, path):
    error_of(client.post(path, json={}), 401, "unauthorized")
    error_of(client.post(path, json={}, headers={"Authorization": "Bearer nonsense"}), 401, "unauthorized")


def test_only_the_role_that_creates_the_listing_gets_its_meter(client, enterprise, researcher):
    error_of(client.post("/api/v1/demands/quality", json={}, headers=researcher), 403, "forbidden")
    error_of(client.post("/api/v1/results/quality", json={}, headers=enterprise), 403, "forbidden")
    for role in (Role.CENTER, Role.ADMIN):
        error_of(client.post("/api/v1/demands/quality", json={}, headers=api_token(client, make_user(role))),
                 403, "forbidden")


@pytest.mark.parametrize(("body", "field"), [
    ({"budget_min": "lots"}, "budget_min"), ({"trl_target": 0}, "trl_target"), ({"deadline": "next month"}, "deadline"),
    ({"keywords": {"a": 1}}, "keywords"), ({"title": ["标题"]}, "title"),
])
def test_a_malformed_demand_body_is_a_422_naming_the_field(client, enterprise, body, field):
    error = error_of(client.post("/api/v1/demands/quality", json=body, headers=enterprise), 422, "validation_error")
    assert set(error["fields"]) == {field}


def test_a_malformed_result_body_is_a_422_naming_the_field(client, researcher):
    body = {"patents": [{"number": "CN115355831B", "status": "sold"}], "transfer_modes": ["gift"]}
    error = error_of(client.post("/api/v1/results/quality", json=body, headers=researcher), 422, "validation_error")
    assert set(error["fields"]) == {"patents.0.status", "transfer_modes"}


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'"text"'])
def test_a_body_that_is_not_a_json_object_is_a_422(client, enterprise, data):
    headers = enterprise | {"Content-Type": "application/json"}
    response = client.post("/api/v1/demands/quality", data=data, headers=headers)
    error_of(response, 422, "validation_error")


def test_the_document_describes_both_operations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, body in (("/demands/quality", "DemandDraft"), ("/results/quality", "ResultDraft")):
        operation = spec["paths"][path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(body)
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("ListingQuality")
        assert {"401", "403", "422"} <= set(operation["responses"])
    assert "vague_wording" in spec["components"]["schemas"]["ListingQuality"]["properties"]["hints"]["items"][
        "properties"]["code"]["enum"]
