"""The operators' review of organizations: verify, reject with a reason the organization reads,
revoke a verification with a reason; only operators (everyone else: 404, nothing changes), a
reason required, each move only from the state it starts from, on the web and through the API."""
from __future__ import annotations

import pytest

from marketplace.services import organization_review
from marketplace.services.errors import Conflict, NotFound, ValidationFailed
from models import Organization, Role, db
from tests.factories import api_token, csrf_token, login, make_org, make_user


def fresh(org_id: int) -> Organization:
    db.session.expire_all()
    return db.session.get(Organization, org_id)


def state(org_id: int) -> tuple:
    org = fresh(org_id)
    return org.review_status, org.verified, org.rejected_at is not None, org.review_note


def test_reject_then_verify_then_revoke(ctx):
    admin, org = make_user(Role.ADMIN), make_org()
    organization_review.reject_organization(admin, org.id, "  营业执照与名称不符  ")
    db.session.commit()
    assert state(org.id) == ("rejected", False, True, "营业执照与名称不符")
    organization_review.verify_organization(admin, org.id)
    db.session.commit()
    assert state(org.id) == ("verified", True, False, "")  # the rejection is cleared
    organization_review.revoke_verification(admin, org.id, "机构已注销")
    db.session.commit()
    assert state(org.id) == ("pending", False, False, "机构已注销")


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER])
def test_only_operators_review_and_others_learn_nothing(ctx, role):
    member, org = make_user(role), make_org()
    for move in (lambda: organization_review.verify_organization(member, org.id),
                 lambda: organization_review.reject_organization(member, org.id, "理由"),
                 lambda: organization_review.revoke_verification(member, org.id, "理由")):
        with pytest.raises(NotFound):
            move()
    assert state(org.id) == ("pending", False, False, "")


@pytest.mark.parametrize("reason", [None, "", "   ", "长" * 501, 5, ["理由"]])
def test_a_reason_is_required_and_bounded(ctx, reason):
    admin, org = make_user(Role.ADMIN), make_org()
    with pytest.raises(ValidationFailed) as refused:
        organization_review.reject_organization(admin, org.id, reason)
    assert set(refused.value.fields) == {"reason"}
    db.session.rollback()
    assert state(org.id) == ("pending", False, False, "")


def test_each_move_only_from_its_state(ctx):
    admin, org = make_user(Role.ADMIN), make_org()
    with pytest.raises(Conflict):
        organization_review.revoke_verification(admin, org.id, "理由")  # not verified
    organization_review.verify_organization(admin, org.id)
    db.session.commit()
    with pytest.raises(Conflict):
        organization_review.reject_organization(admin, org.id, "理由")  # verified: revoke instead
    db.session.rollback()
    organization_review.verify_organization(admin, org.id)  # again: nothing changes
    assert state(org.id) == ("verified", True, False, "")


def test_unknown_and_huge_ids_are_not_found(ctx):
    admin = make_user(Role.ADMIN)
    for org_id in (0, 99999, 2**31, 2**63):
        with pytest.raises(NotFound):
            organization_review.reject_organization(admin, org_id, "理由")


def test_the_console_rejects_and_revokes_and_the_organization_reads_why(client, new_client):
    member = make_user(Role.ENTERPRISE)
    org_id = member.organization_id
    login(client, make_user(Role.ADMIN))
    token = csrf_token(client, "/admin/organizations")
    page = client.get("/admin/organizations").get_data(as_text=True)
    assert f"/admin/organizations/{org_id}/reject" in page and "/revoke" not in page
    response = client.post(f"/admin/organizations/{org_id}/reject", data={"csrf_token": token, "reason": ""})
    assert response.status_code == 302 and state(org_id)[0] == "pending"  # refused: a reason is required
    client.post(f"/admin/organizations/{org_id}/reject", data={"csrf_token": token, "reason": "营业执照与名称不符"})
    assert state(org_id)[0] == "rejected"
    assert "驳回原因：营业执照与名称不符" in client.get("/admin/organizations").get_data(as_text=True)
    browser = new_client()
    login(browser, member)
    workspace = browser.get("/me/").get_data(as_text=True)
    assert "认证未通过" in workspace and "平台未通过本机构的认证：营业执照与名称不符" in workspace
    client.post(f"/admin/organizations/{org_id}/verify", data={"csrf_token": token})
    client.post(f"/admin/organizations/{org_id}/revoke", data={"csrf_token": token, "reason": "机构已注销"})
    assert state(org_id) == ("pending", False, False, "机构已注销")
    assert "平台撤销了本机构的认证：机构已注销" in browser.get("/me/").get_data(as_text=True)


def test_the_console_refuses_members_and_needs_a_csrf_token(client):
    org = make_org()
    login(client, make_user(Role.ENTERPRISE))
    token = csrf_token(client, "/me/profile")
    assert client.post(f"/admin/organizations/{org.id}/reject", data={"csrf_token": token, "reason": "x"}).status_code == 403
    login(client, make_user(Role.ADMIN))
    assert client.post(f"/admin/organizations/{org.id}/reject", data={"reason": "x"}).status_code == 400
    assert state(org.id)[0] == "pending"


def test_the_api_rejects_and_revokes(client):
    org = make_org()
    headers = api_token(client, make_user(Role.ADMIN))
    member = api_token(client, make_user(Role.ENTERPRISE))
    assert client.post(f"/api/v1/organizations/{org.id}/reject", json={"reason": "x"}, headers=member).status_code == 404
    refused = client.post(f"/api/v1/organizations/{org.id}/reject", json={}, headers=headers)
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"reason"}
    body = client.post(f"/api/v1/organizations/{org.id}/reject", json={"reason": "资料不全"}, headers=headers).get_json()
    assert (body["id"], body["review_status"], body["review_note"], body["verified"]) == (org.id, "rejected", "资料不全", False)
    assert body["rejected_at"] and body["similar_to"] is None
    assert client.post(f"/api/v1/organizations/{org.id}/revoke", json={"reason": "x"}, headers=headers).status_code == 409
    client.post(f"/api/v1/organizations/{org.id}/verify", headers=headers)
    body = client.post(f"/api/v1/organizations/{org.id}/revoke", json={"reason": "机构已注销"}, headers=headers).get_json()
    assert (body["review_status"], body["review_note"], body["rejected_at"]) == ("pending", "机构已注销", None)
    assert state(org.id) == ("pending", False, False, "机构已注销")
