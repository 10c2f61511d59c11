"""Selection under stale reads: SQLite has no row lock, so a request read before a colleague's
acceptance committed can look untouched; the compare-and-set must still refuse a second
acceptance by the same party (the API's 409), not record it again."""
import pytest
import sqlalchemy as sa

from marketplace.services.errors import Conflict
from marketplace.services.poc import selection
from models import Notification, Role, ValidationRequest, db
from tests.factories import make_user
from tests.poc_factories import make_bid, make_center, make_world


def test_a_party_that_accepted_meanwhile_is_not_recorded_twice(ctx, monkeypatch):
    world = make_world()
    bid = make_bid(make_center(), world)
    colleague = make_user(Role.ENTERPRISE, organization=world.enterprise.organization)
    stale = db.session.get(ValidationRequest, world.request.id)
    assert stale.enterprise_choice_id is None
    with db.engine.begin() as other_connection:  # the colleague's acceptance, committed elsewhere
        other_connection.execute(sa.update(ValidationRequest).where(ValidationRequest.id == stale.id)
                                 .values(enterprise_choice_id=bid.id))
    notices = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    monkeypatch.setattr(selection, "_lock", lambda request: request)  # what an unlocked read may return
    with pytest.raises(Conflict, match="需求企业已选定这份方案"):
        selection.accept_bid(colleague, bid.id)
    db.session.rollback()
    assert db.session.get(ValidationRequest, stale.id).enterprise_choice_id == bid.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == notices
