"""Look-alike organization names (services/lookalike.py): a table of name pairs that must be taken
for the same organization and of pairs that must not, the ranking of candidates, and what a
registration under a look-alike name does: it is created, marked with the organization it looks
like, the new user is told, and the operators see the mark until they verify it."""
from __future__ import annotations

import pytest

from marketplace.services import accounts
from marketplace.services.lookalike import lookalikes, normalized
from models import Organization, OrgKind, Role, db
from tests.factories import csrf_token, login, make_org, make_user
from tests.views.test_auth import register_form

LOOK_ALIKE = [
    ("沪东智造装备有限公司（演示）", "沪东智造装备有限公司"),  # a bracketed remark
    ("沪东智造装备有限公司(演示)", "沪东智造装备有限公司"),  # half-width brackets
    ("沪东智造装备股份有限公司", "沪东智造装备有限公司"),  # another legal form
    ("沪东智造装备集团", "沪东智造装备"),
    ("ＡＢＣ科技有限公司", "ABC科技有限公司"),  # full-width letters
    ("abc 科技 有限公司", "ABC科技有限公司"),  # case and spaces
    ("宁德时代新能源科技股份有限公司", "宁德时代新能源科技有限公司"),
    ("Acme Co., Ltd.", "ACME Inc"),
    ("上海·沪东智造装备有限公司", "上海沪东智造装备有限公司"),  # punctuation
]
DIFFERENT = [
    ("上海交通大学", "复旦大学"),
    ("上海大学", "上海交通大学"),
    ("浙江大学", "浙江工业大学"),
    ("华为技术有限公司", "华为终端有限公司"),
    ("中科院上海微系统所", "中科院上海光机所"),
    ("测试机构1", "测试机构2"),
    ("有限公司", "股份有限公司"),  # nothing left but the legal form: compared as written
]


@pytest.mark.parametrize(("new", "existing"), LOOK_ALIKE)
def test_names_taken_for_the_same_organization(ctx, new, existing):
    org = make_org(name=existing)
    assert [o.id for o in lookalikes(new)] == [org.id], (normalized(new), normalized(existing))


@pytest.mark.parametrize(("new", "existing"), DIFFERENT)
def test_names_of_different_organizations(ctx, new, existing):
    make_org(name=existing)
    assert lookalikes(new) == []


def test_normalization_keeps_what_tells_names_apart():
    assert normalized("沪东智造装备有限公司（演示）") == "沪东智造装备"
    assert normalized("ＡＢＣ Co., Ltd.") == "abc"
    assert normalized("有限公司") == "有限"  # a name of legal forms alone is never removed to nothing
    assert normalized("") == ""


def test_candidates_come_closest_first_and_the_organization_itself_is_left_out(ctx):
    exact = make_org(name="沪东智造装备有限公司")
    near = make_org(name="沪东智造装备制造有限公司")
    plant = make_org(name="沪东智造装备制造厂")
    make_org(name="复旦大学")
    assert [o.id for o in lookalikes("沪东智造装备股份有限公司", limit=5)] == [exact.id]
    # 沪东智造装备制造: the same name (100), then 沪东智造装备制造厂 (94); 沪东智造装备 (86) is below the threshold
    assert [o.id for o in lookalikes("沪东智造装备制造股份有限公司", limit=5)] == [near.id, plant.id]
    assert [o.id for o in lookalikes("沪东智造装备制造股份有限公司", limit=1)] == [near.id]
    assert lookalikes("沪东智造装备有限公司", exclude_id=exact.id) == []


def registration(**organization) -> dict:
    return {"email": "new@example.com", "password": "long-enough-pass-7", "display_name": "王工", "role": "enterprise",
            "organization": {"name": "沪东智造装备有限公司（演示）", "kind": "enterprise", "region": "上海市"} | organization}


def test_a_registration_under_a_look_alike_name_is_created_and_marked(ctx):
    existing = make_org(name="沪东智造装备有限公司")
    user = accounts.register_user(registration())
    db.session.commit()
    assert user.organization.name == "沪东智造装备有限公司（演示）"
    assert user.organization.similar_to_id == existing.id and not user.organization.verified


def test_a_registration_under_a_new_name_is_not_marked(ctx):
    make_org(name="沪东智造装备有限公司")
    user = accounts.register_user(registration(name="苏州新能科技有限公司"))
    db.session.commit()
    assert user.organization.similar_to_id is None


def test_the_new_user_is_told_and_the_operators_see_the_mark(client, new_client):
    existing = make_org(name="沪东智造装备有限公司", kind=OrgKind.ENTERPRISE)
    data = register_form(csrf_token=csrf_token(client, "/auth/register"), organization_name="沪东智造装备有限公司（演示）")
    response = client.post("/auth/register", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "可能已存在：沪东智造装备有限公司" in page and "flash-warning" in page
    db.session.rollback()
    marked = db.session.scalar(db.select(Organization).where(Organization.name == "沪东智造装备有限公司（演示）"))
    assert marked.similar_to_id == existing.id
    admin = new_client()
    login(admin, make_user(Role.ADMIN))
    listing = admin.get("/admin/organizations").get_data(as_text=True)
    assert "疑似重复：沪东智造装备有限公司" in listing
    admin.post(f"/admin/organizations/{marked.id}/verify",
               data={"csrf_token": csrf_token(admin, "/admin/organizations")})
    assert "疑似重复" not in admin.get("/admin/organizations").get_data(as_text=True)  # checked and verified


def test_a_registration_under_a_new_name_says_nothing_of_look_alikes(client):
    make_org(name="沪东智造装备有限公司")
    data = register_form(csrf_token=csrf_token(client, "/auth/register"))
    page = client.post("/auth/register", data=data, follow_redirects=True).get_data(as_text=True)
    assert "注册成功" in page and "可能已存在" not in page


def test_deleting_the_look_alike_leaves_the_mark_empty(ctx):
    existing = make_org(name="沪东智造装备有限公司")
    user = accounts.register_user(registration())
    db.session.commit()
    org_id = user.organization_id
    db.session.execute(db.update(Organization).where(Organization.id == org_id).values(similar_to_id=existing.id))
    db.session.delete(existing)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Organization, org_id).similar_to_id is None
