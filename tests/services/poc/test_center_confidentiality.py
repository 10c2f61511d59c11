"""A confidential demand's details stay behind its undertaking for PoC centers too: a center that
may bid (the demand has an open request) or has bid signs it, and then reads the details as a
logged read; other centers cannot sign it and see the public summary only."""
import pytest
import sqlalchemy as sa

from marketplace.services import confidentiality
from marketplace.services.errors import PermissionDenied
from marketplace.services.poc import requests
from marketplace.services.visibility import disclosure
from models import DisclosureLog, Role, db
from tests.factories import make_connected_pairing, make_demand, make_result, make_user
from tests.poc_factories import make_bid, make_center, request_data


@pytest.fixture
def confidential(ctx):
    from flask import current_app

    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要：电池安全")
    pairing = make_connected_pairing(demand, make_result(researcher, status="published"))
    request = requests.open_request(enterprise, pairing.id, request_data(), current_app.extensions["match_index"])
    db.session.commit()
    return enterprise, demand, request


def test_a_center_reads_the_details_only_after_signing_the_undertaking(confidential):
    _, demand, _ = confidential
    center = make_center()
    assert not disclosure(demand, center).details
    confidentiality.accept_undertaking(center, demand.id)
    db.session.commit()
    shown_demand, shown = confidentiality.read_demand(center, demand.id, "web")
    db.session.commit()
    assert shown.details
    assert db.session.scalar(sa.select(DisclosureLog.organization_id)) == center.organization_id


def test_once_bidding_closes_only_bidders_keep_access(confidential):
    enterprise, demand, request = confidential
    bidder, bystander = make_center(), make_center()
    from tests.poc_factories import World
    make_bid(bidder, World(enterprise, None, request.pairing, request))
    for center in (bidder, bystander):
        confidentiality.accept_undertaking(center, demand.id)
    requests.cancel_request(enterprise, request.id)
    db.session.commit()
    assert disclosure(demand, bidder).details
    assert not disclosure(demand, bystander).details


def test_a_center_without_an_open_request_or_bid_cannot_sign(ctx):
    enterprise = make_user(Role.ENTERPRISE)
    demand = make_demand(enterprise, status="published", visibility="confidential", summary="公开摘要")
    center = make_center()
    with pytest.raises(PermissionDenied):
        confidentiality.accept_undertaking(center, demand.id)
    assert not disclosure(demand, center).details


def test_on_the_web_a_center_signs_from_the_request_page_and_then_reads_the_demand(client, confidential):
    from tests.factories import csrf_token, login

    _, demand, request = confidential
    center = make_center()
    login(client, center)
    page = client.get(f"/validation/requests/{request.id}").get_data(as_text=True)
    assert "签署保密承诺" in page and demand.description not in page
    token = csrf_token(client, f"/validation/requests/{request.id}")
    answer = client.post(f"/demands/{demand.id}/undertaking", data={"csrf_token": token})
    assert answer.status_code == 302
    assert demand.description in client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "查看完整需求" in client.get(f"/validation/requests/{request.id}").get_data(as_text=True)
