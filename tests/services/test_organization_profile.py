"""An organization's public profile (web and API, anyone): verification, published listings — never
an anonymous demand, a confidential one only as lists show it — and achievements; listings of an
unverified organization say 未认证 wherever its name shows; the platform setting that holds an
unverified organization's listings back until it is verified."""
from __future__ import annotations

import pytest

from marketplace.services import organization_review, organizations, settings
from marketplace.services.errors import Conflict, NotFound, ValidationFailed
from models import AuditEntry, DemandStatus, Role, db
from tests.factories import api_token, csrf_token, login, make_demand, make_result, make_user


def test_the_profile_lists_what_is_public_and_counts_achievements(client):
    owner = make_user(Role.ENTERPRISE)
    public = make_demand(owner, title="公开需求甲", status="published")
    make_demand(owner, title="匿名需求乙", status="published", visibility="anonymous")
    make_demand(owner, title="保密需求丙", status="published", visibility="confidential", summary="保密摘要",
                description="绝密内容：工艺参数 7788，不对外公开的详细描述。")
    make_demand(owner, title="草稿需求丁")
    page = client.get(f"/organizations/{owner.organization_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and owner.organization.name in text
    assert "公开需求甲" in text and "保密需求丙" in text and "保密摘要" in text
    assert "匿名需求乙" not in text and "草稿需求丁" not in text and "7788" not in text
    assert "未认证" in text and "已认证" not in text
    body = client.get(f"/api/v1/organizations/{owner.organization_id}").get_json()
    assert body["verified"] is False and body["counts"]["demands"] == 2
    assert {d["title"] for d in body["demands"]} == {"公开需求甲", "保密需求丙"}
    assert body["demands"][-1]["id"] == public.id  # newest first
    assert set(body["counts"]) == {"demands", "results", "connected_pairings", "completed_validations"}


def test_verified_organizations_say_so_and_unknown_or_operator_profiles_are_404(client):
    researcher = make_user(Role.RESEARCHER)
    make_result(researcher, title="已发布成果", status="published")
    organization_review.verify_organization(make_user(Role.ADMIN), researcher.organization_id)
    db.session.commit()
    text = client.get(f"/organizations/{researcher.organization_id}").get_data(as_text=True)
    assert "已认证" in text and "未认证" not in text and "已发布成果" in text
    admin = make_user(Role.ADMIN)
    for org_id in (admin.organization_id, 999999, 2**31):
        assert client.get(f"/organizations/{org_id}").status_code == 404
        assert client.get(f"/api/v1/organizations/{org_id}").status_code == 404


def test_a_center_profile_is_its_center_page(client):
    center = make_user(Role.CENTER)
    answer = client.get(f"/organizations/{center.organization_id}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/centers/{center.organization_id}")


def test_pairings_of_anonymous_demands_are_not_counted(ctx):
    from tests.factories import make_connected_pairing

    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    result = make_result(researcher, status="published")
    make_connected_pairing(make_demand(enterprise, status="published", visibility="anonymous"), result)
    make_connected_pairing(make_demand(enterprise, status="published"), result)
    assert organizations.public_profile(None, enterprise.organization_id).connected_pairings == 1
    assert organizations.public_profile(None, researcher.organization_id).connected_pairings == 2


def test_listings_say_unverified_in_lists_details_and_search_until_verified(client):
    owner = make_user(Role.ENTERPRISE)
    demand = make_demand(owner, title="激光焊接质量在线检测", status="published")
    for path in ("/demands/", f"/demands/{demand.id}"):
        text = client.get(path).get_data(as_text=True)
        assert "未认证" in text and f"/organizations/{owner.organization_id}" in text, path
    organization_review.verify_organization(make_user(Role.ADMIN), owner.organization_id)
    db.session.commit()
    for path in ("/demands/", f"/demands/{demand.id}"):
        assert "未认证" not in client.get(path).get_data(as_text=True), path


def test_an_anonymous_demand_links_to_no_organization(client):
    owner = make_user(Role.ENTERPRISE)
    demand = make_demand(owner, status="published", visibility="anonymous")
    for path in ("/demands/", f"/demands/{demand.id}"):
        assert f"/organizations/{owner.organization_id}" not in client.get(path).get_data(as_text=True)


def test_held_publishing_keeps_unverified_organizations_to_drafts(client):
    admin, owner = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    assert settings.value("unverified_publishing") == "labelled"
    assert settings.change(admin, {"unverified_publishing": "held", "reason": "试运行结束"}) == ["unverified_publishing"]
    db.session.commit()
    draft = make_demand(owner, title="待发布需求")
    with pytest.raises(Conflict) as refused:
        make_demand(owner, status="published")
    assert refused.value.message == settings.UNVERIFIED_HELD
    db.session.rollback()
    headers = api_token(client, owner)
    answer = client.patch(f"/api/v1/demands/{draft.id}", json={"status": "published"}, headers=headers)
    assert answer.status_code == 409 and "认证后方可发布" in answer.get_json()["error"]["message"]
    organization_review.verify_organization(admin, owner.organization_id)
    db.session.commit()
    assert client.patch(f"/api/v1/demands/{draft.id}", json={"status": "published"}, headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(type(draft), draft.id).status is DemandStatus.PUBLISHED
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "setting.unverified_publishing"))
    assert (entry.actor_id, entry.changes, entry.note) == (admin.id, {"value": ["labelled", "held"]}, "试运行结束")


def test_settings_are_the_operators_and_take_only_their_choices(client):
    member, admin = make_user(Role.ENTERPRISE), make_user(Role.ADMIN)
    with pytest.raises(NotFound):
        settings.change(member, {"unverified_publishing": "held"})
    with pytest.raises(ValidationFailed) as refused:
        settings.change(admin, {"unverified_publishing": "anything"})
    assert set(refused.value.fields) == {"unverified_publishing"}
    assert settings.change(admin, {"unverified_publishing": "labelled"}) == []  # the default already
    login(client, admin)
    token = csrf_token(client, "/admin/settings")
    assert client.post("/admin/settings", data={"csrf_token": token, "unverified_publishing": "bogus"}).status_code == 422
    assert client.post("/admin/settings", data={"csrf_token": token, "unverified_publishing": "held"}).status_code == 302
    assert settings.value("unverified_publishing") == "held"
    assert 'value="held" checked' in client.get("/admin/settings").get_data(as_text=True)
