"""The quality meter on the pages: beside the demand and result forms (rendered by the server, then
updated through POST /demands/quality and /results/quality), and on a listing's page for its
owning organization only."""
from __future__ import annotations

import pytest

from marketplace.services.listing_quality import assess_demand
from marketplace.services.listing_quality_input import read_demand_draft
from models import Role
from tests.factories import (
    BUT_THE_LOG,
    csrf_token,
    demand_data,
    every_row,
    login,
    make_demand,
    make_result,
    make_user,
)

VAGUE = {"title": "寻求新材料相关技术合作", "keywords": "新材料",
         "description": "我公司是一家传统制造企业，希望引进先进的新材料相关技术，用于提升产品性能等，需要若干高校团队合作。"}
JSON = {"Accept": "application/json"}


def signed_in(client, role: Role, organization=None):
    user = make_user(role, organization=organization)
    login(client, user)
    return user


def demand_fields(**overrides) -> dict:
    """The demand form's fields as the browser sends them while the writer is typing (all text)."""
    data = demand_data() | {"summary": ""}
    data["keywords"] = "、".join(data["keywords"])
    data = {name: str(value) for name, value in data.items()}
    return data | overrides


def post_quality(client, path: str, fields: dict, token: str | None = "page", headers=JSON):
    if token == "page":
        token = csrf_token(client, "/me/profile")
    return client.post(path, data=fields | ({"csrf_token": token} if token else {}), headers=headers)


# --- the live endpoints -------------------------------------------------------------------------

def test_the_demand_form_as_typed_is_scored_and_nothing_is_written(client):
    signed_in(client, Role.ENTERPRISE)
    token = csrf_token(client, "/me/profile")
    before = every_row(BUT_THE_LOG)

    response = post_quality(client, "/demands/quality", demand_fields(**VAGUE), token)

    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert set(body) == {"score", "band", "band_label", "hints"} and body["band"] == "incomplete"
    vague = [h for h in body["hints"] if h["code"] == "vague_wording"]
    assert vague[0] == {"code": "vague_wording", "field": "title", "gain": 5,
                        "message": "“相关技术”指代不明（原文：“寻求新材料相关技术合作”）：请写明具体是哪项技术、材料、工艺或产品。"}
    expected = assess_demand(read_demand_draft(demand_data(**VAGUE) | {"keywords": ["新材料"]}))
    assert body["score"] == expected.score  # the same service the API and the detail page use
    assert every_row(BUT_THE_LOG) == before
    assert response.headers["Cache-Control"] == "no-store"


def test_a_half_filled_form_is_scored_not_refused(client):
    signed_in(client, Role.ENTERPRISE)
    response = post_quality(client, "/demands/quality", {"title": "动力电池热失控早期预警", "budget_min": "",
                                                         "deadline": "", "trl_target": "", "field": ""})
    assert response.status_code == 200
    assert {"no_budget", "no_deadline", "no_trl", "no_field", "text_too_short"} <= {
        h["code"] for h in response.get_json()["hints"]}


def test_the_result_form_as_typed_is_scored(client):
    signed_in(client, Role.RESEARCHER)
    fields = {"title": "基于多传感器融合的锂电池热失控预警方法", "abstract": "融合气体、温度与电压信号。", "maturity": "lab",
              "trl": "8", "patents": "CN202310456789.1 已授权", "transfer_modes": ["license"], "asking_price": ""}
    response = post_quality(client, "/results/quality", fields)
    assert response.status_code == 200
    codes = {h["code"] for h in response.get_json()["hints"]}
    assert {"trl_maturity_mismatch", "no_asking_price", "text_too_short"} <= codes
    assert {"no_patents", "no_transfer_modes"}.isdisjoint(codes)


@pytest.mark.parametrize(("role", "path"), [(Role.RESEARCHER, "/demands/quality"), (Role.CENTER, "/demands/quality"),
                                            (Role.ADMIN, "/demands/quality"), (Role.ENTERPRISE, "/results/quality")])
def test_only_the_role_that_posts_the_listing_gets_its_meter(client, role, path):
    # as for the form itself: only an enterprise posts a demand, only a researcher a result
    signed_in(client, role)
    response = post_quality(client, path, demand_fields())
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("path", ["/demands/quality", "/results/quality"])
def test_a_visitor_is_sent_to_sign_in(client, path):
    response = post_quality(client, path, demand_fields(), token=csrf_token(client, "/auth/login"))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize(("fields", "field"), [({"title": "长" * 121}, "title"), ({"trl_target": "12"}, "trl_target"),
                                               ({"cooperation_mode": "x"}, "cooperation_mode"),
                                               ({"keywords": "、".join(f"词{n}" for n in range(11))}, "keywords")])
def test_a_malformed_form_is_a_422_with_the_error_body(client, fields, field):
    signed_in(client, Role.ENTERPRISE)
    response = post_quality(client, "/demands/quality", demand_fields(**fields))
    if field == "cooperation_mode":  # not read by the meter: ignored, as any field it does not score
        assert response.status_code == 200
        return
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["message"] and field in error["fields"]


def test_a_malformed_result_form_names_the_patent_line(client):
    signed_in(client, Role.RESEARCHER)
    response = post_quality(client, "/results/quality", {"patents": "CN202310456789.1 已放弃"})
    assert response.status_code == 422 and "patents.0.status" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("path", ["/demands/quality", "/results/quality"])
def test_the_csrf_token_is_required(client, path):
    signed_in(client, Role.ENTERPRISE if path.startswith("/demands") else Role.RESEARCHER)
    without = post_quality(client, path, demand_fields(), token=None)
    forged = post_quality(client, path, demand_fields(), token="forged")
    assert without.status_code == forged.status_code == 400
    assert without.get_json()["error"]["code"] == "csrf_failed"
    page = post_quality(client, path, demand_fields(), token=None, headers={})  # a page asking for HTML gets HTML
    assert page.status_code == 400 and page.mimetype == "text/html"


# --- the forms: rendered by the server first ------------------------------------------------------

def test_the_new_demand_form_shows_the_meter_without_script(client):
    signed_in(client, Role.ENTERPRISE)
    page = client.get("/demands/new").get_data(as_text=True)
    assert 'data-quality-url="/demands/quality"' in page and 'aria-live="polite"' in page
    assert "需求完善度" in page and "请填写预算范围" in page and 'href="#budget_min"' in page


def test_the_edit_form_scores_the_saved_demand(client):
    user = signed_in(client, Role.ENTERPRISE)
    demand = make_demand(user, **VAGUE)
    page = client.get(f"/demands/{demand.id}/edit").get_data(as_text=True)
    assert "“相关技术”指代不明" in page and "请填写预算范围" not in page


def test_a_form_sent_back_with_errors_scores_what_was_sent(client):
    signed_in(client, Role.ENTERPRISE)
    token = csrf_token(client, "/demands/new")
    response = client.post("/demands/new", data=demand_fields(**VAGUE, budget_min="", csrf_token=token))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "“相关技术”指代不明" in page and "请填写预算范围" in page


def test_the_result_forms_show_the_meter(client):
    user = signed_in(client, Role.RESEARCHER)
    new = client.get("/results/new").get_data(as_text=True)
    assert 'data-quality-url="/results/quality"' in new and "成果完善度" in new and "请选择成熟阶段" in new
    result = make_result(user, asking_price=None)
    edit = client.get(f"/results/{result.id}/edit").get_data(as_text=True)
    assert "未填写期望价格" in edit and "未登记专利" not in edit  # its patent is in the box


# --- the listing's page: its owners only ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["demand", "result"])
def test_the_owners_see_the_meter_on_the_listing_and_nobody_else_does(ctx, new_client, kind):
    role = Role.ENTERPRISE if kind == "demand" else Role.RESEARCHER
    owner = make_user(role)
    listing = (make_demand(owner, status="published", **VAGUE) if kind == "demand"
               else make_result(owner, status="published", asking_price=None))
    path = f"/{kind}s/{listing.id}"
    colleague, stranger, operator, visitor = new_client(), new_client(), new_client(), new_client()
    signed_in(colleague, role, organization=owner.organization)
    signed_in(stranger, role)
    signed_in(operator, Role.ADMIN)

    mine = colleague.get(path).get_data(as_text=True)
    hint = "“相关技术”指代不明" if kind == "demand" else "未填写期望价格"
    assert "完善度" in mine and hint in mine and f'href="/{kind}s/{listing.id}/edit"' in mine
    for other in (stranger, operator, visitor):
        page = other.get(path)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "完善度" not in text and hint not in text


def test_a_closed_demand_shows_its_meter_without_the_edit_link(client):
    owner = signed_in(client, Role.ENTERPRISE)
    demand = make_demand(owner, status="published", **VAGUE)
    client.post(f"/demands/{demand.id}/close", data={"csrf_token": csrf_token(client, "/me/profile")})
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "需求完善度" in page and "编辑完善" not in page
