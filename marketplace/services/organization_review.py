"""The operators' review of organizations: verify, reject with a reason the organization reads,
revoke a verification with a reason; and the organization list they review it from. Operators
only: anyone else is answered as if the organization did not exist."""
from __future__ import annotations

from typing import Any

from models import DB_INT_MAX, Organization, OrgKind, User, db, utcnow

from . import audit
from .compare_and_set import compare_and_set
from .errors import Conflict, FieldErrors, NotFound, require_operator
from .listings import stripped_text


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

    require_operator(actor)
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
