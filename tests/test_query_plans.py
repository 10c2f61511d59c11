"""On PostgreSQL with 100,000 demands, results, pairings, notifications, events and listing changes, no
statement of the lists, counts, home page, statistics, workspace or notifications reads more than
about twice the count cap of any of those tables: each is answered through an index or a bounded
scan, so its cost does not grow with the table (EXPLAIN ANALYZE, rows read per table, asserted).
Skipped on SQLite: its planner is not what production runs."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.services import browse
from marketplace.services.pagination import COUNT_CAP
from matching import Matcher
from models import ListingChange, Role, db
from tests.factories import api_token, login, make_user
from tests.query_counter import statements

ROWS = 100_000
BIG_TABLES = ("demands", "results", "pairings", "notifications", "events", "listing_changes")
MOST_ROWS_READ = 2 * COUNT_CAP + 1_000  # a count reads up to the cap; nothing reads the whole table
PAGES = ["/", "/demands/", "/results/", "/demands/?field=ai", "/results/?field=ai", "/demands/?status=closed",
         "/demands/?q=热失控", "/demands/?q=热失控&sort=newest", "/results/?q=热失控&sort=price&field=ai",
         "/api/v1/demands", "/api/v1/results?per_page=100", "/api/v1/demands?page=200",
         "/demands/?page=400", "/stats/", "/me/", "/notifications/", "/api/v1/notifications",
         "/pairings/", "/pairings/?direction=incoming", "/api/v1/pairings",
         "/demands/?sort=budget", "/api/v1/demands?sort=deadline"]  # a member whose organization has no confidential demand


def fill(enterprise, researcher) -> None:
    """ROWS generated demands and results (one in 1,000 the signed-in users': a hundred each, a
    large organization), a pairing for each demand (half still awaiting an answer, none overdue),
    a notification per 1,000."""
    common = ("now() - (n || ' minutes')::interval, now() - (n || ' minutes')::interval, "
              "now() - (n || ' minutes')::interval")
    fields = "(ARRAY['ai','new_energy','ic','biomed','new_materials'])[1 + n % 5]"
    db.session.execute(sa.text(
        "INSERT INTO demands (title, description, summary, budget_min, budget_max, deadline, cooperation_mode, "
        "trl_target, region, visibility, status, keywords, hidden_reason, created_at, updated_at, published_at, "
        f"organization_id, created_by_id, field_code) SELECT '需求 ' || n, '描述 ' || n, '', 10, 20, current_date + 90, "
        f"'development', 1 + n % 9, '上海市', 'public', CASE WHEN n % 10 = 0 THEN 'closed' ELSE 'published' END, '[]', '', {common}, "
        f"CASE WHEN n % 1000 = 0 THEN :org ELSE :other_org END, :user, {fields} FROM generate_series(1, :rows) AS n"),
        {"org": enterprise.organization_id, "other_org": make_user(Role.ENTERPRISE).organization_id,
         "user": enterprise.id, "rows": ROWS})
    db.session.execute(sa.text(
        "INSERT INTO results (title, abstract, trl, maturity, transfer_modes, asking_price, region, status, keywords, "
        f"hidden_reason, created_at, updated_at, published_at, organization_id, created_by_id, field_code) SELECT '成果 ' || n, "
        f"'摘要 ' || n, 1 + n % 9, 'lab', '[\"license\"]', NULL, '北京市', 'published', '[]', '', {common}, "
        f"CASE WHEN n % 1000 = 0 THEN :org ELSE :other_org END, :user, {fields} FROM generate_series(1, :rows) AS n"),
        {"org": researcher.organization_id, "other_org": make_user(Role.RESEARCHER).organization_id,
         "user": researcher.id, "rows": ROWS})
    db.session.execute(sa.text(
        "INSERT INTO pairings (demand_id, result_id, demand_organization_id, result_organization_id, proposer_id, "
        "proposed_by, message, status, respond_by, decline_text, created_at, updated_at) SELECT d.id, r.id, d.org, "
        "r.org, :user, 'demand', '', CASE WHEN d.n % 2 = 0 THEN 'connected' ELSE 'proposed' END, "
        "now() + interval '7 days', '', d.published_at, d.published_at FROM (SELECT id, organization_id AS org, "
        "published_at, row_number() OVER (ORDER BY id) AS n FROM demands) AS d JOIN (SELECT id, organization_id AS "
        "org, row_number() OVER (ORDER BY id) AS n FROM results) AS r USING (n)"),
        {"user": enterprise.id})
    # Notifications: most of them another person's, as on a platform with many users.
    other = make_user(Role.RESEARCHER)
    db.session.execute(sa.text(
        "INSERT INTO notifications (user_id, kind, text, link, created_at) SELECT CASE WHEN n % 1000 = 0 THEN :user "
        "ELSE :other END, 'message', '消息 ' || n, '', now() - (n || ' minutes')::interval "
        "FROM generate_series(1, :rows) AS n"), {"user": enterprise.id, "other": other.id, "rows": ROWS})
    db.session.execute(sa.text(
        "INSERT INTO events (kind, demand_id, field_code, created_at) SELECT 'demand_published', id, field_code, "
        "published_at FROM demands"))
    db.session.execute(sa.text(
        "INSERT INTO listing_changes (kind, listing_id, created_at) SELECT 'demand', id, now() FROM demands"))
    db.session.commit()
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def rows_examined(statement: str, parameters) -> dict[str, int]:
    """Rows each big table's scans actually read (returned plus removed by a filter), by table."""
    with db.engine.connect() as conn:
        (document,), = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).all()
    read: dict[str, int] = {}
    stack = [document[0]["Plan"]]
    while stack:
        node = stack.pop()
        stack.extend(node.get("Plans", []))
        table = node.get("Relation Name")
        if table in BIG_TABLES and "Scan" in node["Node Type"]:
            examined = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
            read[table] = read.get(table, 0) + examined
    return read


@pytest.fixture
def big(ctx, monkeypatch):
    if ctx.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("query plans are checked on PostgreSQL only")
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    fill(enterprise, researcher)
    # Keyword lists ask the match index for ids; building it over 200,000 rows is not this test's
    # subject, the statement with the ids is.
    # A thousand ids, as many as a common word brings.
    monkeypatch.setattr(browse, "_keyword_ids", lambda index, q, kind, status, field: list(range(1, 3001, 3)))
    index = ctx.extensions["match_index"]  # the workspace's suggestions are not this test's subject:
    index.matcher = Matcher().fit([])  # an empty index, current with the generated change log
    index.last_change_id = db.session.scalar(sa.select(sa.func.max(ListingChange.id)))
    yield enterprise
    db.session.rollback()
    db.session.execute(sa.text("TRUNCATE demands, results, pairings, notifications, events, listing_changes CASCADE"))
    db.session.commit()


# Sorted as a visitor sees them (a confidential demand's budget and deadline empty): the
# expression indexes of migration 0008, which also serve every member whose organization owns no
# confidential demand. A member's own confidential demands sort by their values, an order no
# index holds (docs/deployment.md).
VISITOR_PAGES = ["/demands/?sort=budget", "/demands/?sort=deadline", "/demands/?field=ai&sort=budget",
                 "/api/v1/demands?sort=deadline"]


def full_scans(client, paths: list[str], headers: dict) -> list[str]:
    """Each path's statements that read more than ``MOST_ROWS_READ`` rows of a big table."""
    scanned = []
    for path in paths:
        client.get(path, headers=headers)  # warm caches as after the first visitor
        with statements() as seen:
            assert client.get(path, headers=headers).status_code == 200, path
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            for table, count in rows_examined(statement, parameters).items():
                if count > MOST_ROWS_READ:
                    scanned.append(f"{path}: {count} rows of {table}\n{statement[:400]}")
    return scanned


@pytest.mark.slow
def test_every_page_reads_the_big_tables_through_an_index(client, big):
    from tests.clients import isolated_client

    visitor = isolated_client(client.application)  # a browser without a session
    scanned = full_scans(visitor, VISITOR_PAGES, {})
    login(client, big)
    scanned += full_scans(client, PAGES, api_token(client, big))
    assert not scanned, "\n\n".join(scanned)
