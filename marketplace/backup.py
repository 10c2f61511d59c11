"""Backups: the database, the uploaded deliverable files and the saved match index, in one folder
that ``restore`` brings back (``flask backup PATH``, ``flask restore PATH``; docs/deployment.md).

A backup folder holds ``manifest.json`` (format, time, backend, schema revision, row count of
every table), the database — SQLite through its online backup API (``database.sqlite``: a
consistent copy while the site keeps serving), PostgreSQL through ``pg_dump --format=custom``
(``database.dump``, one consistent snapshot) — and copies of the upload and match-index folders.
A restore goes into the same kind of database it was taken from, replacing what is there."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from models import db

FORMAT, VERSION = "innobridge-backup", 1
MANIFEST = "manifest.json"
FOLDERS = {"uploads": "UPLOAD_DIR", "match-index": "MATCH_INDEX_DIR"}


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the operator."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds (or a restore brought back)."""

    path: Path
    backend: str
    revision: str | None
    rows: dict[str, int]
    files: int


def table_rows() -> dict[str, int]:
    """Row count of every table of the schema (alembic's version table included)."""
    with db.engine.connect() as conn:
        names = sorted(sa.inspect(conn).get_table_names())
        return {name: conn.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def _revision() -> str | None:
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _backend() -> str:
    return db.engine.dialect.name


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore take it (no SQLAlchemy driver suffix)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools of the server's version "
                          f"(Debian: postgresql-client) to back up or restore a PostgreSQL database.")
    return found


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


def _folders() -> dict[str, Path]:
    """The configured folders a backup holds (an unset one, such as an index kept in memory, is left out)."""
    return {name: Path(current_app.config[setting]) for name, setting in FOLDERS.items()
            if current_app.config.get(setting)}


def _count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def backup(target: str | Path) -> Summary:
    """Write a backup into the new or empty folder ``target``."""
    path = Path(target)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"{path} exists and is not an empty folder: choose a new one.")
    path.mkdir(parents=True, exist_ok=True)
    backend, rows, revision = _backend(), table_rows(), _revision()
    if backend == "sqlite":
        live = sqlite3.connect(db.engine.url.database)
        copy = sqlite3.connect(path / "database.sqlite")
        try:
            with copy:
                live.backup(copy)
        finally:
            copy.close()
            live.close()
    elif backend == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(path / "database.dump"), _libpq_url()])
    else:
        raise BackupError(f"backups of {backend} databases are not supported.")
    files = 0
    for name, source in _folders().items():
        if source.exists():
            shutil.copytree(source, path / name)
            files += _count_files(path / name)
    manifest = {"format": FORMAT, "version": VERSION, "created_at": datetime.now(timezone.utc).isoformat(),
                "backend": backend, "revision": revision, "rows": rows, "files": files}
    (path / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return Summary(path, backend, revision, rows, files)


def read_manifest(source: str | Path) -> dict:
    path = Path(source)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{path} is not a backup folder (no readable {MANIFEST}: {error}).") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{path} is not an InnoBridge backup of version {VERSION}.")
    return manifest


def restore(source: str | Path) -> Summary:
    """Replace the database, uploads and match index with the backup in ``source``; the row counts
    afterwards must equal the manifest's, or the restore is reported as failed."""
    path = Path(source)
    manifest = read_manifest(path)
    backend = _backend()
    if manifest["backend"] != backend:
        raise BackupError(f"this backup is of a {manifest['backend']} database; the configured database is "
                          f"{backend}. Restore it into a {manifest['backend']} database.")
    db.session.remove()
    db.engine.dispose()
    if backend == "sqlite":
        copy = sqlite3.connect(path / "database.sqlite")
        live = sqlite3.connect(db.engine.url.database)
        try:
            with live:
                copy.backup(live)
        finally:
            live.close()
            copy.close()
    else:  # dropped and recreated in one transaction: a failed restore changes nothing
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--dbname", _libpq_url(), str(path / "database.dump")])
    db.engine.dispose()
    for name, live in _folders().items():
        _replace_folder(live, path / name)
    rows = table_rows()
    if rows != manifest["rows"]:
        differing = sorted(k for k in set(rows) | set(manifest["rows"]) if rows.get(k) != manifest["rows"].get(k))
        raise BackupError(f"restored, but the row counts differ from the backup's in: {', '.join(differing)}.")
    return Summary(path, backend, _revision(), rows, sum(_count_files(live) for live in _folders().values()))


def _replace_folder(live: Path, saved: Path) -> None:
    """Put the backup's copy of a folder in place of the live one (copied beside it first, then
    swapped by renaming); a folder the backup did not have is emptied."""
    fresh, old = live.with_name(live.name + ".restoring"), live.with_name(live.name + ".replaced")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    if saved.exists():
        shutil.copytree(saved, fresh)
    else:
        fresh.mkdir(parents=True)
    if live.exists():
        live.rename(old)
    fresh.rename(live)
    shutil.rmtree(old, ignore_errors=True)
