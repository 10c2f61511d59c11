"""Which open requests suit a center: best first, with reasons; full centers cannot bid; a fit
does not move because other listings appear."""
from flask import current_app

from marketplace.services.poc import fit
from models import CenterProfile, Role, db
from tests.factories import make_demand, make_user
from tests.poc_factories import engage, make_center, make_world


def ranked(center):
    return fit.open_requests_for(center, current_app.extensions["match_index"], 1, 20).items


def test_requests_in_the_centers_field_come_first_with_reasons(ctx):
    center = make_center()
    battery = make_world()
    other = make_world()
    other.pairing.demand.field_code = "ai"
    db.session.commit()
    fits = ranked(center)
    assert [f.request.id for f in fits] == [battery.request.id, other.request.id]
    assert fits[0].fit > fits[1].fit
    assert any(r.startswith("覆盖领域：新能源") for r in fits[0].reasons)
    assert any(r.startswith("提供所需服务") for r in fits[0].reasons)
    assert not any(r.startswith("覆盖领域") for r in fits[1].reasons)


def test_missing_services_are_named(ctx):
    center = make_center(services=["technical_validation"])
    make_world(needs="both")
    (found,) = ranked(center)
    assert "缺少所需服务：商业验证" in found.reasons


def test_a_full_center_sees_requests_but_cannot_bid(ctx):
    center = make_center(capacity=1)
    engage(make_world(), center)
    fresh = make_world()
    found = next(f for f in ranked(center) if f.request.id == fresh.request.id)
    assert not found.can_bid and any("满负荷" in r for r in found.reasons)


def test_without_a_profile_the_requests_are_listed_unranked(ctx):
    world = make_world()
    (found,) = ranked(make_user(Role.CENTER))
    assert found.request.id == world.request.id and not found.can_bid


def test_a_fit_is_a_property_of_the_center_and_the_request(ctx):
    center = make_center()
    world = make_world()
    profile = db.session.get(CenterProfile, center.organization_id)
    index = current_app.extensions["match_index"]
    before = fit.request_fit(profile, world.request, index)
    make_demand(make_user(), status="published", title="锂电池热失控预警与储能安全监测", keywords=["热失控", "储能"])
    after = fit.request_fit(profile, world.request, index)
    assert before.fit == after.fit and before.reasons == after.reasons
