"""The operators' view of outgoing e-mail: what is queued, sent and failed, and putting a failed
message back in the queue."""
from __future__ import annotations

import sqlalchemy as sa

from models import MailStatus, OutboundEmail, User, db, utcnow

from . import audit
from .errors import Conflict, NotFound, ValidationFailed, require_operator
from .pagination import Page, paginate

FILTERS = {"failed": MailStatus.FAILED, "queued": MailStatus.QUEUED, "sent": MailStatus.SENT,
           "sending": MailStatus.SENDING}


def counts(actor: User | None) -> dict[MailStatus, int]:
    """How many messages are in each state."""
    require_operator(actor)
    found = dict(db.session.execute(sa.select(OutboundEmail.status, sa.func.count())
                                    .group_by(OutboundEmail.status)).all())
    return {status: found.get(status, 0) for status in MailStatus}


def retrying(actor: User | None) -> int:
    """Queued messages that already failed at least once (waiting for their next attempt)."""
    require_operator(actor)
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboundEmail).where(
        OutboundEmail.status == MailStatus.QUEUED, OutboundEmail.attempts > 0)) or 0


def list_mail(actor: User | None, status: str, page: int, per_page: int) -> Page:
    """Messages of one state (default: failed), newest first."""
    require_operator(actor)
    if status not in FILTERS:
        raise ValidationFailed("状态应为：" + "、".join(FILTERS) + "。", {"status": "未知状态。"})
    query = sa.select(OutboundEmail).where(OutboundEmail.status == FILTERS[status])
    return paginate(query.order_by(OutboundEmail.id.desc()), page, per_page)


def requeue(actor: User | None, mail_id: int) -> OutboundEmail:
    """Put a failed message back in the queue for a fresh round of attempts."""
    require_operator(actor)
    row = db.session.get(OutboundEmail, mail_id)
    if row is None:
        raise NotFound("邮件不存在。")
    claimed = db.session.execute(sa.update(OutboundEmail).where(
        OutboundEmail.id == mail_id, OutboundEmail.status == MailStatus.FAILED)
        .values(status=MailStatus.QUEUED, attempts=0, next_attempt_at=utcnow()))
    if claimed.rowcount != 1:
        raise Conflict("只有发送失败的邮件可以重新发送。")
    audit.record("mail.retry", kind="mail", object_id=mail_id, note=row.to_address, actor_id=actor.id)
    db.session.expire(row)
    return row
