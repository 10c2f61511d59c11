"""Accounts and organizations: registration, authentication, profile, admin onboarding."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError

from models import ROLE_ORG_KINDS, Organization, OrgKind, Role, User, db

from . import audit
from .errors import FieldErrors, NotFound, PermissionDenied, Unauthorized, ValidationFailed
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


def set_password(email: str, new: str) -> User:
    """Give an account a new password from the command line (``flask users set-password``).

    For whoever runs the server — the way back to the demo accounts when the first run's log is
    lost. The password rules apply; every session and API token of the account ends; the log
    records it under ``user.set_password``."""
    errors = FieldErrors()
    address = normalize_email(email, errors)
    errors.raise_if_any()
    user = db.session.scalar(db.select(User).where(User.email == address))
    if user is None:
        raise NotFound(f"没有邮箱为 {address} 的账号。")
    problem = password_problem(new or "", user.email)
    if problem:
        errors.add("password", problem)
    errors.raise_if_any()
    audit.label(user, "user.set_password", "命令行重设密码")
    user.password_hash = hash_password(new)
    revoke_all_tokens(user)
    db.session.flush()
    return user


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
