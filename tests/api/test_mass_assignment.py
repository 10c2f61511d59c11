"""Mass assignment: fields a caller may not set — the owner, the organization, ids, timestamps,
statuses only the platform moves to, an organization's verification, a user's role, the amounts
of an accepted bid — are ignored or refused in every body that could carry them, and the row
keeps what the platform decided."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import Bid, CenterProfile, Demand, DemandStatus, Organization, Result, ResultStatus, Role, User, db
from tests.factories import api_token, csrf_token, demand_data, login, make_demand, make_result, make_user, result_data
from tests.poc_factories import make_bid, make_center, make_world, selection

FOREIGN = {"id": 987654, "created_at": "2020-01-01T00:00:00", "updated_at": "2020-01-01T00:00:00",
           "published_at": "2020-01-01T00:00:00"}


def fresh(model, row_id: int):
    db.session.expire_all()
    return db.session.get(model, row_id)


@pytest.mark.parametrize("kind", ["demands", "results"])
def test_a_new_listing_belongs_to_the_caller_whatever_the_body_says(client, kind):
    role, model, data = ((Role.ENTERPRISE, Demand, demand_data) if kind == "demands"
                         else (Role.RESEARCHER, Result, result_data))
    owner, other = make_user(role), make_user(role)
    body = data(status="published") | FOREIGN | {"organization_id": other.organization_id,
                                                  "created_by_id": other.id, "organization": {"id": other.organization_id}}
    answer = client.post(f"/api/v1/{kind}", json=body, headers=api_token(client, owner))
    assert answer.status_code == 201, answer.get_json()
    row = fresh(model, answer.get_json()["id"])
    assert row.id != FOREIGN["id"] and row.organization_id == owner.organization_id and row.created_by_id == owner.id
    assert row.created_at.year > 2020 and row.published_at.year > 2020
    assert db.session.scalar(sa.select(sa.func.count()).select_from(model)
                             .where(model.organization_id == other.organization_id)) == 0


@pytest.mark.parametrize("kind", ["demands", "results"])
def test_an_edit_cannot_move_a_listing_to_another_organization_or_a_platform_status(client, kind):
    role, model, make, final = ((Role.ENTERPRISE, Demand, make_demand, "fulfilled") if kind == "demands"
                                else (Role.RESEARCHER, Result, make_result, "validated"))
    owner, other = make_user(role), make_user(role)
    listing = make(owner, status="published")
    headers = api_token(client, owner)
    moved = client.patch(f"/api/v1/{kind}/{listing.id}", headers=headers,
                         json=FOREIGN | {"organization_id": other.organization_id, "created_by_id": other.id,
                                         "title": "改过标题的清单"})
    assert moved.status_code == 200, moved.get_json()
    row = fresh(model, listing.id)
    assert (row.organization_id, row.created_by_id, row.title) == (owner.organization_id, owner.id, "改过标题的清单")
    assert row.created_at.year > 2020
    finished = client.patch(f"/api/v1/{kind}/{listing.id}", headers=headers, json={"status": final})
    assert finished.status_code in (409, 422), finished.get_json()
    assert fresh(model, listing.id).status in (DemandStatus.PUBLISHED, ResultStatus.PUBLISHED)


def test_a_center_cannot_verify_itself(client):
    center = make_center(verified=False)
    answer = client.patch(f"/api/v1/centers/{center.organization_id}", headers=api_token(client, center),
                          json={"verified": True, "organization": {"verified": True}, "capacity": 2})
    assert answer.status_code == 200, answer.get_json()
    assert fresh(Organization, center.organization_id).verified is False
    assert fresh(CenterProfile, center.organization_id).capacity == 2


def test_registration_takes_no_verification_and_no_other_organization(client):
    existing = make_user(Role.ENTERPRISE)
    answer = client.post("/auth/register", data={
        "csrf_token": csrf_token(client, "/auth/register"), "account_type": "enterprise", "email": "newcomer@example.com",
        "display_name": "新人", "password": "long-enough-pass-7", "confirm": "long-enough-pass-7",
        "organization_name": "新注册机构", "organization_region": "上海市",
        "verified": "y", "is_admin": "1", "organization_id": str(existing.organization_id)})
    assert answer.status_code == 302
    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.email == "newcomer@example.com"))
    assert user.role is Role.ENTERPRISE and user.organization.name == "新注册机构"
    assert user.organization_id != existing.organization_id and user.organization.verified is False


def test_a_profile_edit_changes_neither_role_nor_organization(client):
    user, other = make_user(Role.RESEARCHER), make_user(Role.ENTERPRISE)
    login(client, user)
    answer = client.post("/me/profile", data={"csrf_token": csrf_token(client, "/me/profile"), "display_name": "改名",
                                              "role": "admin", "organization_id": str(other.organization_id)})
    assert answer.status_code == 302
    row = fresh(User, user.id)
    assert row.display_name == "改名"  # the form was taken, the rest of it ignored
    assert row.role is Role.RESEARCHER and row.organization_id == user.organization_id


def test_an_accepted_bid_keeps_its_amounts(client):
    world = make_world()
    center = make_center()
    bid = make_bid(center, world)
    selection.accept_bid(world.enterprise, bid.id)
    selection.accept_bid(world.researcher, bid.id)
    db.session.commit()
    before = fresh(Bid, bid.id)
    cost, revision = before.total_cost, before.revision
    answer = client.patch(f"/api/v1/bids/{bid.id}", headers=api_token(client, center),
                          json={"revision": revision, "total_cost": 1, "status": "submitted"})
    assert answer.status_code == 409, answer.get_json()
    after = fresh(Bid, bid.id)
    assert (after.total_cost, after.revision, after.status.value) == (cost, revision, "accepted")
