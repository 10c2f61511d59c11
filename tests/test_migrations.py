"""The migrations build exactly the schema the models describe, on every backend."""
import importlib.util
import warnings
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import SEED_FIELDS, Field, db

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


# Expression indexes (PostgreSQL only) autogenerate cannot compare: checked by name instead.
EXPRESSION_INDEXES = {"ix_demands_status_budget_listed", "ix_demands_status_deadline_listed"}


def schema_differences() -> list:
    """What autogenerate would write for the current database (empty when in sync)."""
    def compared(obj, name, type_, reflected, compare_to) -> bool:
        return not (type_ == "index" and name in EXPRESSION_INDEXES)

    with db.engine.connect() as connection, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="autogenerate skipping metadata-specified expression-based index")
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True,
                                                               "include_object": compared})
        return compare_metadata(context, db.metadata)


def test_the_expression_indexes_exist_on_postgresql_only(ctx):
    names = {index["name"] for index in sa.inspect(db.engine).get_indexes("demands")}
    if db.engine.dialect.name == "postgresql":
        assert EXPRESSION_INDEXES <= names
    else:
        assert not EXPRESSION_INDEXES & names


def test_models_and_migrated_database_agree(ctx):
    assert schema_differences() == []


def test_migrations_are_at_a_single_head(ctx):
    with db.engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    scripts = {p.stem for p in (MIGRATIONS / "versions").glob("*.py")}
    assert len(heads) == 1 and len(scripts) >= 2


def test_the_seed_fields_exist(ctx):
    rows = db.session.execute(sa.select(Field.code, Field.name_zh).order_by(Field.sort_order)).all()
    assert len(rows) == 18
    assert [tuple(r) for r in rows] == [(code, zh) for code, zh, _ in SEED_FIELDS]


def test_first_migration_inserts_the_same_taxonomy_as_the_models():
    spec = importlib.util.spec_from_file_location("initial", MIGRATIONS / "versions" / "0001_initial.py")
    initial = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(initial)
    assert [tuple(f) for f in initial.SEED_FIELDS] == [tuple(f) for f in SEED_FIELDS]


def test_fresh_database_downgrades_and_upgrades_cleanly(tmp_path):
    """A new SQLite file: upgrade, check the taxonomy, downgrade to nothing, upgrade again."""
    from flask_migrate import downgrade, upgrade

    from marketplace import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/fresh.db"})
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Field)) == 18
        db.session.remove()
        assert schema_differences() == []
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        assert len(schema_differences()) >= len(db.metadata.tables)  # the comparison does notice
        upgrade()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Field)) == 18
        db.session.remove()
        db.engine.dispose()


def test_watch_subjects_are_backfilled_and_duplicates_dropped(tmp_path):
    """0003 on a database with watches: each gets the key the service computes, and of two watches
    of one user on one subject only the oldest stays (the unique constraint then holds)."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.services.watches import subject_key

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db"})
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(revision="2effb80eb7a8")  # 0002
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO organizations (id, name, kind, region, verified, created_at) "
                                 "VALUES (1, '机构', 'enterprise', '', false, '2026-01-01')"))
            conn.execute(sa.text("INSERT INTO users (id, email, password_hash, display_name, role, organization_id, "
                                 "is_active, created_at) VALUES (1, 'a@example.com', 'x', '', 'enterprise', 1, true, "
                                 "'2026-01-01')"))
            for watch_id, query in ((1, "电池"), (2, "电池"), (3, "储能")):
                conn.execute(sa.text(
                    "INSERT INTO watches (id, user_id, target, query_text, field_code, min_score, last_change_id, "
                    "created_at) VALUES (:id, 1, 'result', :q, 'new_energy', 0.5, 0, '2026-01-01')"),
                    {"id": watch_id, "q": query})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, subject_key FROM watches ORDER BY id")).all()
        expected = {1: subject_key({"target": "result", "field_code": "new_energy", "query_text": "电池"}),
                    3: subject_key({"target": "result", "field_code": "new_energy", "query_text": "储能"})}
        assert dict(rows) == expected
        db.engine.dispose()


def test_pairings_take_their_listings_organizations(tmp_path):
    """0007 on a database with pairings: each gets its demand's and its result's organization, and
    the columns are then required."""
    from flask_migrate import upgrade

    from marketplace import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/old.db"})
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(revision="6b2d1f8e0c34")  # 0006
        with db.engine.begin() as conn:
            for org, kind, role in ((1, "enterprise", "enterprise"), (2, "university", "researcher"),
                                    (3, "enterprise", "enterprise")):
                conn.execute(sa.text("INSERT INTO organizations (id, name, kind, region, verified, created_at) "
                                     "VALUES (:id, :name, :kind, '', false, '2026-01-01')"),
                             {"id": org, "name": f"机构{org}", "kind": kind})
                conn.execute(sa.text("INSERT INTO users (id, email, password_hash, display_name, role, "
                                     "organization_id, is_active, created_at) VALUES (:id, :email, 'x', '', :role, "
                                     ":id, true, '2026-01-01')"), {"id": org, "email": f"u{org}@example.com", "role": role})
            for demand, org in ((1, 1), (2, 3)):
                conn.execute(sa.text(
                    "INSERT INTO demands (id, title, description, summary, budget_min, budget_max, deadline, cooperation_mode, "
                    "trl_target, region, visibility, status, keywords, created_at, updated_at, organization_id, "
                    "created_by_id, field_code) VALUES (:id, '需求', '描述', '', 1, 2, '2026-06-01', 'development', 5, '', 'public', "
                    "'published', '[]', '2026-01-01', '2026-01-01', :org, :org, 'ai')"), {"id": demand, "org": org})
            conn.execute(sa.text(
                "INSERT INTO results (id, title, abstract, trl, maturity, transfer_modes, region, status, keywords, "
                "created_at, updated_at, organization_id, created_by_id, field_code) VALUES (1, '成果', '摘要', 5, "
                "'lab', '[]', '', 'published', '[]', '2026-01-01', '2026-01-01', 2, 2, 'ai')"))
            for pairing, demand in ((1, 1), (2, 2)):
                conn.execute(sa.text(
                    "INSERT INTO pairings (id, demand_id, result_id, proposer_id, proposed_by, message, status, "
                    "respond_by, decline_text, created_at, updated_at) VALUES (:id, :demand, 1, 2, 'result', '', "
                    "'proposed', '2026-02-01', '', '2026-01-01', '2026-01-01')"), {"id": pairing, "demand": demand})
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, demand_organization_id, result_organization_id FROM pairings "
                                        "ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 1, 2), (2, 3, 2)]
        assert not next(c for c in sa.inspect(db.engine).get_columns("pairings")
                        if c["name"] == "demand_organization_id")["nullable"]
        db.session.remove()
        db.engine.dispose()


def test_a_seeded_database_downgrades_ten_steps_and_upgrades_back_unchanged(tmp_path):
    """The latest ten migrations (listing attachments — the demo data has none;
    outgoing e-mail and mail preferences — the demo data has no mail
    and no preferences yet; join requests; retiring fields; listing freshness — its backfill recomputes what the downgrade
    dropped; moderation; the audit log and disabled accounts — the demo data is loaded
    unlogged, so the empty log loses nothing; the organizations' look-alike mark; the sort indexes,
    PostgreSQL only; the pairings' organizations) undone and redone on a database full of demo
    data: every row of every table is as it was (the backfill recomputes what the downgrade
    dropped; the demo organizations carry no look-alike mark, which a downgrade would lose)."""
    from flask_migrate import downgrade, upgrade

    from marketplace import create_app
    from tests.factories import every_row

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/seeded.db",
                      "MATCH_INDEX_DIR": "", "UPLOAD_DIR": str(tmp_path / "uploads"), "AGREEMENT_SECRET": "x"})
    app.instance_path = str(tmp_path)

    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["seed", "--password", "seeded-pass-12"]).exit_code == 0
        db.session.remove()
        before = every_row()
        assert len(before["pairings"]) > 0
        marked = sa.text("SELECT count(*) FROM organizations WHERE similar_to_id IS NOT NULL")
        with db.engine.connect() as conn:
            assert conn.execute(marked).scalar() == 0
        downgrade(revision="-10")
        assert "listing_attachments" not in sa.inspect(db.engine).get_table_names()
        assert "outbound_emails" not in sa.inspect(db.engine).get_table_names()
        assert {"audit_log", "reports"}.isdisjoint(sa.inspect(db.engine).get_table_names())
        assert "disabled_reason" not in {c["name"] for c in sa.inspect(db.engine).get_columns("users")}
        assert "demand_organization_id" not in {c["name"] for c in sa.inspect(db.engine).get_columns("pairings")}
        assert "similar_to_id" not in {c["name"] for c in sa.inspect(db.engine).get_columns("organizations")}
        upgrade()
        assert every_row() == before
        db.session.remove()
        db.engine.dispose()
