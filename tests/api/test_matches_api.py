"""/api/v1/demands|results/{id}/matches and /api/v1/search."""
import re

from models import Role

from ..factories import api_token, make_demand, make_result, make_user


def _pair():
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", title="储能电站锂电池热失控早期预警",
                         keywords=["锂离子电池", "热失控"])
    result = make_result(researcher, status="published", title="锂电池热失控多信号融合预警方法",
                         keywords=["锂电池", "热失控"])
    return enterprise, researcher, demand, result


def test_demand_matches_are_explained(client):
    enterprise, _, demand, result = _pair()
    body = client.get(f"/api/v1/demands/{demand.id}/matches?limit=3", headers=api_token(client, enterprise)).get_json()
    first = body["items"][0]
    assert first["result"]["id"] == result.id and first["score"] > 0
    assert {"terms", "keywords", "notes"} <= set(first["explanation"])
    assert first["explanation"]["terms"][0]["term"]


def test_result_matches_list_demands(client):
    _, researcher, demand, result = _pair()
    body = client.get(f"/api/v1/results/{result.id}/matches", headers=api_token(client, researcher)).get_json()
    assert [item["demand"]["id"] for item in body["items"]] == [demand.id]


def test_matches_need_a_token_and_a_visible_listing(client):
    enterprise, researcher, demand, _ = _pair()
    assert client.get(f"/api/v1/demands/{demand.id}/matches").status_code == 401
    draft = make_demand(enterprise, title="未发布需求")
    response = client.get(f"/api/v1/demands/{draft.id}/matches", headers=api_token(client, researcher))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_matches_limit_is_validated(client):
    enterprise, _, demand, _ = _pair()
    headers = api_token(client, enterprise)
    for bad in ("x", "0", "51"):
        response = client.get(f"/api/v1/demands/{demand.id}/matches?limit={bad}", headers=headers)
        assert response.status_code == 422 and "limit" in response.get_json()["error"]["fields"]


def test_search_is_public_ranked_and_paginated(client):
    _, _, demand, result = _pair()
    body = client.get("/api/v1/search?q=锂电池热失控&kind=result&per_page=1").get_json()
    assert body["total"] >= 1 and body["page"] == 1 and body["per_page"] == 1
    assert body["items"][0]["result"]["id"] == result.id
    demands = client.get("/api/v1/search?q=锂电池热失控&kind=demand").get_json()
    assert [item["demand"]["id"] for item in demands["items"]] == [demand.id]


def test_search_rejects_bad_parameters(client):
    response = client.get("/api/v1/search?kind=patent")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"kind", "q"}


def test_confidential_demand_json_hides_everything_but_title_field_and_summary(client):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    secret = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要",
                         keywords=["绝密关键词"], budget_max=777)
    body = client.get(f"/api/v1/demands/{secret.id}", headers=api_token(client, researcher)).get_json()
    assert (body["title"], body["field"], body["summary"]) == (secret.title, secret.field_code, "公开摘要")
    assert body["keywords"] == [] and body["budget_max"] is None and body["trl_target"] is None
    assert body["description"] is None and body["details_restricted"] is True
    mine = client.get(f"/api/v1/demands/{secret.id}", headers=api_token(client, enterprise)).get_json()
    assert mine["keywords"] == ["绝密关键词"] and mine["budget_max"] == 777


def test_confidential_demand_page_and_cards_hide_keywords_and_budget(client):
    from ..factories import login

    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    secret = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要",
                         keywords=["绝密关键词"], budget_max=777)
    login(client, researcher)
    for url in (f"/demands/{secret.id}", "/demands/", "/search?q=公开摘要&kind=demand"):
        html = client.get(url).get_data(as_text=True)
        html = re.sub(r'<input[^>]*name="(csrf_token|submission_token)"[^>]*>', "", html)  # random tokens may hold 777
        assert "绝密关键词" not in html and "777" not in html, url
