"""The message thread of a pairing, between its two parties; newest last."""
from __future__ import annotations

import sqlalchemy as sa

from models import NotificationKind, PairingMessage, PairingStatus, User, db

from .activity import notify, organization_members
from .errors import Conflict, FieldErrors, NotFound
from .listings import stripped_text
from .pagination import Page, paginate
from .pairings import (
    MESSAGE_MAX, get_pairing, other_side, pairing_link, party_name, side_of, side_organization_id,
)

OPEN_STATUSES = frozenset({PairingStatus.PROPOSED, PairingStatus.CONNECTED})


def _party_pairing(actor: User | None, pairing_id: int):
    """The pairing if the actor is one of its two parties; everyone else gets NotFound."""
    pairing = get_pairing(actor, pairing_id)  # NotFound for outsiders
    side = side_of(actor, pairing)
    if side is None:  # an operator may look, but the thread belongs to the two parties
        raise NotFound("对接不存在或无权查看。")
    return pairing, side


def post_message(actor: User | None, pairing_id: int, body: str | None) -> PairingMessage:
    """A party writes to the other side while the pairing is proposed or connected."""
    pairing, side = _party_pairing(actor, pairing_id)
    errors = FieldErrors()
    text = stripped_text(body, "body", errors)  # not text: that error stays the field's first
    if not text:
        errors.add("body", "请输入消息内容。")
    elif len(text) > MESSAGE_MAX:
        errors.add("body", f"最多 {MESSAGE_MAX:,} 个字符（当前 {len(text):,}）。")
    errors.raise_if_any()
    if pairing.status not in OPEN_STATUSES:
        raise Conflict(f"对接{pairing.status.label}，消息往来已结束。")
    message = PairingMessage(pairing_id=pairing.id, author_id=actor.id, body=text)
    db.session.add(message)
    db.session.flush()
    notify(organization_members(side_organization_id(pairing, other_side(side))), NotificationKind.MESSAGE,
           f"{party_name(pairing, actor)} 发来消息（“{pairing.demand.title}” ↔ “{pairing.result.title}”）："
           f"{text[:80]}", pairing_link(pairing))
    return message


def list_messages(viewer: User | None, pairing_id: int, page: int, per_page: int) -> Page:
    """The thread, oldest first so the newest is last (parties and operators may read it)."""
    pairing = get_pairing(viewer, pairing_id)
    query = (sa.select(PairingMessage).where(PairingMessage.pairing_id == pairing.id)
             .order_by(PairingMessage.created_at, PairingMessage.id))
    return paginate(query, page, per_page)


def last_page(viewer: User | None, pairing_id: int, per_page: int) -> int:
    """The page holding the newest message (a thread opens on it)."""
    pairing = get_pairing(viewer, pairing_id)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(PairingMessage)
                              .where(PairingMessage.pairing_id == pairing.id)) or 0
    return max(1, -(-count // per_page))
