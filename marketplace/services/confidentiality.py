"""What a person does with a confidential demand: read it (logged), accept the undertaking, and
(the owner) read who read it."""
from __future__ import annotations

from models import ConfidentialityUndertaking, Demand, PairingStatus, Role, User, Visibility

from .demands import get_demand, get_editable_demand
from .disclosure import access_log_page, center_involved, log_detail_read, pairing_statuses, record_undertaking
from .errors import Conflict, PermissionDenied
from .pagination import Page
from .visibility import Disclosure, disclosure


def read_demand(viewer: User | None, demand_id: int, channel: str) -> tuple[Demand, Disclosure]:
    """A demand and what the viewer may see of it; a non-owner's read of confidential details is logged."""
    demand = get_demand(viewer, demand_id)
    shown = disclosure(demand, viewer)
    if shown.details:
        log_detail_read(demand, viewer, channel)
    return demand, shown


def accept_undertaking(actor: User, demand_id: int) -> tuple[ConfidentialityUndertaking, bool]:
    """The actor's organization undertakes to keep the demand's details confidential (one click,
    idempotent); only a party to a live pairing on the demand may. Says whether it is new."""
    demand = get_demand(actor, demand_id)
    if demand.visibility is not Visibility.CONFIDENTIAL:
        raise Conflict("这项需求不是保密需求，无需签署保密承诺。")
    if demand.is_owned_by(actor):
        raise Conflict("发布机构无需签署自己需求的保密承诺。")
    if actor.role is Role.CENTER:
        if not center_involved(demand, actor.organization_id):
            raise PermissionDenied("只有这项需求开放概念验证征集期间，或已投标的验证中心可以签署保密承诺。")
        return record_undertaking(demand, actor)
    live = {PairingStatus.PROPOSED, PairingStatus.CONNECTED}
    if not live & pairing_statuses(demand, actor.organization_id):
        raise PermissionDenied("只有与这项需求有对接（待回复或已对接）的机构可以签署保密承诺。")
    return record_undertaking(demand, actor)


def access_log(actor: User, demand_id: int, page: int, per_page: int) -> tuple[Demand, Page]:
    """The owner reads who viewed the confidential details, newest first (others: 404/403)."""
    demand = get_editable_demand(actor, demand_id)
    return demand, access_log_page(demand, page, per_page)
