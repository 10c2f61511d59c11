"""Listing ids outside 1..2**31-1 exist nowhere: NotFound without asking the database.

PostgreSQL refuses such an id in a query (a 500 before the bound); SQLite takes up to 2**63-1
and overflows beyond, so the bound is tested here by what reaches the session on both."""
from __future__ import annotations

import pytest

from marketplace.services import demands, listings, results
from marketplace.services.errors import NotFound
from models import Demand, Result, Role, db
from tests.factories import make_demand, make_result, make_user


@pytest.fixture
def lookups(monkeypatch):
    """The ids that reach db.session.get."""
    seen = []
    real_get = db.session.get

    def spy(model, ident, *args, **kwargs):
        seen.append(ident)
        return real_get(model, ident, *args, **kwargs)

    monkeypatch.setattr(db.session, "get", spy)
    return seen


@pytest.mark.parametrize("listing_id", [0, -1, 2**31, 2**31 + 5, 2**63, 10**30])
@pytest.mark.parametrize("model", [Demand, Result])
def test_ids_beyond_a_database_integer_are_not_found_without_a_query(ctx, lookups, model, listing_id):
    with pytest.raises(NotFound):
        listings.get_listing(model, listing_id)
    assert lookups == []


def test_ids_within_the_bound_are_looked_up(ctx, lookups):
    with pytest.raises(NotFound):
        listings.get_listing(Demand, listings.DB_INT_MAX)
    assert lookups == [2**31 - 1]
    demand = make_demand(make_user(Role.ENTERPRISE), status="published")
    assert demand.id >= 1 and listings.get_listing(Demand, demand.id) is demand


def test_services_answer_not_found_for_an_overflowing_id(ctx):
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    make_demand(enterprise, status="published")
    make_result(researcher, status="published")
    for listing_id in (2**31, 2**63):  # 2**63 overflows SQLite's integer too
        with pytest.raises(NotFound):
            demands.get_demand(enterprise, listing_id)
        with pytest.raises(NotFound):
            results.get_result(researcher, listing_id)
        with pytest.raises(NotFound):
            demands.get_editable_demand(enterprise, listing_id)
