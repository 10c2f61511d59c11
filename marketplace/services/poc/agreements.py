"""The agreement (协议存证): the accepted terms frozen as canonical JSON, SHA-256 over it, chained to
the previous agreement's hash; each party signs the hash with its Ed25519 key after re-entering
its password. ``verify_chain`` recomputes everything and names each edited, deleted or reordered
record; the engagement becomes active when all three parties have signed."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import (
    Agreement, AgreementSignature, Engagement, EngagementStatus, EventKind, NotificationKind, Party, SigningKey, User,
    db, utcnow,
)

from ..activity import notify, record_event
from ..compare_and_set import compare_and_set
from ..errors import Conflict, NotFound, ValidationFailed
from ..passwords import verify_password
from . import signing
from .parties import engagement_members, engagement_party, get_engagement, require_party
from .terms import terms_of
from ...localtime import local_date

GENESIS = "0" * 64
CHAIN_LOCK = 7_244_501  # PostgreSQL advisory lock: one agreement joins the chain at a time


def canonical(document: dict) -> str:
    """The one JSON spelling of a document: sorted keys, no spaces, Chinese as-is."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    """Serialise appends to the chain (SQLite writers are serialised already)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def freeze(engagement: Engagement) -> Agreement:
    """Freeze the engagement's accepted terms into the next agreement of the chain."""
    _lock_chain()
    head = db.session.scalar(sa.select(Agreement).order_by(Agreement.sequence.desc()).limit(1))
    sequence, prev_hash = (head.sequence + 1, head.hash) if head else (1, GENESIS)
    pairing, bid, request = engagement.pairing, engagement.bid, engagement.request
    document = {
        "title": "创新桥概念验证三方协议", "sequence": sequence, "prev_hash": prev_hash,
        "engagement_id": engagement.id, "frozen_at": utcnow().replace(microsecond=0).isoformat() + "Z",
        "parties": {
            "enterprise": {"organization_id": engagement.enterprise_id, "name": pairing.demand.organization.name},
            "institution": {"organization_id": engagement.institution_id, "name": pairing.result.organization.name},
            "center": {"organization_id": engagement.center_id, "name": bid.center.name},
        },
        "subject": {"pairing_id": pairing.id, "demand": {"id": pairing.demand_id, "title": pairing.demand.title},
                    "result": {"id": pairing.result_id, "title": pairing.result.title}},
        "request": {"id": request.id, "needs": request.needs.value, "budget_cap": request.budget_cap,
                    "max_duration_months": request.max_duration_months},
        "bid": {"id": bid.id, "revision": bid.revision},
        "terms": terms_of(bid),
    }
    content = canonical(document)
    agreement = Agreement(engagement_id=engagement.id, sequence=sequence, content=content, prev_hash=prev_hash,
                          hash=digest(content))
    db.session.add(agreement)
    db.session.flush()
    return agreement


def agreement_of(engagement: Engagement) -> Agreement:
    found = db.session.scalar(sa.select(Agreement).where(Agreement.engagement_id == engagement.id))
    if found is None:  # pragma: no cover - created with the engagement
        raise NotFound("协议不存在。")
    return found


def sign_agreement(actor: User, engagement_id: int, password: str, secret: str) -> AgreementSignature:
    """The actor signs for its party, re-entering its password; the third signature activates."""
    engagement = get_engagement(actor, engagement_id)
    party = require_party(actor, engagement, *Party, doing="签署协议")
    if not verify_password(actor.password_hash, str(password or "")):
        raise ValidationFailed("密码不正确，未签署。", {"password": "密码不正确。"})
    agreement = agreement_of(engagement)
    if engagement.status is not EngagementStatus.AWAITING_SIGNATURES or any(
            s.party is party for s in agreement.signatures):
        raise Conflict(f"{party.label}已签署过这份协议。" if any(s.party is party for s in agreement.signatures)
                       else f"验证项目当前为“{engagement.status.label}”，不能再签署。")
    public_key, signature = signing.sign(actor, agreement.hash.encode(), secret)
    row = AgreementSignature(agreement_id=agreement.id, party=party, organization_id=actor.organization_id,
                             user_id=actor.id, public_key=public_key, signature=signature)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # a colleague signed for the same party at the same moment
        raise Conflict(f"{party.label}已签署过这份协议。") from None
    db.session.refresh(agreement)
    if len(agreement.signatures) == len(Party):
        _activate(engagement)
    return row


def _activate(engagement: Engagement) -> None:
    """All three signed: the engagement starts and every milestone gets its due date."""
    now = utcnow()
    compare_and_set(engagement, "验证项目状态已变化，请刷新页面。",
                    Engagement.status == EngagementStatus.AWAITING_SIGNATURES,
                    status=EngagementStatus.ACTIVE, activated_at=now)
    for milestone in engagement.milestones:
        milestone.due_on = local_date(now) + timedelta(weeks=milestone.due_week)
    pairing = engagement.pairing
    record_event(EventKind.ENGAGEMENT_ACTIVATED, demand_id=pairing.demand_id, result_id=pairing.result_id,
                 pairing_id=pairing.id, field_code=pairing.demand.field_code, engagement_id=engagement.id)
    notify(engagement_members(engagement), NotificationKind.ENGAGEMENT_UPDATE,
           f"三方已签署协议，概念验证正式开始：{pairing.result.title}。", f"/engagements/{engagement.id}")


@dataclass
class Check:
    """What recomputing one agreement found."""

    agreement_id: int
    sequence: int
    hash: str
    recomputed_hash: str
    chain_ok: bool
    signatures_ok: bool
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def _check_one(agreement: Agreement, previous: Agreement | None, keys: dict[int, str]) -> Check:
    problems = []
    recomputed = digest(agreement.content)
    if recomputed != agreement.hash:
        problems.append(f"协议 #{agreement.sequence} 的内容与存证哈希不符（内容或哈希被改动）。")
    try:
        document = json.loads(agreement.content)
    except ValueError:
        document = {}
    expected_prev = previous.hash if previous else GENESIS
    expected_sequence = previous.sequence + 1 if previous else 1
    chain_ok = agreement.prev_hash == expected_prev and document.get("prev_hash") == agreement.prev_hash
    if agreement.sequence != expected_sequence:
        chain_ok = False
        problems.append(f"协议 #{agreement.sequence} 前缺少序号 #{expected_sequence}（记录被删除或顺序被改动）。")
    elif not chain_ok:
        problems.append(f"协议 #{agreement.sequence} 与前一份协议的哈希链断开（记录被改动、删除或重排）。")
    if document.get("sequence") != agreement.sequence or document.get("engagement_id") != agreement.engagement_id:
        problems.append(f"协议 #{agreement.sequence} 的序号或项目编号与存证内容不符。")
    signatures_ok = True
    for s in agreement.signatures:
        if not signing.signature_ok(s.public_key, s.signature, agreement.hash.encode()) or keys.get(s.user_id) != s.public_key:
            signatures_ok = False
            problems.append(f"协议 #{agreement.sequence} 的{s.party.label}签名无法验证。")
    return Check(agreement.id, agreement.sequence, agreement.hash, recomputed, chain_ok, signatures_ok, problems)


def verify_chain() -> list[Check]:
    """Recompute every agreement in sequence order (what ``flask agreements verify`` prints)."""
    keys = dict(db.session.execute(sa.select(SigningKey.user_id, SigningKey.public_key)).all())
    checks, previous = [], None
    for agreement in db.session.scalars(sa.select(Agreement).order_by(Agreement.sequence, Agreement.id)):
        checks.append(_check_one(agreement, previous, keys))
        previous = agreement
    return checks


def verify_agreement(viewer: User, agreement_id: int) -> Check:
    """One agreement checked against its predecessor and successor (its parties and operators)."""
    agreement = db.session.get(Agreement, agreement_id) if 1 <= agreement_id <= 2**31 - 1 else None
    if agreement is None:
        raise NotFound("协议不存在或无权查看。")
    engagement = db.session.get(Engagement, agreement.engagement_id)
    if not (viewer.is_admin or engagement_party(viewer, engagement) is not None):
        raise NotFound("协议不存在或无权查看。")
    previous = db.session.scalar(sa.select(Agreement).where(Agreement.sequence < agreement.sequence)
                                 .order_by(Agreement.sequence.desc()).limit(1))
    keys = dict(db.session.execute(sa.select(SigningKey.user_id, SigningKey.public_key)).all())
    check = _check_one(agreement, previous, keys)
    following = db.session.scalar(sa.select(Agreement).where(Agreement.sequence > agreement.sequence)
                                  .order_by(Agreement.sequence).limit(1))
    if following is not None and following.prev_hash != agreement.hash:
        check.chain_ok = False
        check.problems.append(f"下一份协议 #{following.sequence} 记录的前序哈希与本协议不符。")
    return check
