"""Bounded lists: rows are counted up to a cap and pages stop at that depth, so a list costs the
same however large the table grows."""
import sqlalchemy as sa

from marketplace.services.pagination import paginate
from models import Organization, OrgKind, db
from tests.factories import make_org


def orgs_query():
    return sa.select(Organization).order_by(Organization.id)


def test_counts_stop_at_the_cap_and_say_so(ctx):
    for _ in range(7):
        make_org(OrgKind.ENTERPRISE)
    page = paginate(orgs_query(), 1, 2, count_cap=5)
    assert (page.total, page.capped, page.pages, len(page.items)) == (5, True, 3, 2)
    exact = paginate(orgs_query(), 1, 2, count_cap=7)
    assert (exact.total, exact.capped) == (7, False)


def test_pages_end_at_the_cap(ctx):
    made = [make_org(OrgKind.ENTERPRISE).id for _ in range(7)]
    last = paginate(orgs_query(), 3, 2, count_cap=5)
    assert [o.id for o in last.items] == made[4:5]  # row 5 is the last one reachable
    assert paginate(orgs_query(), 4, 2, count_cap=5).items == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 7
