"""What pairing notifications say about who is on the other side: an anonymous demand's
enterprise is "一家匿名企业" until the pairing is connected, and named from then on."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from marketplace.services import pairing_messages, pairings
from models import Notification, NotificationKind, Role, db
from tests.factories import make_demand, make_result, make_user

HIDDEN = "一家匿名企业"


def setup(visibility: str):
    """An enterprise with a published demand of ``visibility`` and a university with a result."""
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", visibility=visibility, summary="寻求储能安全方案")
    result = make_result(researcher, status="published")
    return enterprise, researcher, demand, result


def propose(actor, demand, result):
    pairing = pairings.propose_pairing(actor, demand.id, result.id, "希望合作。",
                                       current_app.extensions["match_index"], 14)
    db.session.commit()
    return pairing


def texts(user, kind: NotificationKind) -> list[str]:
    """The texts of the user's notifications of one kind, oldest first (at least one)."""
    found = list(db.session.scalars(sa.select(Notification.text).where(
        Notification.user_id == user.id, Notification.kind == kind).order_by(Notification.id)))
    assert found, f"no {kind.value} notification for {user.email}"
    return found


def test_an_anonymous_demands_proposal_hides_the_enterprise(ctx):
    enterprise, researcher, demand, result = setup("anonymous")
    propose(enterprise, demand, result)
    [text] = texts(researcher, NotificationKind.PAIRING_PROPOSED)
    assert text.startswith(f"{HIDDEN} 希望对接：“{demand.title}” ↔ “{result.title}”")
    assert enterprise.organization.name not in text


def test_the_enterprise_is_named_once_it_accepts(ctx):
    enterprise, researcher, demand, result = setup("anonymous")
    pairing = propose(researcher, demand, result)
    [proposed] = texts(enterprise, NotificationKind.PAIRING_PROPOSED)
    assert proposed.startswith(f"{researcher.organization.name} 希望对接")  # the result side is never hidden
    pairings.accept_pairing(enterprise, pairing.id)
    db.session.commit()
    [accepted] = texts(researcher, NotificationKind.PAIRING_ACCEPTED)
    assert accepted == f"{enterprise.organization.name} 接受了对接：“{demand.title}” ↔ “{result.title}”。"


def test_messages_name_the_enterprise_only_after_connection(ctx):
    enterprise, researcher, demand, result = setup("anonymous")
    pairing = propose(researcher, demand, result)
    pairing_messages.post_message(enterprise, pairing.id, "连接前")
    pairings.accept_pairing(enterprise, pairing.id)
    pairing_messages.post_message(enterprise, pairing.id, "连接后")
    pairing_messages.post_message(researcher, pairing.id, "回复")
    db.session.commit()
    before, after = texts(researcher, NotificationKind.MESSAGE)
    assert before.startswith(f"{HIDDEN} 发来消息") and before.endswith("：连接前")
    assert enterprise.organization.name not in before
    assert after.startswith(f"{enterprise.organization.name} 发来消息") and after.endswith("：连接后")
    [reply] = texts(enterprise, NotificationKind.MESSAGE)
    assert reply.startswith(f"{researcher.organization.name} 发来消息")


@pytest.mark.parametrize("visibility", ["public", "confidential"])
def test_other_demands_name_the_enterprise_from_the_start(ctx, visibility):
    enterprise, researcher, demand, result = setup(visibility)
    propose(enterprise, demand, result)
    [text] = texts(researcher, NotificationKind.PAIRING_PROPOSED)
    assert text.startswith(f"{enterprise.organization.name} 希望对接")
