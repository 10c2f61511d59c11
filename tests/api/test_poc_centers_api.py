"""API: PoC centers' public profiles — list with filters, the detail with capacity and completed
validations (from the platform's own records), and PATCH by the center's own staff only."""
from __future__ import annotations

import pytest

from marketplace.services.poc import reports
from marketplace.services.poc.uploads import UploadStore
from models import CenterProfile, OrgKind, Role, db
from tests.api.poc_api import REPORT, Api, all_approved, count, error, ok
from tests.factories import make_org, make_user
from tests.poc_factories import make_center


@pytest.fixture
def api(ctx):
    return Api(ctx)


PROFILE = {"summary": "生物医药概念验证中心。", "fields": ["biomed"], "services": ["technical_validation", "testing"],
           "capacity": 2, "equipment": "GMP 中试车间", "fund_size": 5000, "typical_ticket": 200, "region": "苏州市",
           "qualifications": [{"kind": "cma", "number": "CMA 2024-001", "scope": "药物分析"}]}


def test_anyone_lists_centers_verified_first_with_filters(api):
    unverified = make_center(verified=False, fields=["biomed"])
    verified = make_center(services=["technical_validation", "market_validation"])
    body = ok(api.get("/centers", None))
    assert [c["id"] for c in body["items"]] == [verified.organization_id, unverified.organization_id]
    assert (body["total"], body["page"]) == (2, 1)
    item = body["items"][0]
    assert item["verified"] is True and item["fields"] == ["new_energy"] and item["capacity"] == 3
    assert item["free_capacity"] == 3 and item["running_engagements"] == 0 and "completed_validations" not in item
    assert [c["id"] for c in ok(api.get("/centers?field=biomed", None))["items"]] == [unverified.organization_id]
    assert [c["id"] for c in ok(api.get("/centers?service=testing", None))["items"]] == [unverified.organization_id]
    assert ok(api.get("/centers?field=biomed&service=prototyping", None))["total"] == 0
    assert [c["id"] for c in ok(api.get("/centers?per_page=1&page=2", None))["items"]] == [unverified.organization_id]


def test_list_bad_cases(api):
    assert "per_page" in error(api.get("/centers?per_page=500", None), 422, "validation_error")["fields"]
    error(api.client.get("/api/v1/centers", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")


def test_a_center_profile_shows_capacity_and_completed_validations(api, tmp_path):
    world, engagement, center = all_approved(UploadStore(tmp_path, 1024))
    reports.file_report(center, engagement.id, REPORT)
    reports.accept_report(world.enterprise, engagement.id)
    reports.accept_report(world.researcher, engagement.id)
    db.session.commit()
    body = ok(api.get(f"/centers/{center.organization_id}", None))
    assert body["name"] == center.organization.name and body["verified"] is True
    assert body["qualifications"] == [{"kind": "cnas", "number": "CNAS L12345", "scope": "电池安全检测"}]
    assert body["services"] == ["technical_validation", "market_validation", "testing"]
    assert body["equipment"] == "电池热失控试验舱、加速量热仪" and body["region"] == "上海市"
    assert (body["running_engagements"], body["free_capacity"]) == (0, 3)
    [done] = body["completed_validations"]
    assert done["engagement_id"] == engagement.id and done["result"]["title"] == world.pairing.result.title
    assert (done["technical_verdict"], done["market_verdict"], done["recommendation"]) == \
        ("feasible", "inconclusive", "pilot")
    assert (done["trl_before"], done["trl_after"]) == (4, 6) and done["completed_at"].endswith("Z")


def test_running_engagements_use_up_free_capacity(api, tmp_path):
    _, _, center = all_approved(UploadStore(tmp_path, 1024))
    body = ok(api.get(f"/centers/{center.organization_id}", None))
    assert (body["running_engagements"], body["free_capacity"], body["completed_validations"]) == (1, 2, [])


def test_only_center_organizations_have_a_profile_page(api):
    company = make_org(OrgKind.ENTERPRISE)
    error(api.get(f"/centers/{company.id}", None), 404, "not_found")
    error(api.get("/centers/99999999999", None), 404, "not_found")


def test_center_staff_create_the_profile_with_the_first_patch(api):
    org = make_org(OrgKind.CENTER, verified=True)
    staff = make_user(Role.CENTER, organization=org)
    assert ok(api.get(f"/centers/{org.id}", None))["has_profile"] is False
    body = ok(api.patch(f"/centers/{org.id}", staff, PROFILE))
    assert body["has_profile"] is True and body["fields"] == ["biomed"] and body["capacity"] == 2
    assert body["qualifications"] == [{"kind": "cma", "number": "CMA 2024-001", "scope": "药物分析"}]
    assert (body["fund_size"], body["typical_ticket"]) == (5000, 200)
    assert count(CenterProfile) == 1


def test_patch_keeps_what_it_does_not_name(api):
    center = make_center()
    body = ok(api.patch(f"/centers/{center.organization_id}", center, {"capacity": 7, "region": "杭州市"}))
    assert (body["capacity"], body["region"]) == (7, "杭州市")
    assert body["fields"] == ["new_energy"] and body["qualifications"][0]["number"] == "CNAS L12345"


def test_patch_bad_input_names_the_fields(api):
    center = make_center()
    fields = error(api.patch(f"/centers/{center.organization_id}", center,
                             {"capacity": 0, "services": ["teleportation"], "fields": [],
                              "qualifications": [{"kind": "iso", "number": ""}]}),
                   422, "validation_error")["fields"]
    assert {"capacity", "services", "fields", "qualifications.0.kind", "qualifications.0.number"} <= set(fields)
    error(api.patch(f"/centers/{center.organization_id}", center, None, data="x"), 422, "validation_error")
    assert ok(api.get(f"/centers/{center.organization_id}", None))["capacity"] == 3


def test_a_first_patch_needs_the_required_fields(api):
    org = make_org(OrgKind.CENTER)
    staff = make_user(Role.CENTER, organization=org)
    fields = error(api.patch(f"/centers/{org.id}", staff, {"capacity": 2}), 422, "validation_error")["fields"]
    assert {"summary", "fields", "services"} <= set(fields)
    assert count(CenterProfile) == 0


def test_only_the_centers_own_staff_edit(api):
    center, other_center = make_center(), make_center()
    path = f"/centers/{center.organization_id}"
    error(api.patch(path, other_center, {"capacity": 9}), 403, "forbidden")
    error(api.patch(path, make_user(Role.ENTERPRISE), {"capacity": 9}), 403, "forbidden")
    colleague_without_role = make_user(Role.RESEARCHER, organization=center.organization)
    error(api.patch(path, colleague_without_role, {"capacity": 9}), 403, "forbidden")
    error(api.patch(path, None, {"capacity": 9}), 401, "unauthorized")
    error(api.patch(f"/centers/{make_org(OrgKind.ENTERPRISE).id}", center, {"capacity": 9}), 404, "not_found")
    assert ok(api.get(path, None))["capacity"] == 3
