"""Operators manage accounts: find and read users, disable an account (every session and API
token ends at once; the user reads the reason at sign-in), enable it again, move a user to another
organization or role. Every action needs a reason, which the audit log keeps. Operators only:
anyone else is answered as if the user did not exist."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from models import DB_INT_MAX, ROLE_ORG_KINDS, Organization, Role, User, db, utcnow

from . import audit
from .compare_and_set import compare_and_set
from .errors import Conflict, FieldErrors, NotFound, ValidationFailed, require_operator
from .listings import stripped_text
from .pagination import paginate
from .sessions import revoke_all_tokens

REASON_MAX = 500
USER_STATUSES = ("active", "disabled")
_RACE = "该账号的状态刚被修改，请刷新后重试。"


def get_user(actor: User | None, user_id: int) -> User:
    """One user (operators only; NotFound for everyone else and for no such user)."""
    require_operator(actor)
    user = db.session.get(User, user_id) if 1 <= user_id <= DB_INT_MAX else None
    if user is None:
        raise NotFound("用户不存在。")
    return user


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_users(actor: User | None, q: str, role: str, status: str, page: int, per_page: int):
    """Users matching ``q`` (in e-mail, name or organization), of ``role`` and ``status``
    ("active" or "disabled"), newest first (operators only). Unknown filters are ignored."""
    require_operator(actor)
    query = sa.select(User).join(User.organization)
    text = (q or "").strip()[:100]
    if text:
        pattern = _like(text.lower())
        query = query.where(sa.or_(sa.func.lower(User.email).like(pattern, escape="\\"),
                                   sa.func.lower(User.display_name).like(pattern, escape="\\"),
                                   sa.func.lower(Organization.name).like(pattern, escape="\\")))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    if status in USER_STATUSES:
        query = query.where(User.is_active.is_(status == "active"))
    return paginate(query.order_by(User.id.desc()), page, per_page)


def _reason(raw: Any, required_message: str) -> str:
    errors = FieldErrors()
    text = stripped_text(raw, "reason", errors)
    if not text:
        errors.add("reason", required_message)
    elif len(text) > REASON_MAX:
        errors.add("reason", f"最多 {REASON_MAX} 个字符（当前 {len(text)}）。")
    errors.raise_if_any("请写明原因。")
    return text


def disable_user(actor: User | None, user_id: int, reason: Any) -> User:
    """Disable an account: it can no longer sign in, and every web session and API token it holds
    ends now. The user reads ``reason`` when trying to sign in. Not one's own account."""
    user = get_user(actor, user_id)
    note = _reason(reason, "请写明停用原因：用户登录时会看到它。")
    if user.id == actor.id:
        raise Conflict("不能停用自己的账号。")
    if not user.is_active:
        raise Conflict("该账号已是停用状态。")
    audit.label(user, "user.disable", note, actor)
    compare_and_set(user, _RACE, User.is_active.is_(True),
                    is_active=False, disabled_at=utcnow(), disabled_reason=note)
    revoke_all_tokens(user)
    return user


def enable_user(actor: User | None, user_id: int, reason: Any) -> User:
    """Let a disabled account sign in again (its old sessions and tokens stay ended)."""
    user = get_user(actor, user_id)
    note = _reason(reason, "请写明恢复原因（记入审计日志）。")
    if user.is_active:
        raise Conflict("该账号未被停用。")
    audit.label(user, "user.enable", note, actor)
    compare_and_set(user, _RACE, User.is_active.is_(False),
                    is_active=True, disabled_at=None, disabled_reason="")
    return user


def change_membership(actor: User | None, user_id: int, data: dict) -> User:
    """Move a user to another organization and/or role (the role must suit the organization's
    kind: an enterprise's member is an enterprise user, and so on). Not one's own account."""
    user = get_user(actor, user_id)
    errors = FieldErrors()
    organization = None
    raw_org = str(data.get("organization_id") or "").strip()
    if not (raw_org.isdigit() and 1 <= int(raw_org) <= DB_INT_MAX) or \
            (organization := db.session.get(Organization, int(raw_org))) is None:
        errors.add("organization_id", "请填写存在的机构编号。")
    try:
        role = Role(str(data.get("role") or ""))
    except ValueError:
        role = None
        errors.add("role", "请选择角色。")
    note = ""
    try:
        note = _reason(data.get("reason"), "请写明调整原因（记入审计日志）。")
    except ValidationFailed as error:  # reported with the others
        errors.fields.update(error.fields)
    if organization is not None and role is not None and organization.kind not in ROLE_ORG_KINDS[role]:
        errors.add("role", f"“{organization.name}”是{organization.kind.label}，不能承担“{role.label}”角色。")
    errors.raise_if_any("调整未保存。")
    if user.id == actor.id:
        raise Conflict("不能调整自己的机构或角色；请由另一位运营人员操作。")
    if user.organization_id == organization.id and user.role is role:
        raise Conflict("该用户已在此机构、担任此角色。")
    audit.label(user, "user.membership", note, actor)
    user.organization_id = organization.id
    user.role = role
    db.session.flush()
    db.session.refresh(user)  # its organization is the new one
    return user
