"""Joining an organization already on the platform. At sign-up, someone who belongs to a
registered organization asks to join it; the organization's owner (its first active member) or an
operator approves — only then is the account created, with the password given at sign-up — or
declines. Nobody else learns the request exists (404), so nobody can claim an organization by
typing its name, and nobody can sign in before the approval."""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    DB_INT_MAX, ROLE_ORG_KINDS, JoinRequest, JoinStatus, NotificationKind, Organization, User, db, utcnow,
)

from . import audit
from .accounts import SELF_SERVICE_ROLES, _clean_account, _find_org
from .activity import notify, operators
from .compare_and_set import compare_and_set
from .errors import Conflict, FieldErrors, NotFound
from .listings import stripped_text
from .passwords import hash_password

MESSAGE_MAX = 500
_RACE = "该申请刚被处理，请刷新后查看。"


def owner_of(organization_id: int) -> User | None:
    """The organization's owner: its first member still active."""
    return db.session.scalar(sa.select(User).where(User.organization_id == organization_id, User.is_active.is_(True))
                             .order_by(User.id).limit(1))


def request_to_join(data: Mapping[str, Any]) -> JoinRequest:
    """A sign-up asking to join the registered organization named ``organization.name``."""
    errors = FieldErrors()
    account = _clean_account(data, SELF_SERVICE_ROLES, errors)
    org_data = data.get("organization") if isinstance(data.get("organization"), Mapping) else {}
    name = str(org_data.get("name") or "").strip()
    organization = _find_org(name) if name else None
    if organization is None:
        errors.add("organization.name", "未找到该名称的机构：请核对全称，或不勾选“申请加入”以注册新机构。")
    elif account["role"] is not None and organization.kind not in ROLE_ORG_KINDS[account["role"]]:
        errors.add("role", f"“{organization.name}”是{organization.kind.label}，不能以“{account['role'].label}”身份加入。")
    message = stripped_text(data.get("message"), "message", errors)
    if len(message) > MESSAGE_MAX:
        errors.add("message", f"最多 {MESSAGE_MAX} 个字符。")
    if account["email"] and db.session.scalar(sa.select(JoinRequest.id).where(
            JoinRequest.email == account["email"], JoinRequest.status == JoinStatus.PENDING)):
        errors.add("email", "该邮箱已有待批准的加入申请。")
    errors.raise_if_any("加入申请未提交。")
    row = JoinRequest(organization_id=organization.id, email=account["email"], role=account["role"],
                      display_name=account["display_name"] or account["email"].split("@")[0],
                      password_hash=hash_password(account["password"]), message=message)
    db.session.add(row)
    db.session.flush()
    deciders = [user for user in (owner_of(organization.id),) if user is not None] + operators()
    notify(deciders, NotificationKind.JOIN_REQUEST,
           f"{row.display_name}（{row.email}）申请以“{row.role.label}”身份加入“{organization.name}”。", "/me/#join-requests")
    return row


def may_decide(actor: User | None, row: JoinRequest) -> bool:
    """Operators, and the owner of the organization asked."""
    if actor is None:
        return False
    if actor.is_admin:
        return True
    owner = owner_of(row.organization_id)
    return owner is not None and owner.id == actor.id


def pending_for(actor: User | None) -> list[JoinRequest]:
    """The requests ``actor`` may decide, oldest first (operators: every organization's)."""
    if actor is None:
        return []
    query = sa.select(JoinRequest).where(JoinRequest.status == JoinStatus.PENDING).order_by(JoinRequest.id)
    if not actor.is_admin:
        owner = owner_of(actor.organization_id)
        if owner is None or owner.id != actor.id:
            return []
        query = query.where(JoinRequest.organization_id == actor.organization_id)
    return list(db.session.scalars(query.limit(200)).unique())


def _decidable(actor: User | None, request_id: int) -> JoinRequest:
    row = db.session.get(JoinRequest, request_id) if 1 <= request_id <= DB_INT_MAX else None
    if row is None or not may_decide(actor, row):
        raise NotFound("申请不存在。")
    if row.status is not JoinStatus.PENDING:
        raise Conflict(_RACE)
    return row


def approve(actor: User | None, request_id: int) -> User:
    """Create the account in the organization; the person signs in with the password they chose."""
    row = _decidable(actor, request_id)
    organization = db.session.get(Organization, row.organization_id)
    if organization.kind not in ROLE_ORG_KINDS[row.role]:  # the organization's kind changed meanwhile
        raise Conflict("申请的角色与机构类型已不相符，请婉拒后请对方重新申请。")
    audit.label(row, "join_request.approve", "", actor)
    compare_and_set(row, _RACE, JoinRequest.status == JoinStatus.PENDING,
                    status=JoinStatus.APPROVED, decided_at=utcnow(), decided_by_id=actor.id)
    user = User(email=row.email, password_hash=row.password_hash, role=row.role, display_name=row.display_name,
                organization_id=row.organization_id)
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("该邮箱已在平台注册了账号，无法再以它加入。") from None
    row.user_id = user.id
    notify([user], NotificationKind.JOIN_REQUEST, f"欢迎加入“{organization.name}”：您的加入申请已获批准。", "/me/")
    db.session.flush()
    return user


def decline(actor: User | None, request_id: int, note: Any = None) -> JoinRequest:
    """Refuse the request (the note goes to the audit log)."""
    row = _decidable(actor, request_id)
    errors = FieldErrors()
    text = stripped_text(note, "note", errors)
    if len(text) > MESSAGE_MAX:
        errors.add("note", f"最多 {MESSAGE_MAX} 个字符。")
    errors.raise_if_any("未能婉拒。")
    audit.label(row, "join_request.decline", text, actor)
    compare_and_set(row, _RACE, JoinRequest.status == JoinStatus.PENDING,
                    status=JoinStatus.DECLINED, decided_at=utcnow(), decided_by_id=actor.id)
    return row
