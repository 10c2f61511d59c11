"""Operator onboarding (POST /users), organization verification, the field taxonomy."""
from __future__ import annotations

import pytest

from models import Organization, OrgKind, Role, User, db
from tests.factories import PASSWORD, api_token, make_org, make_user

FIELD_CODES = ["ic", "ai", "biomed", "medical_devices", "new_materials", "new_energy", "smart_manufacturing",
               "low_altitude", "optoelectronics", "environment", "textiles", "agriculture", "bci", "cell_gene",
               "silicon_photonics", "semiconductor_4g", "fintech", "blockchain"]


def new_user(**overrides) -> dict:
    return {"email": "onboard@example.com", "password": "onboarding-pass-1", "role": "researcher",
            "display_name": "李老师",
            "organization": {"name": "华东理工示范大学", "kind": "university", "region": "上海市"}} | overrides


def users_named(email: str) -> list[User]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(User).where(User.email == email)))


def test_admin_creates_a_user_and_a_new_organization(client):
    response = client.post("/api/v1/users", json=new_user(), headers=api_token(client, make_user(Role.ADMIN)))

    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "onboard@example.com" and body["role"] == "researcher" and body["id"]
    assert body["organization"]["name"] == "华东理工示范大学" and body["organization"]["kind"] == "university"
    [user] = users_named("onboard@example.com")
    assert user.id == body["id"] and user.password_hash != "onboarding-pass-1"
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": "onboarding-pass-1"}).status_code == 201


def test_admin_adds_a_user_to_an_existing_organization_found_by_name(client):
    org = make_org(name="华东理工示范大学", kind=OrgKind.UNIVERSITY)
    response = client.post("/api/v1/users", json=new_user(organization={"name": "华东理工示范大学"}),
                           headers=api_token(client, make_user(Role.ADMIN)))
    assert response.status_code == 201
    assert response.get_json()["organization"]["id"] == org.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Organization)
                             .where(Organization.name == "华东理工示范大学")) == 1


def test_existing_organization_of_the_wrong_kind_is_refused(client):
    make_org(name="某某科技公司")
    response = client.post("/api/v1/users", json=new_user(organization={"name": "某某科技公司"}),
                           headers=api_token(client, make_user(Role.ADMIN)))
    assert response.status_code == 422
    assert "organization.kind" in response.get_json()["error"]["fields"]
    assert users_named("onboard@example.com") == []


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER])
def test_non_admins_may_not_create_users(client, role):
    response = client.post("/api/v1/users", json=new_user(), headers=api_token(client, make_user(role)))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert users_named("onboard@example.com") == []


def test_create_user_needs_a_token(client):
    assert client.post("/api/v1/users", json=new_user()).status_code == 401


@pytest.mark.parametrize("overrides, fields", [
    ({"email": "not-an-email"}, {"email"}),
    ({"password": "short"}, {"password"}),
    ({"password": "password123"}, {"password"}),
    ({"role": "admin"}, {"role"}),
    ({"role": None}, {"role"}),
    ({"organization": None}, {"organization"}),
    ({"organization": "华东理工示范大学"}, {"organization"}),
    ({"organization": {"name": "", "kind": "university"}}, {"organization.name"}),
    ({"organization": {"name": "新机构", "kind": "planet"}}, {"organization.kind"}),
    ({"email": "", "password": "", "role": ""}, {"email", "password", "role"}),
])
def test_validation_errors_name_each_field(client, overrides, fields):
    response = client.post("/api/v1/users", json=new_user(**overrides), headers=api_token(client, make_user(Role.ADMIN)))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert fields <= set(error["fields"])
    assert users_named("onboard@example.com") == []


def test_duplicate_email_is_refused(client):
    admin = make_user(Role.ADMIN)
    response = client.post("/api/v1/users", json=new_user(email=admin.email), headers=api_token(client, admin))
    assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"]


def test_admin_verifies_an_organization(client):
    org = make_org()
    headers = api_token(client, make_user(Role.ADMIN))
    for _ in range(2):  # idempotent
        response = client.post(f"/api/v1/organizations/{org.id}/verify", headers=headers)
        assert response.status_code == 200
        assert response.get_json() | {"verified": True} == response.get_json()
        assert response.get_json()["id"] == org.id
    db.session.expire_all()
    assert db.session.get(Organization, org.id).verified


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER])
def test_others_get_404_on_verify(client, role):
    org = make_org()
    response = client.post(f"/api/v1/organizations/{org.id}/verify", headers=api_token(client, make_user(role)))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    db.session.expire_all()
    assert not db.session.get(Organization, org.id).verified


def test_verify_unknown_organization_is_404(client):
    response = client.post("/api/v1/organizations/999999/verify", headers=api_token(client, make_user(Role.ADMIN)))
    assert response.status_code == 404


def test_verify_needs_a_token(client):
    assert client.post(f"/api/v1/organizations/{make_org().id}/verify").status_code == 401


def test_fields_lists_the_taxonomy_of_api_md(client):
    response = client.get("/api/v1/fields")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [item["code"] for item in items] == FIELD_CODES
    assert all(item["name_zh"] and item["name_en"] for item in items)
    assert {"code": "ai", "name_zh": "人工智能"}.items() <= next(i for i in items if i["code"] == "ai").items()


def test_login_still_works_with_the_factory_password(client):
    """Guards the factories the other tests rely on."""
    assert client.post("/api/v1/tokens", json={"email": make_user().email, "password": PASSWORD}).status_code == 201
