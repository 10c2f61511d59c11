"""Center profiles: who may edit them, what they must hold, what the public view counts."""
import pytest

from marketplace.services.errors import NotFound, PermissionDenied, ValidationFailed
from marketplace.services.poc import centers
from models import CenterProfile, OrgKind, Role, db
from tests.factories import make_org, make_user
from tests.poc_factories import engage, make_center, make_world, sign_all

PROFILE = {"summary": "新材料中试验证", "fields": ["new_materials"], "services": ["testing"], "capacity": 2}


def test_a_center_creates_and_edits_its_own_profile(ctx):
    org = make_org(OrgKind.CENTER)
    staff = make_user(Role.CENTER, organization=org)
    profile = centers.update_profile(staff, org.id, PROFILE | {"qualifications": [
        {"kind": "cma", "number": "CMA 2023-001", "scope": "材料力学性能"}]})
    db.session.commit()
    assert profile.fields == ["new_materials"] and profile.capacity == 2
    assert [(q.kind.value, q.number) for q in profile.qualifications] == [("cma", "CMA 2023-001")]
    centers.update_profile(staff, org.id, {"capacity": 5})  # PATCH: the rest is kept
    db.session.commit()
    assert profile.capacity == 5 and profile.fields == ["new_materials"] and len(profile.qualifications) == 1


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.ADMIN, Role.CENTER])
def test_nobody_else_edits_a_profile(ctx, role):
    org = make_org(OrgKind.CENTER)
    with pytest.raises(PermissionDenied):
        centers.update_profile(make_user(role), org.id, PROFILE)
    assert db.session.get(CenterProfile, org.id) is None


def test_only_center_organizations_have_profiles(ctx):
    enterprise = make_user(Role.ENTERPRISE)
    with pytest.raises(NotFound):
        centers.update_profile(enterprise, enterprise.organization_id, PROFILE)
    with pytest.raises(NotFound):
        centers.center_view(2**40)


@pytest.mark.parametrize("change, field", [
    ({"fields": []}, "fields"), ({"fields": ["no_such_field"]}, "fields"), ({"services": ["magic"]}, "services"),
    ({"services": []}, "services"), ({"capacity": 0}, "capacity"), ({"capacity": "3.5"}, "capacity"),
    ({"capacity": True}, "capacity"), ({"summary": ""}, "summary"), ({"fund_size": -1}, "fund_size"),
    ({"alert_min_fit": 1.5}, "alert_min_fit"), ({"qualifications": [{"kind": "iso", "number": "1"}]},
                                                "qualifications.0.kind"),
    ({"qualifications": [{"kind": "cnas", "number": ""}]}, "qualifications.0.number"),
    ({"qualifications": "CNAS"}, "qualifications"),
])
def test_profile_rules_name_the_field(ctx, change, field):
    org = make_org(OrgKind.CENTER)
    with pytest.raises(ValidationFailed) as error:
        centers.update_profile(make_user(Role.CENTER, organization=org), org.id, PROFILE | change)
    assert field in error.value.fields


def test_the_public_view_counts_running_and_completed_engagements_from_the_records(ctx):
    world = make_world()
    engagement, center = engage(world)
    view = centers.center_view(center.organization_id)
    assert (view.running, view.free_capacity, view.completed) == (1, 2, [])
    sign_all(engagement, center)
    assert centers.running_engagements(center.organization_id) == 1


def test_list_filters_by_field_and_service(ctx):
    battery = make_center()
    materials = make_center(fields=["new_materials"], services=["pilot_scaling"])
    ids = lambda page: [p.organization_id for p in page.items]  # noqa: E731
    assert set(ids(centers.list_centers(1, 20))) == {battery.organization_id, materials.organization_id}
    assert ids(centers.list_centers(1, 20, field="new_materials")) == [materials.organization_id]
    assert ids(centers.list_centers(1, 20, service="testing")) == [battery.organization_id]
    assert centers.list_centers(1, 20, field="ai").total == 0
