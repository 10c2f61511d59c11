"""The API's error contract: JSON error bodies everywhere, 413 for big bodies, never a 500 for bad input."""
from __future__ import annotations

import pytest

from models import Role
from tests.factories import api_token, demand_data, make_demand, make_result, make_user, result_data

ODD_VALUES = [None, "", "abc", "  ", [], {}, ["x"], {"a": 1}, True, False, -1, 0, 1e308, 10**30, "1e400", "NaN",
              "９", "9" * 400, "<script>", "2027-02-30", "\u0000"]


def assert_error_shape(response, status: int | None = None, context=None) -> dict:
    assert response.status_code < 500, (context, response.request.path, response.request.query_string)
    if status is not None:
        assert response.status_code == status, context
    assert response.is_json, response.get_data(as_text=True)[:200]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and isinstance(error["fields"], dict)
    return error


def test_unknown_endpoint_is_a_json_404(client):
    response = client.get("/api/v1/nope")
    assert assert_error_shape(response, 404)["code"] == "not_found"
    assert_error_shape(client.post("/api/v1/demands/abc"), 404)


def test_wrong_method_is_a_json_405(client):
    response = client.put("/api/v1/demands")
    assert_error_shape(response, 405)


def test_web_pages_keep_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and not response.is_json


@pytest.mark.parametrize("path, auth", [("/api/v1/tokens", False), ("/api/v1/demands", True)])
def test_body_over_one_mebibyte_is_413(client, path, auth):
    headers = api_token(client, make_user()) if auth else {}
    body = b'{"title": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = client.post(path, data=body, content_type="application/json", headers=headers)
    assert_error_shape(response, 413)


@pytest.mark.parametrize("body", [[], [1, 2], "text", 42, None, True])
def test_a_body_that_is_not_an_object_is_a_validation_error(client, body):
    headers = api_token(client, make_user())
    response = client.post("/api/v1/demands", json=body, headers=headers)
    assert assert_error_shape(response, 422)["code"] == "validation_error"


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deeply_nested_json_is_not_a_server_error(client, depth):
    headers = api_token(client, make_user(Role.ENTERPRISE))
    body = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = client.post("/api/v1/demands", data=body, content_type="application/json", headers=headers)
    assert assert_error_shape(response)["code"] == "validation_error"


def test_json_without_the_json_content_type_is_refused(client):
    headers = api_token(client, make_user())
    response = client.post("/api/v1/demands", data='{"title": "x"}', content_type="text/plain", headers=headers)
    assert assert_error_shape(response)["code"] == "validation_error"


def test_odd_values_in_every_demand_field_never_500(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LISTINGS", "1000 per hour")  # many of these are created
    headers = api_token(client, make_user(Role.ENTERPRISE))
    names = list(demand_data()) + ["summary", "status"]
    for name in names:
        for value in ODD_VALUES:
            response = client.post("/api/v1/demands", json=demand_data(**{name: value}), headers=headers)
            if response.status_code != 201:
                assert_error_shape(response, context=(name, value))
                assert response.status_code in (400, 409, 422), (name, value, response.status_code)


def test_odd_values_in_every_result_field_never_500(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_LISTINGS", "1000 per hour")
    headers = api_token(client, make_user(Role.RESEARCHER))
    names = list(result_data()) + ["region", "status"]
    for name in names:
        for value in ODD_VALUES + [[{"number": "\u0000", "status": 10**30}], [None], [[]]]:
            response = client.post("/api/v1/results", json=result_data(**{name: value}), headers=headers)
            if response.status_code != 201:
                assert_error_shape(response, context=(name, value))
                assert response.status_code in (400, 409, 422), (name, value, response.status_code)


def test_odd_patches_never_500(client):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand, result = make_demand(enterprise), make_result(researcher)
    targets = [(f"/api/v1/demands/{demand.id}", api_token(client, enterprise), list(demand_data()) + ["status"]),
               (f"/api/v1/results/{result.id}", api_token(client, researcher), list(result_data()) + ["status"])]
    for path, headers, names in targets:
        for body in ([], None, "x", {}):
            response = client.patch(path, json=body, headers=headers)
            assert response.status_code in (200, 400, 422), (path, body)
        for name in names:
            for value in ODD_VALUES:
                response = client.patch(path, json={name: value}, headers=headers)
                if response.status_code != 200:
                    assert_error_shape(response, context=(path, name, value))
                    assert response.status_code in (400, 409, 422), (path, name, value)


def test_odd_users_and_tokens_never_500(client):
    headers = api_token(client, make_user(Role.ADMIN))
    for name in ("email", "password", "role", "display_name", "organization"):
        for value in ODD_VALUES:
            body = {"email": "x@example.com", "password": "good-password-9", "role": "enterprise",
                    "organization": {"name": "某公司", "kind": "enterprise"}} | {name: value}
            response = client.post("/api/v1/users", json=body, headers=headers)
            if response.status_code != 201:
                assert_error_shape(response, context=(name, value))
                assert response.status_code in (400, 422), (name, value)
    for odd in ODD_VALUES[:8]:
        response = client.post("/api/v1/tokens", json={"email": odd, "password": odd})
        assert_error_shape(response, context=odd)
        assert response.status_code in (401, 422), odd


@pytest.mark.parametrize("query", ["page=-1", "page=1e3", "per_page=%00", "trl_min=abc&trl_max=-3", "sort=drop table",
                                   "q=%25%5F%5C", "field=%00", "mine=yes", "cooperation_mode=barter&status=weird",
                                   "q=" + "字" * 3000, "page=99999999999999999999",
                                   "per_page=99999999999999999999", "q=%00&region=%00"])
def test_odd_query_strings_never_500(client, query):
    for path in ("/api/v1/demands", "/api/v1/results"):
        response = client.get(f"{path}?{query}")
        if response.status_code != 200:
            assert_error_shape(response, context=query)
            assert response.status_code in (400, 414, 422)


def test_nul_characters_are_refused_with_the_field_named(client):
    headers = api_token(client, make_user(Role.ENTERPRISE))
    response = client.post("/api/v1/demands", json=demand_data(title="标题\u0000", keywords=["a", "b\u0000"]),
                           headers=headers)
    assert set(assert_error_shape(response, 422)["fields"]) == {"title", "keywords.1"}
    assert client.get("/api/v1/demands?mine=1", headers=headers).get_json()["total"] == 0


@pytest.mark.parametrize("path", ["/api/v1/demands/0", "/api/v1/demands/99999999999999999999", "/api/v1/results/-1",
                                  "/api/v1/results/2147483648",
                                  "/api/v1/organizations/abc/verify"])
def test_odd_ids_are_404(client, path):
    response = client.get(path) if "verify" not in path else client.post(path)
    assert_error_shape(response, 404)


def test_ids_beyond_a_database_integer_in_a_body_are_404(client):
    researcher = make_user(Role.RESEARCHER)
    result = make_result(researcher, status="published")
    demand = make_demand(make_user(Role.ENTERPRISE), status="published")
    headers = api_token(client, researcher)
    for body in ({"demand_id": 2**31, "result_id": result.id}, {"demand_id": demand.id, "result_id": 10**14}):
        response = client.post("/api/v1/pairings", json=body | {"message": "希望合作。"}, headers=headers)
        assert assert_error_shape(response, 404)["code"] == "not_found"
