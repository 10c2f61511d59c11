"""Result pages: browse, detail, create/edit forms with patents, status buttons, permissions, CSRF."""
from __future__ import annotations

import pytest

from models import Result, ResultStatus, Role, db
from tests.factories import csrf_token, login, make_result, make_user, result_data


def result_form(**overrides) -> dict:
    """A valid result form submission (transfer modes as checkboxes, patents one per line)."""
    data = result_data()
    return {
        "title": data["title"], "abstract": data["abstract"], "field": data["field"],
        "keywords": "、".join(data["keywords"]), "trl": str(data["trl"]), "maturity": data["maturity"],
        "patents": "CN202310456789.1 已授权\nUS11876543B2 申请中", "transfer_modes": ["license", "equity"],
        "asking_price": "120", "region": "北京市海淀区",
    } | overrides


def fresh(result_id: int) -> Result | None:
    db.session.expire_all()
    return db.session.get(Result, result_id)


def result_count() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(Result))


def signed_in_researcher(client):
    user = make_user(Role.RESEARCHER)
    login(client, user)
    return user


def post_action(client, result_id: int, action: str):
    return client.post(f"/results/{result_id}/{action}", data={"csrf_token": csrf_token(client, "/me/profile")})


def test_list_paginates_and_filters_published_results(client):
    owner = make_user(Role.RESEARCHER)
    for i in range(25):
        make_result(owner, title=f"测试成果{i:02d}号", status="published")
    make_result(owner, title="人工智能成果", field="ai", trl=8, transfer_modes=["equity"], status="published")
    make_result(owner, title="草稿成果不公开")

    text = client.get("/results/?page=2").get_data(as_text=True)
    assert [i for i in range(25) if f"测试成果{i:02d}号" in text] == [0, 1, 2, 3, 4, 5]
    assert "草稿成果不公开" not in text
    for query in ("field=ai", "trl_min=8", "transfer_mode=equity"):
        text = client.get(f"/results/?{query}").get_data(as_text=True)
        assert "人工智能成果" in text and "测试成果00号" not in text, query


def test_detail_of_a_published_result(client):
    result = make_result(make_user(Role.RESEARCHER), status="published")
    response = client.get(f"/results/{result.id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert result.title in text and "CN202310456789.1" in text


def test_drafts_and_withdrawn_results_are_404_for_others(client, new_client):
    owner = make_user(Role.RESEARCHER)
    draft = make_result(owner)
    withdrawn = make_result(owner, status="published")
    withdrawn.status = ResultStatus.WITHDRAWN
    db.session.commit()
    other = new_client()
    login(other, make_user(Role.RESEARCHER))
    for viewer in (client, other):
        assert viewer.get(f"/results/{draft.id}").status_code == 404
        assert viewer.get(f"/results/{withdrawn.id}").status_code == 404
    mine = new_client()
    login(mine, owner)
    assert mine.get(f"/results/{draft.id}").status_code == 200


@pytest.mark.parametrize("button, status", [("draft", ResultStatus.DRAFT), ("published", ResultStatus.PUBLISHED)])
def test_create_with_patents(client, button, status):
    user = signed_in_researcher(client)
    token = csrf_token(client, "/results/new")
    response = client.post("/results/new", data=result_form(csrf_token=token, status=button))

    assert response.status_code == 302
    db.session.expire_all()
    result = db.session.scalar(db.select(Result))
    assert response.headers["Location"] == f"/results/{result.id}"
    assert result.status is status and result.organization_id == user.organization_id
    assert [(p.number, p.status.value) for p in result.patents] == [
        ("CN202310456789.1", "granted"), ("US11876543B2", "pending")]
    assert result.transfer_modes == ["license", "equity"]


@pytest.mark.parametrize("overrides, message", [
    ({"patents": "ABC123 已授权"}, "专利号格式不正确"),
    ({"patents": "CN202310456789.1 失效"}, "专利状态应为"),
    ({"transfer_modes": []}, "请选择至少一种转化方式"),
    ({"trl": "0"}, None),
    ({"title": ""}, "请填写名称。"),
    ({"asking_price": "-5"}, None),
    ({"abstract": "字" * 10_001}, None),
])
def test_create_errors_are_shown_and_nothing_is_written(client, overrides, message):
    signed_in_researcher(client)
    token = csrf_token(client, "/results/new")
    response = client.post("/results/new", data=result_form(csrf_token=token, status="published") | overrides)

    assert response.status_code == 422
    if message:
        assert message in response.get_data(as_text=True)
    assert result_count() == 0


def test_create_needs_a_researcher_account(client, new_client):
    login(client, make_user(Role.ENTERPRISE))
    assert client.get("/results/new").status_code == 403
    anonymous = new_client().get("/results/new")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/auth/login")


def test_owner_edits_a_result_and_its_patents(client):
    user = signed_in_researcher(client)
    result = make_result(user, status="published")
    edit_page = client.get(f"/results/{result.id}/edit").get_data(as_text=True)
    assert "CN202310456789.1" in edit_page  # existing patents are shown for editing

    token = csrf_token(client, f"/results/{result.id}/edit")
    response = client.post(f"/results/{result.id}/edit", data=result_form(
        csrf_token=token, title="改过的成果", patents="EP4123456A1 已授权"))
    assert response.status_code == 302
    result = fresh(result.id)
    assert result.title == "改过的成果"
    assert [p.number for p in result.patents] == ["EP4123456A1"]


def test_edit_by_another_organization(client):
    published = make_result(make_user(Role.RESEARCHER), status="published")
    draft = make_result(make_user(Role.RESEARCHER))
    signed_in_researcher(client)
    token = csrf_token(client, "/me/profile")
    assert client.post(f"/results/{published.id}/edit", data=result_form(csrf_token=token)).status_code == 403
    assert client.post(f"/results/{draft.id}/edit", data=result_form(csrf_token=token)).status_code == 404
    assert fresh(published.id).title == result_data()["title"]


def test_publish_withdraw_republish(client):
    user = signed_in_researcher(client)
    result = make_result(user)
    for action, status in (("publish", ResultStatus.PUBLISHED), ("withdraw", ResultStatus.WITHDRAWN),
                           ("republish", ResultStatus.PUBLISHED)):
        response = post_action(client, result.id, action)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/results/{result.id}"
        assert fresh(result.id).status is status


def test_refused_transition_flashes_and_changes_nothing(client):
    user = signed_in_researcher(client)
    result = make_result(user)
    response = post_action(client, result.id, "withdraw")
    assert response.status_code == 302
    assert fresh(result.id).status is ResultStatus.DRAFT
    assert "成果当前为“草稿”，此操作已不适用" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_stale_republish_button_on_a_draft_does_not_publish(client):
    user = signed_in_researcher(client)
    result = make_result(user)
    post_action(client, result.id, "republish")
    assert fresh(result.id).status is ResultStatus.DRAFT


def test_delete_draft_but_not_a_published_result(client):
    user = signed_in_researcher(client)
    draft = make_result(user)
    published = make_result(user, status="published")
    assert post_action(client, draft.id, "delete").headers["Location"] == "/me/"
    assert fresh(draft.id) is None
    post_action(client, published.id, "delete")
    assert fresh(published.id).status is ResultStatus.PUBLISHED


@pytest.mark.parametrize("path", ["/results/new", "/results/{id}/edit", "/results/{id}/publish",
                                  "/results/{id}/withdraw", "/results/{id}/republish", "/results/{id}/delete"])
def test_every_state_changing_post_needs_a_csrf_token(client, path):
    user = signed_in_researcher(client)
    result = make_result(user, status="published" if "republish" in path or "withdraw" in path else "draft")
    if "republish" in path:
        result.status = ResultStatus.WITHDRAWN
        db.session.commit()
    before = (result_count(), fresh(result.id).status)
    response = client.post(path.format(id=result.id), data=result_form(title="不该保存", status="published"))
    assert response.status_code == 400
    assert (result_count(), fresh(result.id).status) == before
    assert fresh(result.id).title != "不该保存"


@pytest.mark.parametrize("value", ["", "abc", "-1", "1e400", "nan", "9" * 400, "<script>", "CN123 授权 额外"])
def test_odd_form_values_are_never_server_errors(client, value):
    signed_in_researcher(client)
    token = csrf_token(client, "/results/new")
    for name in result_form():
        response = client.post("/results/new", data=result_form(csrf_token=token, status="draft", **{name: value}))
        assert response.status_code in (302, 422), (name, value, response.status_code)
