"""Demand pages: browse, detail disclosure, create/edit forms, status buttons, permissions, CSRF."""
from __future__ import annotations

from marketplace.localtime import local_today
from datetime import timedelta

import pytest

from models import Demand, DemandStatus, Role, db
from tests.factories import csrf_token, demand_data, login, make_demand, make_user


def demand_form(**overrides) -> dict:
    """A valid demand form submission."""
    data = demand_data() | {"summary": ""}
    data["keywords"] = "、".join(data["keywords"])
    return data | overrides


def fresh(demand_id: int) -> Demand | None:
    db.session.expire_all()
    return db.session.get(Demand, demand_id)


def demand_count() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(Demand))


def signed_in_enterprise(client):
    user = make_user(Role.ENTERPRISE)
    login(client, user)
    return user


# --- browse ---------------------------------------------------------------------------------

def test_list_paginates_published_demands(client):
    owner = make_user()
    for i in range(25):
        make_demand(owner, title=f"测试需求{i:02d}号", status="published")
    make_demand(owner, title="草稿需求不公开")

    first = client.get("/demands/").get_data(as_text=True)
    second = client.get("/demands/?page=2")

    assert second.status_code == 200
    text = second.get_data(as_text=True)
    on_second = [i for i in range(25) if f"测试需求{i:02d}号" in text]
    assert on_second == [0, 1, 2, 3, 4]  # newest first: the five oldest are on page 2
    assert "测试需求24号" in first and "测试需求04号" not in first
    assert "草稿需求不公开" not in first + text


def test_per_page_is_clamped(client, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAX_PER_PAGE", 3)
    owner = make_user()
    for i in range(5):
        make_demand(owner, title=f"测试需求{i:02d}号", status="published")

    text = client.get("/demands/?per_page=1000").get_data(as_text=True)
    assert sum(f"测试需求{i:02d}号" in text for i in range(5)) == 3
    assert client.get("/demands/?per_page=-5&page=abc").status_code == 200


def test_pagination_links_ignore_url_for_options_in_the_query_string(client):
    owner = make_user()
    for i in range(2):
        make_demand(owner, title=f"测试需求{i:02d}号", status="published")
    response = client.get("/demands/?per_page=1&_method=POST&_anchor=x&_external=1")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'href="/demands/?per_page=1&amp;page=2"' in text and "#x" not in text


@pytest.mark.parametrize("query, shown", [
    ("field=ai", {"甲"}),
    ("region=深圳", {"乙"}),
    ("trl_min=7", {"乙"}),
    ("trl_max=4", {"甲"}),
    ("cooperation_mode=license", {"丙"}),
    ("trl_min=abc", {"甲", "乙", "丙"}),
    ("status=closed", {"丁"}),
])
def test_list_filters(client, query, shown):
    owner = make_user()
    make_demand(owner, title="需求甲", field="ai", trl_target=3, region="上海市", status="published")
    make_demand(owner, title="需求乙", trl_target=8, region="广东省深圳市", status="published")
    make_demand(owner, title="需求丙", trl_target=5, cooperation_mode="license", status="published")
    closed = make_demand(owner, title="需求丁", status="published")
    closed.status = DemandStatus.CLOSED
    db.session.commit()

    text = client.get(f"/demands/?{query}").get_data(as_text=True)
    assert {name for name in "甲乙丙丁" if f"需求{name}" in text} == shown


@pytest.mark.parametrize("sort, order", [("budget", ["贵", "中", "廉"]), ("deadline", ["中", "廉", "贵"])])
def test_list_sorting(client, sort, order):
    owner = make_user()
    soon = local_today() + timedelta(days=10)
    make_demand(owner, title="需求廉", budget_min=1, budget_max=10, deadline=(soon + timedelta(days=5)).isoformat(),
                status="published")
    make_demand(owner, title="需求贵", budget_min=1, budget_max=900, deadline=(soon + timedelta(days=50)).isoformat(),
                status="published")
    make_demand(owner, title="需求中", budget_min=1, budget_max=100, deadline=soon.isoformat(), status="published")

    text = client.get(f"/demands/?sort={sort}").get_data(as_text=True)
    positions = [text.index(f"需求{name}") for name in order]
    assert positions == sorted(positions)


# --- detail and disclosure ------------------------------------------------------------------

def test_detail_of_a_published_demand(client):
    demand = make_demand(make_user(), status="published")
    response = client.get(f"/demands/{demand.id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert demand.title in text and demand.description in text and demand.organization.name in text


def test_unknown_demand_is_404(client):
    assert client.get("/demands/999999").status_code == 404


def test_anonymous_demand_hides_the_organization_except_from_the_owner(client, new_client):
    owner = make_user()
    demand = make_demand(owner, visibility="anonymous", status="published")
    org_name = demand.organization.name

    visitor = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert org_name not in visitor and "匿名企业" in visitor
    listing = client.get("/demands/").get_data(as_text=True)
    assert demand.title in listing and org_name not in listing

    other = new_client()
    login(other, make_user())
    assert org_name not in other.get(f"/demands/{demand.id}").get_data(as_text=True)

    mine = new_client()
    login(mine, owner)
    assert org_name in mine.get(f"/demands/{demand.id}").get_data(as_text=True)


def test_confidential_demand_shows_only_title_field_and_summary_to_others(client, new_client):
    owner = make_user()
    demand = make_demand(owner, visibility="confidential", summary="一句话公开摘要：储能安全预警",
                         description="机密细节：电芯型号 XJ-9000 与现场数据", status="published")

    for viewer in (client, new_client()):
        if viewer is not client:
            login(viewer, make_user())
        response = viewer.get(f"/demands/{demand.id}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert demand.title in text and "新能源" in text and "一句话公开摘要" in text
        assert "XJ-9000" not in text

    mine = new_client()
    login(mine, owner)
    assert "XJ-9000" in mine.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "XJ-9000" not in client.get("/demands/").get_data(as_text=True)


def test_drafts_are_404_for_anonymous_visitors_and_other_organizations(client, new_client):
    owner = make_user()
    draft = make_demand(owner)
    assert client.get(f"/demands/{draft.id}").status_code == 404

    other = new_client()
    login(other, make_user())
    assert other.get(f"/demands/{draft.id}").status_code == 404

    colleague = new_client()
    login(colleague, make_user(organization=owner.organization))
    assert colleague.get(f"/demands/{draft.id}").status_code == 200


# --- create ---------------------------------------------------------------------------------

@pytest.mark.parametrize("button, status", [("draft", DemandStatus.DRAFT), ("published", DemandStatus.PUBLISHED)])
def test_create_saves_a_draft_or_publishes(client, button, status):
    user = signed_in_enterprise(client)
    token = csrf_token(client, "/demands/new")
    response = client.post("/demands/new", data=demand_form(csrf_token=token, status=button))

    assert response.status_code == 302
    db.session.expire_all()
    demand = db.session.scalar(db.select(Demand))
    assert response.headers["Location"] == f"/demands/{demand.id}"
    assert demand.status is status
    assert demand.organization_id == user.organization_id and demand.created_by_id == user.id
    assert demand.keywords == ["锂离子电池", "热失控", "储能"]
    assert float(demand.budget_max) == 200 and demand.trl_target == 6
    assert (demand.published_at is not None) == (status is DemandStatus.PUBLISHED)


@pytest.mark.parametrize("overrides, field_message", [
    ({"budget_min": "300", "budget_max": "100"}, "预算上限不能低于下限。"),
    ({"deadline": (local_today() - timedelta(days=1)).isoformat()}, "截止日期必须晚于今天。"),
    ({"visibility": "confidential", "summary": ""}, "保密需求须填写公开摘要。"),
    ({"title": ""}, "请填写标题。"),
    ({"title": "长" * 121}, None),
    ({"trl_target": "12"}, None),
    ({"budget_min": "-1"}, None),
    ({"budget_min": "很多"}, None),
    ({"field": "astrology"}, None),
    ({"cooperation_mode": "barter"}, None),
    ({"keywords": "、".join(f"词{i}" for i in range(11))}, "关键词最多 10 个。"),
])
def test_create_errors_are_shown_on_the_form_and_nothing_is_written(client, overrides, field_message):
    signed_in_enterprise(client)
    token = csrf_token(client, "/demands/new")
    response = client.post("/demands/new", data=demand_form(csrf_token=token, status="published") | overrides)

    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'class="error"' in text
    if field_message:
        assert field_message in text
    assert demand_count() == 0


def test_create_needs_an_enterprise_account(client):
    login(client, make_user(Role.RESEARCHER))
    assert client.get("/demands/new").status_code == 403
    response = client.post("/demands/new", data=demand_form(csrf_token=csrf_token(client, "/me/profile")))
    assert response.status_code == 403
    assert demand_count() == 0


def test_create_sends_anonymous_visitors_to_login(client):
    response = client.get("/demands/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


# --- edit -----------------------------------------------------------------------------------

def test_owner_edits_a_demand(client):
    user = signed_in_enterprise(client)
    demand = make_demand(user, status="published")
    token = csrf_token(client, f"/demands/{demand.id}/edit")
    response = client.post(f"/demands/{demand.id}/edit",
                           data=demand_form(csrf_token=token, title="修改后的标题", budget_max="500"))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/demands/{demand.id}"
    demand = fresh(demand.id)
    assert demand.title == "修改后的标题" and float(demand.budget_max) == 500
    assert demand.status is DemandStatus.PUBLISHED


def test_edit_errors_change_nothing(client):
    user = signed_in_enterprise(client)
    demand = make_demand(user)
    token = csrf_token(client, f"/demands/{demand.id}/edit")
    response = client.post(f"/demands/{demand.id}/edit",
                           data=demand_form(csrf_token=token, title="新标题", budget_min="900", budget_max="10"))
    assert response.status_code == 422
    assert fresh(demand.id).title == demand_data()["title"]


def test_edit_of_another_organizations_published_demand_is_403(client):
    demand = make_demand(make_user(), status="published")
    signed_in_enterprise(client)
    assert client.get(f"/demands/{demand.id}/edit").status_code == 403
    token = csrf_token(client, "/me/profile")
    response = client.post(f"/demands/{demand.id}/edit", data=demand_form(csrf_token=token, title="篡改"))
    assert response.status_code == 403
    assert fresh(demand.id).title == demand_data()["title"]


def test_edit_of_another_organizations_draft_is_404(client):
    demand = make_demand(make_user())
    signed_in_enterprise(client)
    assert client.get(f"/demands/{demand.id}/edit").status_code == 404
    token = csrf_token(client, "/me/profile")
    assert client.post(f"/demands/{demand.id}/edit", data=demand_form(csrf_token=token)).status_code == 404


# --- status changes and delete --------------------------------------------------------------

def post_action(client, demand_id: int, action: str):
    token = csrf_token(client, "/me/profile")
    return client.post(f"/demands/{demand_id}/{action}", data={"csrf_token": token})


def test_publish_close_reopen(client):
    user = signed_in_enterprise(client)
    demand = make_demand(user)
    for action, status in (("publish", DemandStatus.PUBLISHED), ("close", DemandStatus.CLOSED),
                           ("reopen", DemandStatus.PUBLISHED)):
        response = post_action(client, demand.id, action)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/demands/{demand.id}"
        assert fresh(demand.id).status is status


def test_refused_transition_flashes_and_changes_nothing(client):
    user = signed_in_enterprise(client)
    demand = make_demand(user)
    response = post_action(client, demand.id, "close")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/demands/{demand.id}"
    assert fresh(demand.id).status is DemandStatus.DRAFT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "需求当前为“草稿”，此操作已不适用" in page


def test_stale_reopen_button_on_a_draft_does_not_publish(client):
    user = signed_in_enterprise(client)
    demand = make_demand(user)
    post_action(client, demand.id, "reopen")
    assert fresh(demand.id).status.value == "draft"


def test_a_demand_past_its_deadline_cannot_be_published(client):
    user = signed_in_enterprise(client)
    demand = make_demand(user)
    demand.deadline = local_today() - timedelta(days=1)
    db.session.commit()
    post_action(client, demand.id, "publish")
    assert fresh(demand.id).status is DemandStatus.DRAFT


def test_status_changes_by_another_organization(client):
    published = make_demand(make_user(), status="published")
    draft = make_demand(make_user())
    signed_in_enterprise(client)
    assert post_action(client, published.id, "close").status_code == 403
    assert post_action(client, draft.id, "publish").status_code == 404
    assert fresh(published.id).status is DemandStatus.PUBLISHED
    assert fresh(draft.id).status is DemandStatus.DRAFT


def test_delete_a_draft(client):
    user = signed_in_enterprise(client)
    demand = make_demand(user)
    response = post_action(client, demand.id, "delete")
    assert response.status_code == 302
    assert response.headers["Location"] == "/me/"
    assert fresh(demand.id) is None


def test_delete_of_a_published_demand_is_refused(client):
    user = signed_in_enterprise(client)
    demand = make_demand(user, status="published")
    response = post_action(client, demand.id, "delete")
    assert response.status_code == 302
    assert fresh(demand.id).status is DemandStatus.PUBLISHED
    assert "只能删除草稿" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_delete_of_another_organizations_draft_is_404(client):
    demand = make_demand(make_user())
    signed_in_enterprise(client)
    assert post_action(client, demand.id, "delete").status_code == 404
    assert fresh(demand.id) is not None


@pytest.mark.parametrize("path, start", [
    ("/demands/new", None), ("/demands/{id}/edit", "draft"), ("/demands/{id}/publish", "draft"),
    ("/demands/{id}/close", "published"), ("/demands/{id}/reopen", "closed"), ("/demands/{id}/delete", "draft"),
])
def test_every_state_changing_post_needs_a_csrf_token(client, path, start):
    user = signed_in_enterprise(client)
    demand = make_demand(user, status="published" if start == "closed" else (start or "draft"))
    if start == "closed":
        demand.status = DemandStatus.CLOSED
        db.session.commit()
    before = demand_count()
    response = client.post(path.format(id=demand.id), data=demand_form(title="不该保存", status="published"))

    assert response.status_code == 400
    assert demand_count() == before
    after = fresh(demand.id)
    assert after.title != "不该保存" and after.status.value == (start or "draft")


def test_workspace_lists_the_organizations_demands_of_every_status(client):
    user = signed_in_enterprise(client)
    make_demand(user, title="我的草稿需求")
    make_demand(make_user(organization=user.organization), title="同事的已发布需求", status="published")
    make_demand(make_user(), title="别家的需求", status="published")
    text = client.get("/me/").get_data(as_text=True)
    assert "我的草稿需求" in text and "同事的已发布需求" in text and "别家的需求" not in text


def test_odd_ids_and_pages_are_not_server_errors(client):
    assert client.get("/demands/99999999999999999999").status_code == 404
    assert client.get("/demands/?page=99999999999999999999&per_page=99999999999999999999").status_code == 200
    assert client.get("/demands/?field=%00").status_code in (400, 422)


def test_nul_character_in_a_form_is_refused_and_nothing_written(client):
    signed_in_enterprise(client)
    token = csrf_token(client, "/demands/new")
    response = client.post("/demands/new", data=demand_form(csrf_token=token, title="标题\x00"))
    assert response.status_code in (400, 422)
    assert demand_count() == 0


@pytest.mark.parametrize("value", ["", "abc", "-1", "1e400", "nan", "9" * 400, "2027-02-30", "<script>", "１２"])
def test_odd_form_values_are_never_server_errors(client, value):
    signed_in_enterprise(client)
    token = csrf_token(client, "/demands/new")
    for name in demand_form():
        response = client.post("/demands/new", data=demand_form(csrf_token=token, status="draft", **{name: value}))
        assert response.status_code in (302, 422), (name, value, response.status_code)
