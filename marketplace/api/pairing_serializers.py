"""JSON shapes of pairings, thread messages, undertakings and access-log entries."""
from __future__ import annotations

from models import ConfidentialityUndertaking, DisclosureLog, Pairing, PairingMessage, PairingStatus, User, Visibility
from ..services.pairings import expires_at, side_of
from .serializers import iso


def _party(organization, shown: bool) -> dict | None:
    return {"id": organization.id, "name": organization.name} if shown else None


def _demand_org_shown(pairing: Pairing, viewer: User | None) -> bool:
    demand = pairing.demand
    return (demand.visibility is not Visibility.ANONYMOUS or pairing.status is PairingStatus.CONNECTED
            or demand.is_owned_by(viewer))


def pairing_json(pairing: Pairing, viewer: User | None) -> dict:
    """A pairing as a party or an operator sees it (an anonymous demand's enterprise shows once connected)."""
    demand, result = pairing.demand, pairing.result
    demand_org_shown = _demand_org_shown(pairing, viewer)
    side = side_of(viewer, pairing)
    return {
        "id": pairing.id, "demand_id": demand.id, "result_id": result.id, "status": pairing.status.value,
        "demand": {"id": demand.id, "title": demand.title, "visibility": demand.visibility.value,
                   "organization": _party(demand.organization, demand_org_shown)},
        "result": {"id": result.id, "title": result.title, "organization": _party(result.organization, True)},
        "proposed_by": pairing.proposed_by.value, "proposer_id": pairing.proposer_id,
        "your_side": side.value if side else None, "message": pairing.message,
        "respond_by": iso(pairing.respond_by), "expires_at": iso(expires_at(pairing)),
        "overdue": pairing.overdue_notified_at is not None and pairing.status is PairingStatus.PROPOSED,
        "overdue_notified_at": iso(pairing.overdue_notified_at),
        "responder_id": pairing.responder_id, "responded_at": iso(pairing.responded_at),
        "decline_reason": pairing.decline_reason.value if pairing.decline_reason else None,
        "decline_reason_label": pairing.decline_reason.label if pairing.decline_reason else None,
        "reason_text": pairing.decline_text or None,
        "score": pairing.score, "score_components": pairing.score_components,
        "created_at": iso(pairing.created_at), "updated_at": iso(pairing.updated_at),
    }


def message_json(message: PairingMessage, pairing: Pairing | None = None, viewer: User | None = None) -> dict:
    """One thread message; an anonymous demand's writers stay unnamed to the other side until
    connected (as on the pairing page)."""
    author = message.author
    hidden = (pairing is not None and author.organization_id == pairing.demand.organization_id
              and not _demand_org_shown(pairing, viewer))
    return {"id": message.id, "pairing_id": message.pairing_id, "body": message.body,
            "author": {"id": None, "display_name": "需求方"} if hidden else
            {"id": author.id, "display_name": author.display_name},
            "created_at": iso(message.created_at)}


def undertaking_json(undertaking: ConfidentialityUndertaking) -> dict:
    """An organization's confidentiality undertaking for a demand."""
    return {"id": undertaking.id, "demand_id": undertaking.demand_id,
            "organization_id": undertaking.organization_id, "user_id": undertaking.user_id,
            "accepted_at": iso(undertaking.accepted_at)}


def disclosure_log_json(entry: DisclosureLog) -> dict:
    """One read of a confidential demand's details."""
    return {"id": entry.id, "demand_id": entry.demand_id, "channel": entry.channel,
            "user": {"id": entry.user.id, "display_name": entry.user.display_name, "email": entry.user.email},
            "organization": {"id": entry.organization_id, "name": getattr(entry, "organization_name", "")},
            "viewed_at": iso(entry.viewed_at)}
