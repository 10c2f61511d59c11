"""Operator pages: the organization list and verification."""
from __future__ import annotations

import pytest

from models import Organization, Role, db
from tests.factories import csrf_token, login, make_org, make_user


def verified(org_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(Organization, org_id).verified


def test_admin_sees_organizations(client):
    org = make_org(name="待认证的机构甲")
    login(client, make_user(Role.ADMIN))
    response = client.get("/admin/organizations")
    assert response.status_code == 200
    assert org.name in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER])
def test_organizations_page_is_for_admins_only(client, role):
    login(client, make_user(role))
    assert client.get("/admin/organizations").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/admin/organizations")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_verify_is_idempotent(client):
    org = make_org()
    login(client, make_user(Role.ADMIN))
    for _ in range(2):
        token = csrf_token(client, "/admin/organizations")
        response = client.post(f"/admin/organizations/{org.id}/verify", data={"csrf_token": token})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/organizations")
        assert verified(org.id)


def test_verify_of_an_unknown_organization_is_404(client):
    login(client, make_user(Role.ADMIN))
    token = csrf_token(client, "/admin/organizations")
    assert client.post("/admin/organizations/999999/verify", data={"csrf_token": token}).status_code == 404


def test_verify_by_others_or_without_csrf_changes_nothing(client, new_client):
    org = make_org()
    login(client, make_user(Role.ENTERPRISE))
    token = csrf_token(client, "/me/profile")
    assert client.post(f"/admin/organizations/{org.id}/verify", data={"csrf_token": token}).status_code == 403

    admin = new_client()
    login(admin, make_user(Role.ADMIN))
    assert admin.post(f"/admin/organizations/{org.id}/verify").status_code == 400
    assert not verified(org.id)
