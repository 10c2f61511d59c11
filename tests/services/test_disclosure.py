"""Confidential demands beyond the happy path: why an undertaking is refused, a concurrent
undertaking, the order and names of the access log, and reads that are not logged."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from marketplace.services import confidentiality, disclosure, pairings
from marketplace.services.errors import Conflict, PermissionDenied
from models import ConfidentialityUndertaking, DisclosureLog, Role, db, utcnow
from tests.factories import make_demand, make_result, make_user


@pytest.fixture
def secret(ctx):
    """An enterprise's confidential demand and a university's result, not yet paired."""
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要：储能安全")
    result = make_result(researcher, status="published")
    return enterprise, researcher, demand, result


def propose(actor, demand, result):
    pairing = pairings.propose_pairing(actor, demand.id, result.id, "希望合作。",
                                       current_app.extensions["match_index"], 14)
    db.session.commit()
    return pairing


def undertakings() -> list[tuple[int, int]]:
    return [tuple(row) for row in db.session.execute(sa.select(ConfidentialityUndertaking.demand_id,
                                                               ConfidentialityUndertaking.organization_id))]


def test_each_refused_undertaking_says_why(secret):
    enterprise, researcher, demand, result = secret
    public = make_demand(enterprise, status="published")
    draft = make_demand(enterprise, visibility="confidential", summary="草稿摘要")
    for actor, listing, error, message in (
            (researcher, public, Conflict, "这项需求不是保密需求，无需签署保密承诺。"),
            (enterprise, demand, Conflict, "发布机构无需签署自己需求的保密承诺。"),
            (enterprise, draft, Conflict, "发布机构无需签署自己需求的保密承诺。"),  # the owner sees its draft
            (researcher, demand, PermissionDenied, "只有与这项需求有对接（待回复或已对接）的机构可以签署保密承诺。")):
        with pytest.raises(error) as caught:
            confidentiality.accept_undertaking(actor, listing.id)
        assert caught.value.message == message
    assert undertakings() == []


def test_details_need_this_organizations_connection_on_this_demand(secret):
    enterprise, researcher, demand, result = secret
    elsewhere = make_demand(enterprise, status="published", visibility="confidential", summary="另一份摘要")
    rival = make_user(Role.RESEARCHER)
    rival_result = make_result(rival, status="published", title="另一所高校的成果")
    pairings.accept_pairing(enterprise, propose(researcher, elsewhere, result).id)  # connected elsewhere
    pairings.accept_pairing(enterprise, propose(rival, demand, rival_result).id)  # another org, connected here
    propose(researcher, demand, result)  # only proposed here
    confidentiality.accept_undertaking(researcher, demand.id)
    db.session.commit()
    assert disclosure.pairing_statuses(demand, researcher.organization_id) == {pairings.PairingStatus.PROPOSED}
    assert disclosure.pairing_statuses(demand, rival.organization_id) == {pairings.PairingStatus.CONNECTED}
    assert not disclosure.can_read_details(demand, researcher)
    assert disclosure.can_read_details(demand, enterprise) and not disclosure.can_read_details(demand, None)
    assert disclosure.needs_undertaking(demand, rival) and not disclosure.can_read_details(demand, rival)


def test_who_still_needs_to_accept_the_undertaking(secret):
    enterprise, researcher, demand, result = secret
    public = make_demand(enterprise, status="published")
    propose(researcher, public, result)
    pairing = propose(researcher, demand, result)
    assert disclosure.needs_undertaking(demand, researcher)
    assert not disclosure.needs_undertaking(public, researcher)  # not confidential
    assert not disclosure.needs_undertaking(demand, enterprise)  # the owner
    assert not disclosure.needs_undertaking(demand, None)
    assert not disclosure.needs_undertaking(demand, make_user(Role.RESEARCHER))  # no pairing
    pairings.decline_pairing(enterprise, pairing.id, "too_early")
    db.session.commit()
    assert not disclosure.needs_undertaking(demand, researcher)  # no live pairing any more


def test_a_concurrent_undertaking_is_found_not_duplicated(secret, monkeypatch):
    enterprise, researcher, demand, result = secret
    other = make_demand(enterprise, status="published", visibility="confidential", summary="另一份摘要")
    for listing in (other, demand):
        propose(researcher, listing, result)
    first, created = confidentiality.accept_undertaking(researcher, other.id)
    db.session.commit()
    assert created and (first.demand_id, first.organization_id) == (other.id, researcher.organization_id)
    # a colleague's click lands between our check and our insert
    colleague = make_user(Role.RESEARCHER, organization=researcher.organization)
    theirs, _ = disclosure.record_undertaking(demand, colleague)
    db.session.commit()
    real = disclosure._undertaking
    calls = []
    monkeypatch.setattr(disclosure, "_undertaking", lambda *a: calls.append(a) or (None if len(calls) == 1 else real(*a)))
    found, created = disclosure.record_undertaking(demand, researcher)
    assert not created and found.id == theirs.id and found.user_id == colleague.id
    assert calls == [(demand.id, researcher.organization_id)] * 2
    db.session.commit()  # the failed insert was rolled back to its savepoint only
    assert sorted(undertakings()) == sorted([(other.id, researcher.organization_id),
                                             (demand.id, researcher.organization_id)])


def test_undertakings_are_per_demand_and_per_organization(secret):
    enterprise, researcher, demand, result = secret
    second = make_demand(enterprise, status="published", visibility="confidential", summary="第二份摘要")
    rival = make_user(Role.RESEARCHER)
    rival_result = make_result(rival, status="published", title="另一所高校的成果")
    for listing in (demand, second):
        propose(researcher, listing, result)
    propose(rival, demand, rival_result)
    mine, _ = confidentiality.accept_undertaking(researcher, second.id)
    theirs, _ = confidentiality.accept_undertaking(rival, demand.id)
    db.session.commit()
    assert not disclosure.has_undertaking(demand, researcher.organization_id)
    assert disclosure.has_undertaking(second, researcher.organization_id)
    assert disclosure.has_undertaking(demand, rival.organization_id)
    assert disclosure.needs_undertaking(demand, researcher) and not disclosure.needs_undertaking(second, researcher)
    again, created = confidentiality.accept_undertaking(researcher, demand.id)
    assert created and again.id not in (mine.id, theirs.id)


def test_access_log_is_newest_first_by_time_with_organization_names(secret):
    enterprise, researcher, demand, result = secret
    other = make_user(Role.RESEARCHER)
    now = utcnow()
    # inserted out of time order: the log orders by when each read happened, then by id
    for user, minutes in ((researcher, 5), (other, 30), (researcher, 1), (other, 1)):
        db.session.add(DisclosureLog(demand_id=demand.id, user_id=user.id, organization_id=user.organization_id,
                                     channel="web", viewed_at=now - timedelta(minutes=minutes)))
    db.session.commit()
    _, page = confidentiality.access_log(enterprise, demand.id, 1, 3)
    assert page.total == 4
    assert [(e.user_id, e.viewed_at) for e in page.items] == [
        (other.id, now - timedelta(minutes=1)), (researcher.id, now - timedelta(minutes=1)),
        (researcher.id, now - timedelta(minutes=5))]
    assert [e.organization_name for e in page.items] == [other.organization.name, researcher.organization.name,
                                                         researcher.organization.name]
    _, last = confidentiality.access_log(enterprise, demand.id, 2, 3)
    assert [(e.user_id, e.organization_name) for e in last.items] == [(other.id, other.organization.name)]


def test_only_non_owners_reads_of_confidential_details_are_logged(secret):
    enterprise, researcher, demand, result = secret
    public = make_demand(enterprise, status="published")
    assert disclosure.log_detail_read(public, researcher, "web") is None
    assert disclosure.log_detail_read(demand, None, "web") is None
    assert disclosure.log_detail_read(demand, enterprise, "web") is None
    entry = disclosure.log_detail_read(demand, researcher, "telnet")  # an unknown channel counts as web
    db.session.commit()
    assert (entry.demand_id, entry.user_id, entry.organization_id, entry.channel) == (
        demand.id, researcher.id, researcher.organization_id, "web")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DisclosureLog)) == 1
