"""Query parameters are held to the OpenAPI document (api/query_params.py): a declared integer is
an integer within its bounds, an enum one of its values, each given once — else 422 naming the
parameter; parameters the document does not declare are ignored; a caller without a token on an
operation for signed-in callers still hears 401 first. Ids beyond a database integer are 404 on
the methods a route serves, and an unserved method is 405 with ``Allow``."""
from __future__ import annotations

import pytest

from models import Role
from tests.api.test_errors import assert_error_shape
from tests.factories import api_token, make_demand, make_result, make_user


@pytest.mark.parametrize(("path", "query", "field"), [
    ("/api/v1/demands", "trl_min=false", "trl_min"),
    ("/api/v1/demands", "trl_max=10", "trl_max"),
    ("/api/v1/demands", "trl_min=0", "trl_min"),
    ("/api/v1/demands", "trl_min=3&trl_min=4", "trl_min"),
    ("/api/v1/demands", "cooperation_mode=", "cooperation_mode"),
    ("/api/v1/demands", "cooperation_mode=barter", "cooperation_mode"),
    ("/api/v1/demands", "sort=drop", "sort"),
    ("/api/v1/demands", "mine=yes", "mine"),
    ("/api/v1/results", "transfer_mode=", "transfer_mode"),
    ("/api/v1/results", "sort=budget", "sort"),  # a demand's sort, not a result's
    ("/api/v1/results", "trl_max=1.5", "trl_max"),
    ("/api/v1/centers", "service=%07", "service"),
    ("/api/v1/search", "q=电池&kind=both", "kind"),
    ("/api/v1/search", "kind=demand", "q"),
    ("/api/v1/demands", "per_page=0", "per_page"),
])
def test_a_parameter_off_the_document_is_a_422_naming_it(client, path, query, field):
    error = assert_error_shape(client.get(f"{path}?{query}"), 422, query)
    assert set(error["fields"]) == {field}
    assert error["code"] == "validation_error"


@pytest.mark.parametrize("query", ["trl_min=3&trl_max=9", "sort=", "sort=budget", "cooperation_mode=joint_research",
                                   "mine=0", "mine=false", "region=上海&field=new_energy", "page=1&per_page=100",
                                   "undeclared=anything"])
def test_parameters_that_fit_the_document_are_taken(client, query):
    assert client.get(f"/api/v1/demands?{query}").status_code == 200


def test_the_filters_still_filter(client):
    owner = make_user(Role.RESEARCHER)
    make_result(owner, status="published", trl=3, title="低成熟度成果")
    make_result(owner, status="published", trl=7, title="高成熟度成果")
    titles = [r["title"] for r in client.get("/api/v1/results?trl_min=6").get_json()["items"]]
    assert titles == ["高成熟度成果"]


def test_notifications_unread_switch(client):
    headers = api_token(client, make_user(Role.ENTERPRISE))
    assert client.get("/api/v1/notifications?unread=1", headers=headers).status_code == 200
    assert client.get("/api/v1/notifications?unread=false", headers=headers).status_code == 200
    error = assert_error_shape(client.get("/api/v1/notifications?unread=junk", headers=headers), 422)
    assert set(error["fields"]) == {"unread"}


def test_without_a_token_the_answer_is_401_before_the_parameters_are_read(client):
    assert_error_shape(client.get("/api/v1/notifications?unread=junk"), 401)
    assert_error_shape(client.get("/api/v1/pairings?status=nonsense"), 401)


@pytest.mark.parametrize("huge", ["2147483648", "199591578331693940736", "9223372036854775808"])
def test_ids_beyond_a_database_integer_are_404_on_every_method_the_route_serves(client, huge):
    enterprise = make_user(Role.ENTERPRISE)
    make_demand(enterprise, status="published")
    headers = api_token(client, enterprise)
    for method in ("GET", "PATCH", "DELETE"):
        kwargs = {"json": {"title": "新标题"}} if method == "PATCH" else {}
        assert_error_shape(client.open(f"/api/v1/demands/{huge}", method=method, headers=headers, **kwargs), 404, method)
    assert_error_shape(client.post(f"/api/v1/pairings/{huge}/accept", headers=headers), 404)
    assert client.get(f"/demands/{huge}").status_code == 404  # the web pages too


def test_an_unserved_method_is_405_with_allow(client):
    response = client.put("/api/v1/demands/1")
    assert_error_shape(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "PATCH", "DELETE"}
    assert set(client.delete("/api/v1/demands").headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert "Allow" in client.put("/demands/").headers  # web pages too


def test_the_document_declares_422_and_400_for_every_operation_that_takes_input(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if operation.get("parameters") and any(p["in"] == "query" for p in operation["parameters"]) \
                    or "requestBody" in operation:
                assert {"400", "422"} <= set(operation["responses"]), (method, path)
