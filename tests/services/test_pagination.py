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


def test_a_page_is_read_ids_first_in_the_query_order(ctx):
    """page_rows: the ids of the page (filter and order alone), then those rows with their eager
    loads — same rows, same order, no duplicates, whatever the joins."""
    from marketplace.services.pagination import page_rows
    from tests.query_counter import statements

    made = [make_org(OrgKind.ENTERPRISE, name=f"机构{n}") for n in range(6)]
    newest_first = sa.select(Organization).order_by(Organization.id.desc())
    with statements() as seen:
        rows = page_rows(newest_first, 3, 1)
    assert [o.id for o in rows] == [o.id for o in made[::-1][1:4]]
    assert len(seen) == 2 and "LIMIT" in seen[0][0] and "LIMIT" not in seen[1][0]
    assert page_rows(newest_first.where(Organization.id < 0), 3, 0) == []
    from models import User
    from tests.factories import make_user
    for _ in range(3):  # a one-to-many join repeats the organization once per member
        make_user(organization=made[0])
    joined = sa.select(Organization).join(User, User.organization_id == Organization.id).order_by(Organization.id)
    assert [o.id for o in page_rows(joined, 5, 0)] == [made[0].id]
    columns = sa.select(Organization.id, Organization.name).order_by(Organization.id)  # not one entity
    assert page_rows(columns, 2, 0) == [made[0].id, made[1].id]  # scalars, as before


def test_a_count_is_remembered_while_its_version_holds(ctx):
    from marketplace.services.remembered import forget_all
    from tests.query_counter import statements

    forget_all()
    version = [1]
    for _ in range(3):
        make_org(OrgKind.ENTERPRISE)
    assert paginate(orgs_query(), 1, 2, count_version=lambda: version[0]).total == 3
    make_org(OrgKind.ENTERPRISE)
    with statements() as seen:
        remembered = paginate(orgs_query(), 1, 2, count_version=lambda: version[0])
    assert remembered.total == 3  # the version did not move: the remembered count
    assert not any("count(" in statement.lower() for statement, _ in seen)
    version[0] = 2
    assert paginate(orgs_query(), 1, 2, count_version=lambda: version[0]).total == 4
    other_filter = orgs_query().where(Organization.id > 0)  # another statement: its own count
    assert paginate(other_filter, 1, 2, count_version=lambda: version[0]).total == 4
    assert paginate(orgs_query(), 1, 2).total == 4  # no version: always counted


def test_a_new_listing_shows_in_the_count_at_once(client, ctx):
    """The remembered counts of the lists follow every listing change (create, publish, close)."""
    from marketplace.services import demands
    from models import DemandStatus, Role
    from tests.factories import make_demand, make_user

    def total() -> int:
        return client.get("/api/v1/demands").get_json()["total"]

    owner = make_user(Role.ENTERPRISE)
    first = make_demand(owner, title="储能热管理", status="published")
    assert total() == 1
    make_demand(owner, title="氢能储运", status="published")
    assert total() == 2
    draft = make_demand(owner, title="草稿")
    assert total() == 2
    demands.change_demand_status(owner, draft.id, DemandStatus.PUBLISHED)
    db.session.commit()
    assert total() == 3
    demands.change_demand_status(owner, first.id, DemandStatus.CLOSED)
    db.session.commit()
    assert total() == 2
