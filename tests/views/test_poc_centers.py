"""Center pages: the list with its filters, the public profile with completed validations from the
platform's records, and the center's own profile form (who may use it, errors on their fields)."""
from __future__ import annotations

from marketplace.services.poc import reports
from models import CenterProfile, CenterQualification, OrgKind, QualificationKind, Role, db
from tests.factories import make_org, make_user
from tests.poc_factories import engage, make_center, make_world
from tests.poc_web import activate, approve_all, browser, count, post, text

PROFILE = {"summary": "专注医疗器械的概念验证中心。", "fields": ["medical_devices", "biomed"],
           "services": ["technical_validation", "testing"], "equipment": "生物相容性实验室",
           "capacity": "4", "fund_size": "3000", "typical_ticket": "60", "region": "杭州市", "alert_min_fit": "40",
           "qualifications-0-kind": "cma", "qualifications-0-number": "CMA 2024-001",
           "qualifications-0-scope": "医疗器械检测", "qualifications-1-kind": "", "qualifications-1-number": "",
           "qualifications-1-scope": ""}


def test_the_list_shows_centers_and_filters_by_field_and_service(client):
    energy = make_center()
    medical = make_center(fields=["medical_devices"], services=["prototyping"])
    everyone = text(client.get("/centers/"))
    assert energy.organization.name in everyone and medical.organization.name in everyone
    by_field = text(client.get("/centers/?field=medical_devices"))
    assert medical.organization.name in by_field and energy.organization.name not in by_field
    by_service = text(client.get("/centers/?service=testing"))
    assert energy.organization.name in by_service and medical.organization.name not in by_service
    assert "没有符合筛选条件" in text(client.get("/centers/?field=bci"))


def test_the_public_profile_shows_qualifications_capacity_and_completed_validations(ctx, client):
    world = make_world()
    engagement, center = engage(world, make_center(capacity=2))
    activate(engagement, center)
    approve_all(engagement, center, world.enterprise)
    reports.file_report(center, engagement.id, {"technical_verdict": "feasible", "market_verdict": "infeasible",
                                                "trl_before": 4, "trl_after": 6, "recommendation": "license",
                                                "summary": "技术可行，市场不可行。"})
    reports.accept_report(world.enterprise, engagement.id)
    reports.accept_report(world.researcher, engagement.id)
    db.session.commit()
    page = client.get(f"/centers/{center.organization_id}")
    body = text(page)
    assert page.status_code == 200 and "CNAS L12345" in body and "电池安全检测" in body
    assert "平台已认证" in body and "5,000" not in body  # no fund size given: shown as —
    assert world.pairing.result.title in body and "技术可行" in body and "市场不可行" in body
    assert "TRL 4 → 6" in body and "建议许可转化" in body
    assert "2 个项目" in body and "2 个" in body.split("当前空闲")[1][:40]  # completed: capacity free again


def test_a_center_without_profile_and_a_non_center_organization(client):
    bare = make_org(OrgKind.CENTER)
    assert "还没有填写能力档案" in text(client.get(f"/centers/{bare.id}"))
    assert client.get(f"/centers/{make_org(OrgKind.ENTERPRISE).id}").status_code == 404
    assert client.get("/centers/99999").status_code == 404


def test_a_center_creates_its_profile_and_empty_qualification_rows_are_ignored(ctx):
    user = make_user(Role.CENTER)
    web = browser(ctx, user)
    form = web.get("/centers/profile")
    assert form.status_code == 200 and "本中心的能力档案" in text(form)
    response = post(web, "/centers/profile", **PROFILE)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/centers/{user.organization_id}")
    db.session.rollback()
    profile = db.session.get(CenterProfile, user.organization_id)
    assert profile.fields == ["medical_devices", "biomed"] and profile.capacity == 4 and profile.alert_min_fit == 0.4
    assert [(q.kind, q.number) for q in profile.qualifications] == [(QualificationKind.CMA, "CMA 2024-001")]
    again = text(web.get("/centers/profile"))
    assert 'value="CMA 2024-001"' in again and 'value="杭州市"' in again


def test_profile_errors_come_back_on_their_fields_and_nothing_is_written(ctx):
    user = make_user(Role.CENTER)
    web = browser(ctx, user)
    bad = PROFILE | {"services": [], "capacity": "0", "qualifications-0-number": ""}
    response = post(web, "/centers/profile", **bad)
    body = text(response)
    assert response.status_code == 422
    assert body.count('class="error"') >= 3 and "请至少选择一项服务" in body and "1–1000" in body
    assert "此项必填" in body.split('name="qualifications-0-number"')[1][:300]  # the row's own cell
    assert count(CenterProfile) == 0 and count(CenterQualification) == 0


def test_only_center_staff_use_the_profile_form_and_csrf_is_required(ctx):
    enterprise = browser(ctx, make_user(Role.ENTERPRISE))
    assert enterprise.get("/centers/profile").status_code == 403
    assert post(enterprise, "/centers/profile", **PROFILE).status_code == 403
    center = browser(ctx, make_user(Role.CENTER))
    assert center.post("/centers/profile", data=PROFILE).status_code == 400
    assert count(CenterProfile) == 0


def test_the_own_profile_page_offers_editing_only_to_its_staff(ctx, client):
    center = make_center()
    assert "编辑能力档案" in text(browser(ctx, center).get(f"/centers/{center.organization_id}"))
    assert "编辑能力档案" not in text(client.get(f"/centers/{center.organization_id}"))
    other = browser(ctx, make_center())
    assert "编辑能力档案" not in text(other.get(f"/centers/{center.organization_id}"))
