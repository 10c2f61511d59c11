"""``flask backup`` and ``flask restore``: a round trip brings back every row of every table, every
uploaded file and the saved match index, on SQLite and on PostgreSQL (a scratch database, with
pg_dump and pg_restore); what cannot be done is refused with a clear message and changes nothing."""
from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_SKIP
from tests.factories import every_row

PASSWORD = "backup-demo-pass-1"


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, tmp_path):
    """A migrated, seeded site of its own (database, uploads, saved match index) on one backend."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from models import db

    scratch = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/site.db"
    else:
        base = os.environ.get("TEST_DATABASE_URL")
        if not base:
            pytest.skip(PG_SKIP)
        if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
            pytest.skip("pg_dump and pg_restore are not installed: the PostgreSQL backup leg needs the client tools")
        from marketplace.config import normalize_database_url

        base = normalize_database_url(base)
        scratch = f"backup_{os.getpid()}_{secrets.token_hex(4)}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
        url = base.rsplit("/", 1)[0] + "/" + scratch
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_DIR": str(tmp_path / "uploads"), "MATCH_INDEX_DIR": str(tmp_path / "index"),
                      "AGREEMENT_SECRET": "backup-test-secret"})
    app.instance_path = str(tmp_path)
    try:
        with app.app_context():
            upgrade()
            runner = app.test_cli_runner()
            seeded = runner.invoke(args=["seed", "--password", PASSWORD])
            assert seeded.exit_code == 0, seeded.output
            assert runner.invoke(args=["match", "rebuild"]).exit_code == 0
            (tmp_path / "uploads" / "12").mkdir(parents=True)
            (tmp_path / "uploads" / "12" / "report.pdf").write_bytes(b"%PDF-1.7 validation report")
            yield app, runner, tmp_path
            db.session.remove()
            db.engine.dispose()
    finally:
        if scratch:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            admin.dispose()


def damage(db, tmp_path: Path) -> None:
    """What happens after a backup: rows changed, added and deleted, a file lost, one added."""
    from models import Demand, Notification, Organization, OrgKind

    demand = db.session.scalars(sa.select(Demand).order_by(Demand.id)).first()
    demand.title = "被改写的需求"
    db.session.add(Organization(name="备份之后的机构", kind=OrgKind.ENTERPRISE, region="上海市"))
    db.session.execute(sa.delete(Notification))
    db.session.commit()
    (tmp_path / "uploads" / "12" / "report.pdf").unlink()
    (tmp_path / "uploads" / "stray.bin").write_bytes(b"x")
    shutil.rmtree(tmp_path / "index")


def test_a_round_trip_brings_back_every_row_every_file_and_the_index(site):
    from models import db

    app, runner, tmp_path = site
    before, uploads, index = every_row(), files(tmp_path / "uploads"), files(tmp_path / "index")
    assert sum(len(rows) for rows in before.values()) > 500 and uploads and index
    made = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert made.exit_code == 0, made.output
    assert f"{len(before)} tables" in made.output
    damage(db, tmp_path)
    assert every_row() != before
    restored = runner.invoke(args=["restore", str(tmp_path / "backup"), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert every_row() == before
    assert files(tmp_path / "uploads") == uploads and files(tmp_path / "index") == index
    # the restored site works: a demo account signs in with the seeded password
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/auth/login", data={"email": "enterprise@demo.innobridge.cn", "password": PASSWORD,
                                              "csrf_token": token})
    assert answer.status_code == 302


def test_backup_refuses_a_folder_that_is_not_empty_and_restore_a_folder_that_is_no_backup(site):
    app, runner, tmp_path = site
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    refused = runner.invoke(args=["backup", str(tmp_path / "full")])
    assert refused.exit_code != 0 and "not an empty folder" in refused.output
    assert os.listdir(tmp_path / "full") == ["keep.txt"]
    not_backup = runner.invoke(args=["restore", str(tmp_path / "full"), "--yes"])
    assert not_backup.exit_code != 0 and "is not a backup folder" in not_backup.output


def test_restore_asks_first_and_a_no_changes_nothing(site):
    from models import Organization, OrgKind, db

    app, runner, tmp_path = site
    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    db.session.add(Organization(name="备份之后的机构", kind=OrgKind.ENTERPRISE, region="上海市"))
    db.session.commit()
    after = every_row()
    answered = runner.invoke(args=["restore", str(tmp_path / "backup")], input="n\n")
    assert answered.exit_code != 0 and "Replace everything" in answered.output
    assert every_row() == after


def test_a_backup_restores_only_into_the_same_kind_of_database(site):
    import json

    app, runner, tmp_path = site
    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    manifest = tmp_path / "backup" / "manifest.json"
    data = json.loads(manifest.read_text())
    other = "postgresql" if data["backend"] == "sqlite" else "sqlite"
    manifest.write_text(json.dumps(data | {"backend": other}))
    refused = runner.invoke(args=["restore", str(tmp_path / "backup"), "--yes"])
    assert refused.exit_code != 0 and f"this backup is of a {other} database" in refused.output


def test_postgresql_without_its_client_tools_is_a_clear_error(site, monkeypatch):
    from marketplace import backup
    from models import db

    app, runner, tmp_path = site
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL leg's case")
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    failed = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert failed.exit_code != 0 and "pg_dump not found" in failed.output
