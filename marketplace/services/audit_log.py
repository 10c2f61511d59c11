"""Reading the audit log (operators only): its filters, a page of entries, the CSV export, an
entry as the API returns it, and the latest entries by or about one user. The log is written by
services/audit.py."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from models import AuditEntry, User, db
from models.base import DB_INT_MAX

from ..localtime import local_day_start_utc

from .audit import AUDITED
from .errors import FieldErrors, require_operator

# The object kinds an entry may name: the audited models' and the settings'.
OBJECT_KINDS = tuple(sorted(set(AUDITED.values()) | {"setting", "mail"}))

def clean_filters(raw: Mapping[str, Any]) -> dict:
    """The filters of the log as given on the console or the API, checked: ``actor`` (user id),
    ``action`` (exact, or a prefix ending in "."), ``object`` ("kind" or "kind:id"), ``from`` and
    ``to`` (dates, both days included)."""
    errors = FieldErrors()
    filters: dict[str, Any] = {}
    actor = str(raw.get("actor") or "").strip()
    if actor:
        if actor.isdigit() and 1 <= int(actor) <= DB_INT_MAX:
            filters["actor"] = int(actor)
        else:
            errors.add("actor", "请填写用户编号（数字）。")
    action = str(raw.get("action") or "").strip()
    if action:
        if len(action) > 60:
            errors.add("action", "最多 60 个字符。")
        filters["action"] = action[:60]
    obj = str(raw.get("object") or "").strip()
    if obj:
        kind, _, number = obj.partition(":")
        if kind not in OBJECT_KINDS:
            errors.add("object", "对象类型应为：" + "、".join(OBJECT_KINDS) + "。")
        elif number and not (number.isdigit() and 1 <= int(number) <= DB_INT_MAX):
            errors.add("object", "对象编号应为数字，如 user:12。")
        else:
            filters["object_kind"] = kind
            if number:
                filters["object_id"] = int(number)
    for name in ("from", "to"):
        text = str(raw.get(name) or "").strip()
        if text:
            try:
                filters[name] = date.fromisoformat(text)
            except ValueError:
                errors.add(name, "日期格式应为 YYYY-MM-DD。")
    if "from" in filters and "to" in filters and filters["from"] > filters["to"]:
        errors.add("to", "结束日期早于开始日期。")
    errors.raise_if_any("筛选条件有误。")
    return filters


def _query(filters: Mapping[str, Any]):
    query = sa.select(AuditEntry)
    if "actor" in filters:
        query = query.where(AuditEntry.actor_id == filters["actor"])
    if "action" in filters:
        action = filters["action"]
        query = query.where(AuditEntry.action.startswith(action, autoescape=True) if action.endswith(".")
                            else AuditEntry.action == action)
    if "object_kind" in filters:
        query = query.where(AuditEntry.object_kind == filters["object_kind"])
    if "object_id" in filters:
        query = query.where(AuditEntry.object_id == filters["object_id"])
    # The days are the reader's local calendar days (TIMEZONE), compared with the stored UTC.
    if "from" in filters:
        query = query.where(AuditEntry.at >= local_day_start_utc(filters["from"]))
    if "to" in filters:
        query = query.where(AuditEntry.at < local_day_start_utc(filters["to"] + timedelta(days=1)))
    return query.order_by(AuditEntry.id.desc())


def list_entries(actor: User | None, filters: Mapping[str, Any], page: int, per_page: int):
    """One page of the log, newest first (operators only)."""
    from .pagination import paginate

    require_operator(actor)
    return paginate(_query(filters), page, per_page)


CSV_LIMIT = 50_000  # rows of one export; narrow the filters for more
CSV_HEADER = ("id", "at_utc", "action", "actor_id", "ip", "object_kind", "object_id", "changes", "note")


def csv_text(actor: User | None, filters: Mapping[str, Any]) -> str:
    """The filtered log as CSV, newest first, at most ``CSV_LIMIT`` rows (operators only)."""
    require_operator(actor)
    out = io.StringIO()
    out.write("\ufeff")  # the byte order mark makes spreadsheet programs read UTF-8
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    query = _query(filters).limit(CSV_LIMIT).execution_options(yield_per=1000)
    for entry in db.session.scalars(query):
        writer.writerow([_csv_safe(value) for value in (
            entry.id, entry.at.isoformat(timespec="seconds"), entry.action, entry.actor_id or "", entry.ip,
            entry.object_kind, entry.object_id or "", json.dumps(entry.changes, ensure_ascii=False), entry.note)])
    return out.getvalue()


def _csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def entry_json(entry: AuditEntry) -> dict:
    """An entry as the API returns it."""
    return {"id": entry.id, "action": entry.action, "actor_id": entry.actor_id,
            "object": {"kind": entry.object_kind or None, "id": entry.object_id},
            "ip": entry.ip, "at": entry.at.isoformat(timespec="seconds") + "Z",
            "changes": entry.changes, "note": entry.note}


def recent_for_user(actor: User | None, user_id: int, limit: int = 20) -> list[AuditEntry]:
    """The latest entries by a user or about their account (operators only)."""
    require_operator(actor)
    query = (sa.select(AuditEntry).where(sa.or_(AuditEntry.actor_id == user_id,
                                                sa.and_(AuditEntry.object_kind == "user", AuditEntry.object_id == user_id)))
             .order_by(AuditEntry.id.desc()).limit(limit))
    return list(db.session.scalars(query))
