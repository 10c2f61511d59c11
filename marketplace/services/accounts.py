"""Accounts and organizations: registration, authentication, profile, admin onboarding."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError

from models import DB_INT_MAX, ROLE_ORG_KINDS, Organization, OrgKind, Role, User, db, utcnow

from . import audit
from .compare_and_set import compare_and_set
from .errors import Conflict, FieldErrors, NotFound, PermissionDenied, Unauthorized, ValidationFailed
from .listings import stripped_text
from .lookalike import lookalikes
from .sessions import revoke_all_tokens
from .passwords import hash_password, password_problem, verify_password

SELF_SERVICE_ROLES = (Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER)
LOGIN_FAILED = "邮箱或密码不正确。"
OPERATORS_ORG = "平台运营中心"


def normalize_email(raw: Any, errors: FieldErrors, field: str = "email") -> str:
    """Lower-cased, syntax-checked address; records an error on ``field`` otherwise."""
    text = str(raw or "").strip()
    if not text:
        errors.add(field, "请填写邮箱。")
        return ""
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors.add(field, "邮箱格式不正确。")
        return text.lower()


def _clean_account(data: Mapping[str, Any], roles: tuple[Role, ...], errors: FieldErrors) -> dict:
    email = normalize_email(data.get("email"), errors)
    password = str(data.get("password") or "")
    problem = password_problem(password, email)
    if problem:
        errors.add("password", problem)
    role = _enum(Role, data.get("role"), "role", errors)
    if role is not None and role not in roles:
        errors.add("role", "不能自行注册为该角色。")
    if email and db.session.scalar(db.select(User.id).where(User.email == email)):
        errors.add("email", "该邮箱已注册。")
    name = str(data.get("display_name") or "").strip()
    if len(name) > 60:
        errors.add("display_name", "姓名最多 60 个字符。")
    return {"email": email, "password": password, "role": role, "display_name": name}


def _clean_org(org: Mapping[str, Any], role: Role | None, errors: FieldErrors) -> dict:
    name = str(org.get("name") or "").strip()
    if not name:
        errors.add("organization.name", "请填写机构名称。")
    elif len(name) > 120:
        errors.add("organization.name", "机构名称最多 120 个字符。")
    kind = _enum(OrgKind, org.get("kind"), "organization.kind", errors)
    if role is not None and kind is not None and kind not in ROLE_ORG_KINDS[role]:
        allowed = "、".join(k.label for k in ROLE_ORG_KINDS[role])
        errors.add("organization.kind", f"{role.label}账号的机构类型应为：{allowed}。")
    region = str(org.get("region") or "").strip()
    if len(region) > 80:
        errors.add("organization.region", "地区最多 80 个字符。")
    return {"name": name, "kind": kind, "region": region}


def _enum(enum_cls, raw: Any, field: str, errors: FieldErrors):
    try:
        return enum_cls(str(raw))
    except ValueError:
        errors.add(field, "请选择有效的选项。" if raw else "此项必填。")
        return None


def _find_org(name: str) -> Organization | None:
    return db.session.scalar(db.select(Organization).where(Organization.name == name))


def register_user(data: Mapping[str, Any]) -> User:
    """Self-service sign-up of an enterprise, researcher or center with a new organization. An
    organization named like one already on the platform is marked with it (``similar_to``), for
    the operators and the new user to see.

    Joining an existing organization is a request its owner or an operator approves
    (services/join_requests.py): otherwise anyone could claim an organization's name and edit its
    listings.
    """
    errors = FieldErrors()
    account = _clean_account(data, SELF_SERVICE_ROLES, errors)
    org_data = data.get("organization") or {}
    if not isinstance(org_data, Mapping):
        errors.add("organization", "请提供机构信息 {name, kind, region}。")
        org_data = {}
    org = _clean_org(org_data, account["role"], errors)
    if org["name"] and _find_org(org["name"]):
        errors.add("organization.name", "该机构已在平台注册：如您属于该机构，请勾选“申请加入该机构”后再提交，"
                                        "机构负责人或平台运营人员批准后即可登录。")
    errors.raise_if_any()
    similar = lookalikes(org["name"], limit=1)
    organization = Organization(name=org["name"], kind=org["kind"], region=org["region"],
                                similar_to=similar[0] if similar else None)
    db.session.add(organization)
    return _add_user(account, organization)


def create_user(actor: User, data: Mapping[str, Any]) -> User:
    """Operator onboarding: the organization is found by name or created."""
    if not actor.is_admin:
        raise PermissionDenied("只有平台运营人员可以创建账号。")
    errors = FieldErrors()
    account = _clean_account(data, SELF_SERVICE_ROLES, errors)
    org_data = data.get("organization")
    if not isinstance(org_data, Mapping):
        errors.add("organization", "请提供机构信息 {name, kind, region}。")
        org_data = {}
    organization = _find_org(str(org_data.get("name") or "").strip())
    if organization is None:
        org = _clean_org(org_data, account["role"], errors)
    elif account["role"] and organization.kind not in ROLE_ORG_KINDS[account["role"]]:
        errors.add("organization.kind", "该机构的类型与账号角色不符。")
    errors.raise_if_any()
    if organization is None:
        organization = Organization(name=org["name"], kind=org["kind"], region=org["region"])
        db.session.add(organization)
    return _add_user(account, organization)


def create_admin(email: str, password: str, display_name: str = "平台运营") -> User:
    """Create an operator account (command line only), in the operators' organization."""
    errors = FieldErrors()
    address = normalize_email(email, errors)
    problem = password_problem(password, address)
    if problem:
        errors.add("password", problem)
    if address and db.session.scalar(db.select(User.id).where(User.email == address)):
        errors.add("email", "该邮箱已注册。")
    organization = _find_org(OPERATORS_ORG)
    if organization is not None and organization.kind is not OrgKind.SERVICE:
        # A self-registered organization took the name: joining it would make its members colleagues.
        errors.add("organization", f"名为“{OPERATORS_ORG}”的机构不是服务机构，请先更名。")
    errors.raise_if_any()
    organization = organization or Organization(
        name=OPERATORS_ORG, kind=OrgKind.SERVICE, region="", verified=True
    )
    db.session.add(organization)
    account = {"email": address, "password": password, "role": Role.ADMIN, "display_name": display_name}
    return _add_user(account, organization)


def _add_user(account: dict, organization: Organization) -> User:
    user = User(
        email=account["email"],
        password_hash=hash_password(account["password"]),
        role=account["role"],
        display_name=account["display_name"] or account["email"].split("@")[0],
        organization=organization,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent sign-up of the same email or organization name: not a 500
        db.session.rollback()  # the failed flush left the transaction unusable; nothing was written
        taken = db.session.scalar(db.select(User.id).where(User.email == user.email))
        field, message = (("email", "该邮箱已注册。") if taken else
                          ("organization.name", "该机构已在平台注册，请联系平台运营人员将您加入该机构。"))
        raise ValidationFailed("注册信息与已有账号或机构冲突。", {field: message}) from None
    return user


def authenticate(email: Any, password: Any) -> User:
    """The active user with these credentials; one answer for unknown email and bad password."""
    address = str(email or "").strip().lower()
    user = db.session.scalar(db.select(User).where(User.email == address)) if address else None
    ok = verify_password(user.password_hash if user else None, str(password or ""))
    if user is None or not ok:
        audit.record_now("auth.login_failed", kind="user", object_id=user.id if user else None,
                         note=address[:NOTE_ADDRESS])
        raise Unauthorized(LOGIN_FAILED)
    if not user.is_active:  # told only to whoever knows the password: no one learns an address exists
        audit.record_now("auth.login_refused", kind="user", object_id=user.id, note="账号已停用")
        raise Unauthorized(disabled_message(user))
    audit.record("auth.login", user, actor_id=user.id)
    return user


NOTE_ADDRESS = 254


def disabled_message(user: User) -> str:
    """What a disabled user reads on signing in."""
    reason = f"原因：{user.disabled_reason}" if user.disabled_reason else "未注明原因"
    return f"该账号已被平台停用（{reason}）。如有疑问，请联系平台运营人员。"


def update_profile(actor: User, data: Mapping[str, Any]) -> User:
    """Change the actor's display name and, for their organization, its region."""
    errors = FieldErrors()
    name = str(data.get("display_name") or "").strip()
    if not name:
        errors.add("display_name", "请填写姓名。")
    elif len(name) > 60:
        errors.add("display_name", "姓名最多 60 个字符。")
    region = str(data.get("region") or "").strip()
    if len(region) > 80:
        errors.add("region", "地区最多 80 个字符。")
    errors.raise_if_any()
    actor.display_name = name
    actor.organization.region = region
    db.session.flush()
    return actor


def change_password(actor: User, current: str, new: str) -> None:
    """Replace the password after re-checking the current one; ends every session and token."""
    errors = FieldErrors()
    if not verify_password(actor.password_hash, current or ""):
        errors.add("current_password", "当前密码不正确。")
    problem = password_problem(new or "", actor.email)
    if problem:
        errors.add("new_password", problem)
    errors.raise_if_any()
    actor.password_hash = hash_password(new)
    revoke_all_tokens(actor)
    db.session.flush()


REVIEW_NOTE_MAX = 500
_REVIEW_RACE = "机构的认证状态刚被修改，请刷新后重试。"


def _reviewed_organization(actor: User, organization_id: int) -> Organization:
    """The organization an operator reviews; NotFound for everyone else (the console is theirs)."""
    organization = db.session.get(Organization, organization_id) if actor.is_admin and \
        1 <= organization_id <= DB_INT_MAX else None
    if organization is None:
        raise NotFound("机构不存在。")
    return organization


def _review_reason(reason: Any) -> str:
    errors = FieldErrors()
    text = stripped_text(reason, "reason", errors)
    if not text:
        errors.add("reason", "请写明原因：机构会看到它。")
    elif len(text) > REVIEW_NOTE_MAX:
        errors.add("reason", f"最多 {REVIEW_NOTE_MAX} 个字符（当前 {len(text)}）。")
    errors.raise_if_any("请写明原因。")
    return text


def verify_organization(actor: User, organization_id: int) -> Organization:
    """Mark an organization verified (operators only); a rejection or revocation is cleared.
    Verifying a verified organization changes nothing."""
    organization = _reviewed_organization(actor, organization_id)
    if not organization.verified:
        audit.label(organization, "organization.verify", "", actor)
        compare_and_set(organization, _REVIEW_RACE, Organization.verified.is_(False),
                        verified=True, rejected_at=None, review_note="")
    return organization


def reject_organization(actor: User, organization_id: int, reason: Any) -> Organization:
    """Refuse an organization's verification, with the reason it reads (operators only). A
    verified organization is revoked instead (Conflict)."""
    organization = _reviewed_organization(actor, organization_id)
    note = _review_reason(reason)
    if organization.verified:
        raise Conflict("该机构已认证；如需取消，请撤销认证。")
    audit.label(organization, "organization.reject", note, actor)
    compare_and_set(organization, _REVIEW_RACE, Organization.verified.is_(False),
                    rejected_at=utcnow(), review_note=note)
    return organization


def revoke_verification(actor: User, organization_id: int, reason: Any) -> Organization:
    """Take a verification back, with the reason the organization reads (operators only); the
    organization is pending again. An unverified organization is a Conflict."""
    organization = _reviewed_organization(actor, organization_id)
    note = _review_reason(reason)
    if not organization.verified:
        raise Conflict("该机构尚未认证，无需撤销。")
    audit.label(organization, "organization.revoke", note, actor)
    compare_and_set(organization, _REVIEW_RACE, Organization.verified.is_(True),
                    verified=False, rejected_at=None, review_note=note)
    return organization


REVIEW_STATUSES = ("pending", "verified", "rejected")


def list_organizations(actor: User, page: int, per_page: int, status: str = "", kind: str = "", q: str = ""):
    """Organizations, unverified first and newest first (operators only), filtered by review
    ``status``, ``kind`` and a part of the name ``q``; unknown filter values are ignored."""
    from .pagination import paginate

    if not actor.is_admin:
        raise NotFound("页面不存在。")
    query = db.select(Organization)
    if status == "verified":
        query = query.where(Organization.verified.is_(True))
    elif status == "rejected":
        query = query.where(Organization.verified.is_(False), Organization.rejected_at.is_not(None))
    elif status == "pending":
        query = query.where(Organization.verified.is_(False), Organization.rejected_at.is_(None))
    if kind in OrgKind.codes():
        query = query.where(Organization.kind == OrgKind(kind))
    text = (q or "").strip()[:100]
    if text:
        query = query.where(Organization.name.contains(text, autoescape=True))
    return paginate(query.order_by(Organization.verified, Organization.id.desc()), page, per_page)
