"""Accounts and organizations: registration, authentication, onboarding, profile, passwords."""
from datetime import timedelta

import pytest

from marketplace.services import accounts, organization_review
from marketplace.services.errors import (
    NotFound,
    PermissionDenied,
    Unauthorized,
    ValidationFailed,
)
from marketplace.services.sessions import issue_token, resolve_token
from models import Organization, OrgKind, Role, TokenKind, User, db

from ..factories import PASSWORD, make_org, make_user

NEW_PASSWORD = "another-good-pass-77"


def signup(**overrides) -> dict:
    """A valid self-service registration payload."""
    organization = {"name": "苏州微纳传感科技有限公司", "kind": "enterprise", "region": "江苏省苏州市"}
    organization |= overrides.pop("organization", {})
    return {"email": "wang.fang@example.com", "password": PASSWORD, "role": "enterprise",
            "display_name": "王芳", "organization": organization} | overrides


def counts() -> tuple[int, int]:
    """(users, organizations) as the database sees them (autoflushes anything pending)."""
    return (db.session.scalar(db.select(db.func.count(User.id))),
            db.session.scalar(db.select(db.func.count(Organization.id))))


def refused(call, *args, error=ValidationFailed) -> dict:
    """Run ``call``, expect ``error``, return its fields."""
    with pytest.raises(error) as info:
        call(*args)
    return info.value.fields


# --- register_user ---------------------------------------------------------------------------

def test_register_creates_organization_and_user(ctx):
    user = accounts.register_user(signup())
    db.session.commit()
    assert counts() == (1, 1)
    assert user.email == "wang.fang@example.com" and user.role is Role.ENTERPRISE and user.is_active
    assert user.display_name == "王芳"
    org = user.organization
    assert (org.name, org.kind, org.region, org.verified) == ("苏州微纳传感科技有限公司", OrgKind.ENTERPRISE, "江苏省苏州市", False)
    assert user.password_hash != PASSWORD and accounts.authenticate(user.email, PASSWORD) == user


@pytest.mark.parametrize("role, kind", [("researcher", "university"), ("researcher", "institute"), ("center", "center")])
def test_register_other_self_service_roles(ctx, role, kind):
    user = accounts.register_user(signup(role=role, organization={"kind": kind}))
    assert user.role is Role(role) and user.organization.kind is OrgKind(kind)


def test_register_stores_email_lower_case_and_defaults_display_name(ctx):
    user = accounts.register_user(signup(email="  Wang.Fang@Example.COM ", display_name=""))
    assert user.email == "wang.fang@example.com"
    assert user.display_name == "wang.fang"


def test_register_duplicate_email_is_refused_in_any_case(ctx):
    make_user(email="wang.fang@example.com")
    before = counts()
    fields = refused(accounts.register_user, signup(email="WANG.FANG@example.com", organization={"name": "另一家公司"}))
    assert set(fields) == {"email"}
    assert counts() == before


def test_register_with_existing_organization_name_is_refused(ctx):
    make_org(name="苏州微纳传感科技有限公司")
    before = counts()
    fields = refused(accounts.register_user, signup())
    assert set(fields) == {"organization.name"}
    assert counts() == before


@pytest.mark.parametrize("role, kind", [
    ("enterprise", "university"), ("researcher", "enterprise"), ("center", "institute"), ("researcher", "service"),
])
def test_register_role_and_organization_kind_must_match(ctx, role, kind):
    fields = refused(accounts.register_user, signup(role=role, organization={"kind": kind}))
    assert set(fields) == {"organization.kind"}
    assert counts() == (0, 0)


def test_register_as_admin_is_refused(ctx):
    fields = refused(accounts.register_user, signup(role="admin", organization={"kind": "service"}))
    assert set(fields) == {"role"}
    assert counts() == (0, 0)


@pytest.mark.parametrize("role", ["", None, "superuser"])
def test_register_unknown_or_missing_role(ctx, role):
    assert "role" in refused(accounts.register_user, signup(role=role))
    assert counts() == (0, 0)


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "wang fang@example.com", "@example.com", "wang@"])
def test_register_malformed_email(ctx, email):
    assert set(refused(accounts.register_user, signup(email=email))) == {"email"}
    assert counts() == (0, 0)


@pytest.mark.parametrize("password", ["short", "x" * 129, "12345678", "password123", "wang.fang"])
def test_register_weak_password(ctx, password):
    assert set(refused(accounts.register_user, signup(password=password))) == {"password"}
    assert counts() == (0, 0)


@pytest.mark.parametrize("organization, field", [
    ({"name": ""}, "organization.name"),
    ({"name": "机" * 121}, "organization.name"),
    ({"kind": "ministry"}, "organization.kind"),
    ({"kind": ""}, "organization.kind"),
    ({"region": "区" * 81}, "organization.region"),
])
def test_register_organization_errors_are_addressed_with_a_dotted_name(ctx, organization, field):
    assert set(refused(accounts.register_user, signup(organization=organization))) == {field}
    assert counts() == (0, 0)


def test_register_without_organization(ctx):
    data = signup()
    del data["organization"]
    fields = refused(accounts.register_user, data)
    assert {"organization.name", "organization.kind"} <= set(fields)


@pytest.mark.parametrize("organization", ["苏州微纳传感科技有限公司", ["苏州微纳传感科技有限公司"], 42])
def test_register_with_organization_that_is_not_an_object(ctx, organization):
    fields = refused(accounts.register_user, signup() | {"organization": organization})
    assert "organization" in fields
    assert counts() == (0, 0)


def test_register_display_name_too_long(ctx):
    assert set(refused(accounts.register_user, signup(display_name="名" * 61))) == {"display_name"}


def test_register_reports_every_error_at_once(ctx):
    fields = refused(accounts.register_user, signup(
        email="bad", password="short", role="admin", organization={"name": "", "kind": "galaxy"}))
    assert set(fields) >= {"email", "password", "role", "organization.name", "organization.kind"}
    assert counts() == (0, 0)


# --- authenticate ----------------------------------------------------------------------------

def test_authenticate_is_case_insensitive_on_email(ctx):
    user = make_user(email="li.lei@example.com")
    assert accounts.authenticate("  LI.Lei@Example.com ", PASSWORD) == user


def test_unknown_email_and_wrong_password_get_the_same_answer(ctx):
    make_user(email="li.lei@example.com")
    with pytest.raises(Unauthorized) as unknown:
        accounts.authenticate("nobody@example.com", PASSWORD)
    with pytest.raises(Unauthorized) as wrong:
        accounts.authenticate("li.lei@example.com", PASSWORD + "x")
    assert unknown.value.message == wrong.value.message == accounts.LOGIN_FAILED
    assert unknown.value.fields == wrong.value.fields == {}


@pytest.mark.parametrize("email, password", [(None, None), ("", PASSWORD), ("li.lei@example.com", ""),
                                             ("li.lei@example.com", None)])
def test_authenticate_missing_credentials(ctx, email, password):
    make_user(email="li.lei@example.com")
    with pytest.raises(Unauthorized):
        accounts.authenticate(email, password)


def test_inactive_user_cannot_authenticate_and_only_the_password_holder_learns_why(ctx):
    user = make_user(email="li.lei@example.com", is_active=False, disabled_reason="冒用资料")
    with pytest.raises(Unauthorized) as info:
        accounts.authenticate(user.email, PASSWORD)
    assert info.value.message == accounts.disabled_message(user) and "冒用资料" in info.value.message
    with pytest.raises(Unauthorized) as info:
        accounts.authenticate(user.email, "not-the-password")
    assert info.value.message == accounts.LOGIN_FAILED  # the same as for an unknown address


# --- create_user / create_admin (operators) --------------------------------------------------

def onboard(**overrides) -> dict:
    """A valid operator onboarding payload (``organization`` overrides are merged)."""
    organization = {"name": "华东理工大学", "kind": "university", "region": "上海市"}
    if isinstance(overrides.get("organization"), dict):
        organization |= overrides.pop("organization")
    return signup(email="zhao.lei@example.com", role="researcher", organization=organization) | overrides


def test_admin_creates_user_in_a_new_organization(ctx):
    admin = make_user(Role.ADMIN)
    user = accounts.create_user(admin, onboard())
    assert user.role is Role.RESEARCHER
    assert user.organization.name == "华东理工大学" and user.organization.kind is OrgKind.UNIVERSITY


def test_admin_adds_user_to_an_existing_organization_found_by_name(ctx):
    admin = make_user(Role.ADMIN)
    org = make_org(OrgKind.INSTITUTE, name="中科院某研究所")
    users, orgs = counts()
    # The kind in the payload is ignored when the organization exists.
    user = accounts.create_user(admin, onboard(organization={"name": " 中科院某研究所 ", "kind": ""}))
    assert user.organization_id == org.id
    assert counts() == (users + 1, orgs)


def test_non_admin_cannot_create_users(ctx):
    for role in (Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER):
        actor = make_user(role)
        before = counts()
        with pytest.raises(PermissionDenied):
            accounts.create_user(actor, onboard())
        assert counts() == before


def test_create_user_kind_mismatch_with_existing_organization(ctx):
    admin = make_user(Role.ADMIN)
    make_org(OrgKind.ENTERPRISE, name="华东理工大学")
    before = counts()
    fields = refused(accounts.create_user, admin, onboard())
    assert set(fields) == {"organization.kind"}
    assert counts() == before


def test_create_user_kind_mismatch_for_a_new_organization(ctx):
    admin = make_user(Role.ADMIN)
    fields = refused(accounts.create_user, admin, onboard(organization={"kind": "enterprise"}))
    assert set(fields) == {"organization.kind"}


def test_create_user_needs_organization_object(ctx):
    admin = make_user(Role.ADMIN)
    before = counts()
    assert "organization" in refused(accounts.create_user, admin, onboard(organization="华东理工大学"))
    assert counts() == before


def test_create_user_cannot_create_admins_or_reuse_emails(ctx):
    admin = make_user(Role.ADMIN)
    before = counts()
    assert set(refused(accounts.create_user, admin, onboard(role="admin", email=admin.email.upper()))) >= {"role", "email"}
    assert counts() == before


def test_create_admin(ctx):
    admin = accounts.create_admin("Ops@Example.com", NEW_PASSWORD)
    second = accounts.create_admin("ops2@example.com", NEW_PASSWORD)
    db.session.commit()
    assert admin.is_admin and admin.email == "ops@example.com"
    assert admin.organization.kind is OrgKind.SERVICE and admin.organization.verified
    assert second.organization_id == admin.organization_id  # one operators' organization
    assert accounts.authenticate("ops@example.com", NEW_PASSWORD) == admin


@pytest.mark.parametrize("email, password, field", [
    ("not-an-email", NEW_PASSWORD, "email"), ("ops@example.com", "short", "password"),
    ("ops@example.com", "ops", "password"),
])
def test_create_admin_validation(ctx, email, password, field):
    assert field in refused(accounts.create_admin, email, password)
    assert counts() == (0, 0)


def test_create_admin_does_not_join_a_squatted_operators_organization(ctx):
    # Someone registered the operators' organization name as an enterprise before any admin existed.
    squatter = accounts.register_user(signup(organization={"name": "平台运营中心"}))
    db.session.commit()
    before = counts()
    assert set(refused(accounts.create_admin, "ops@example.com", NEW_PASSWORD)) == {"organization"}
    assert counts() == before
    assert [m.id for m in squatter.organization.members] == [squatter.id]


def test_create_admin_duplicate_email(ctx):
    make_user(email="ops@example.com")
    before = counts()
    assert set(refused(accounts.create_admin, "ops@example.com", NEW_PASSWORD)) == {"email"}
    assert counts() == before


# --- profile and password --------------------------------------------------------------------

def test_update_profile_changes_name_and_organization_region(ctx):
    user = make_user()
    accounts.update_profile(user, {"display_name": "  陈晨 ", "region": "浙江省杭州市"})
    db.session.commit()
    db.session.expire_all()
    assert user.display_name == "陈晨" and user.organization.region == "浙江省杭州市"


@pytest.mark.parametrize("data, field", [
    ({"display_name": "", "region": "上海"}, "display_name"),
    ({"display_name": "名" * 61}, "display_name"),
    ({"display_name": "陈晨", "region": "区" * 81}, "region"),
])
def test_update_profile_validation_writes_nothing(ctx, data, field):
    user = make_user(display_name="原名")
    assert set(refused(accounts.update_profile, user, data)) == {field}
    assert db.session.scalar(db.select(User.display_name).where(User.id == user.id)) == "原名"
    assert db.session.scalar(db.select(Organization.region).where(Organization.id == user.organization_id)) == "上海市"


def test_change_password_revokes_every_token(ctx):
    user = make_user()
    web, _ = issue_token(user, TokenKind.WEB, timedelta(hours=1))
    api, _ = issue_token(user, TokenKind.API, timedelta(hours=1))
    accounts.change_password(user, PASSWORD, NEW_PASSWORD)
    db.session.commit()
    assert resolve_token(web, TokenKind.WEB) is None and resolve_token(api, TokenKind.API) is None
    assert accounts.authenticate(user.email, NEW_PASSWORD) == user
    with pytest.raises(Unauthorized):
        accounts.authenticate(user.email, PASSWORD)


def test_change_password_with_wrong_current_password(ctx):
    user = make_user()
    web, _ = issue_token(user, TokenKind.WEB, timedelta(hours=1))
    db.session.commit()
    assert set(refused(accounts.change_password, user, "wrong-current-pass", NEW_PASSWORD)) == {"current_password"}
    assert resolve_token(web, TokenKind.WEB) == user
    assert accounts.authenticate(user.email, PASSWORD) == user


@pytest.mark.parametrize("new", ["short", "", "password123"])
def test_change_password_new_password_follows_policy(ctx, new):
    user = make_user()
    assert set(refused(accounts.change_password, user, PASSWORD, new)) == {"new_password"}
    assert accounts.authenticate(user.email, PASSWORD) == user


def test_change_password_to_email_local_part_refused(ctx):
    user = make_user(email="chen.chen.88@example.com")
    assert set(refused(accounts.change_password, user, PASSWORD, "chen.chen.88")) == {"new_password"}


def test_change_password_reports_both_errors(ctx):
    user = make_user()
    assert set(refused(accounts.change_password, user, "wrong", "short")) == {"current_password", "new_password"}


# --- organizations (operators) ---------------------------------------------------------------

def test_admin_verifies_organization(ctx):
    admin = make_user(Role.ADMIN)
    org = make_org()
    assert organization_review.verify_organization(admin, org.id).verified is True
    db.session.commit()
    assert db.session.scalar(db.select(Organization.verified).where(Organization.id == org.id)) is True


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER])
def test_non_admin_verifying_gets_not_found(ctx, role):
    actor = make_user(role)
    org = make_org()
    with pytest.raises(NotFound):
        organization_review.verify_organization(actor, org.id)
    assert db.session.scalar(db.select(Organization.verified).where(Organization.id == org.id)) is False


def test_verifying_unknown_organization_is_not_found(ctx):
    admin = make_user(Role.ADMIN)
    with pytest.raises(NotFound):
        organization_review.verify_organization(admin, 999_999)


def test_list_organizations_is_for_admins_only(ctx):
    admin = make_user(Role.ADMIN)
    verified = make_org(verified=True)
    fresh = make_org()
    page = organization_review.list_organizations(admin, 1, 50)
    ids = [o.id for o in page.items]
    assert page.total == 3 and ids.index(fresh.id) < ids.index(verified.id)  # unverified first
    with pytest.raises(NotFound):
        organization_review.list_organizations(make_user(), 1, 50)
