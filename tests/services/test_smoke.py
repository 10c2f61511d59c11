from models import Demand, db

from ..factories import make_demand, make_user


def test_create_demand_persists(ctx):
    user = make_user()
    demand = make_demand(user, status="published")
    assert db.session.get(Demand, demand.id).status.value == "published"


def test_tables_are_empty_at_start(ctx):
    assert db.session.scalar(db.select(db.func.count(Demand.id))) == 0
