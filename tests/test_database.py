"""Database behaviour the services rely on, on every backend."""
import sqlalchemy as sa

from models import Organization, OrgKind, db


def test_a_savepoint_first_in_a_unit_of_work_does_not_commit_it(ctx):
    """pysqlite would open its own transaction at the SAVEPOINT and COMMIT it at the RELEASE; the
    unit of work must stay one transaction that a later failure rolls back whole."""
    with db.session.begin_nested():
        db.session.add(Organization(name="保存点测试机构", kind=OrgKind.ENTERPRISE))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0
