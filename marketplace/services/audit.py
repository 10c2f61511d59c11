"""The audit log: every state change and every security event, with UTC time, actor, client
address, object and the before/after of the changed fields.

Three ways in, one table (models/audit.py):
- changes made through the ORM to the audited models are captured at flush (``_capture``), with
  the values each changed column had before and has after;
- state transitions made by ``compare_and_set`` (a guarded UPDATE the ORM does not see) are
  recorded there with the same shape (``record_change``);
- security events (sign-in, denied access, CSRF failure, rate limit) are recorded by ``record`` or,
  on a request that failed, by ``record_now``, which commits the entry on its own so the failure's
  rollback does not take it away.

A service names an action (``label(row, "user.disable", reason)``) when a plain
``<kind>.update`` would not say what happened. Content is not copied into the log: secrets and
the text of listings and messages are recorded as changed, with their length, never their words
(a confidential demand's details are not the operators' to read).

The log is append-only from the application's side: the session refuses to update or delete an
entry (``_refuse_rewrites``), and on PostgreSQL a trigger refuses it in the database too."""
from __future__ import annotations

import enum
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

from models import (
    Agreement, AgreementSignature, AuditEntry, Bid, CenterProfile, ConfidentialityUndertaking, Demand, Engagement,
    Field, JoinRequest, ListingAttachment, Milestone, MilestoneSubmission, Organization, Pairing, PairingMessage, Report, Result, User, ValidationReport,
    ValidationRequest, Watch, db, utcnow,
)

log = logging.getLogger(__name__)

# The models whose changes are recorded, and the object kind their entries carry.
AUDITED: dict[type, str] = {
    Organization: "organization", User: "user", Demand: "demand", Result: "result", Pairing: "pairing",
    PairingMessage: "message", ConfidentialityUndertaking: "undertaking", Watch: "watch", Field: "field",
    CenterProfile: "center", ValidationRequest: "validation_request", Bid: "bid", Engagement: "engagement",
    Agreement: "agreement", AgreementSignature: "signature", Milestone: "milestone",
    MilestoneSubmission: "submission", ValidationReport: "validation_report", Report: "report",
    JoinRequest: "join_request", ListingAttachment: "attachment",
}

# Columns whose value never enters the log (credentials and key material).
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "encrypted_private_key"})
# Content: recorded as changed with its length, not its words: the long text of every model, and
# the fields a confidential demand keeps from everyone outside the pairing (services/visibility.py;
# tests/services/test_audit.py holds the two lists together).
CONTENT_COLUMNS = frozenset({"description", "body", "message", "text", "content", "evidence", "deliverable",
                             "comment", "decline_text", "return_comment", "query_text"})
DEMAND_RESTRICTED = frozenset({"description", "keywords", "budget_min", "budget_max", "deadline",
                               "cooperation_mode", "trl_target", "region"})
# Bookkeeping that changes on its own; an update touching only these is not an action.
QUIET_COLUMNS = frozenset({"updated_at", "overdue_notified_at", "last_change_id", "last_digest_at"})

TEXT_LIMIT = 200  # characters of a recorded value
NOTE_LIMIT = 500


def redacted(model: type, column: str, value: Any) -> Any:
    """What the log keeps of ``value`` of ``model``'s ``column``."""
    if column in SECRET_COLUMNS:
        return "‹已隐去›" if value is not None else None
    content = (column in CONTENT_COLUMNS or (model is Demand and column in DEMAND_RESTRICTED)
               or (model is ListingAttachment and column == "file_name"))  # a confidential demand's file names
    if content and value not in (None, "", [], {}):
        size = len(value) if isinstance(value, (str, list, dict)) else None
        return f"‹内容，{size} 项›" if isinstance(value, (list, dict)) else \
            f"‹内容，{size} 字›" if size is not None else "‹内容›"
    return plain(value)


def plain(value: Any) -> Any:
    """``value`` as JSON can hold it, long text cut to ``TEXT_LIMIT``."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return value if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"
    text = str(value)
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "…"


# --- who and where ------------------------------------------------------------------------------

def identity(user: Any) -> int | None:
    """The id of a loaded user without touching the database (safe inside a flush)."""
    if user is None:
        return None
    try:
        identity = sa.inspect(user).identity
    except sa.exc.NoInspectionAvailable:  # Flask-Login's anonymous user
        return None
    return identity[0] if identity else None


# Who is acting and from where is the web layer's to know (services touch no request globals):
# it registers a provider at start-up (marketplace/audit_context.py). Outside a request — the
# command line, a test calling a service — there is no caller and no address.
_request_context: Callable[[], tuple[int | None, str]] = lambda: (None, "")


def use_request_context(provider: Callable[[], tuple[int | None, str]]) -> None:
    """Where ``current_actor_id`` and ``client_ip`` come from: ``provider()`` → (user id, address)."""
    global _request_context
    _request_context = provider


def current_actor_id() -> int | None:
    """The signed-in caller of this request (the API token's user or the web session's)."""
    return _request_context()[0]


def client_ip() -> str:
    """The caller's address (ProxyFix makes it the client's behind a proxy)."""
    return _request_context()[1][:45]


def _identity_of(row: Any) -> tuple:
    """The row's primary key; a row inserted by the flush being recorded has it in its values,
    not yet as its identity."""
    state = sa.inspect(row)
    return state.identity or tuple(state.dict.get(state.mapper.get_property_by_column(column).key)
                                   for column in state.mapper.primary_key)


def _object_of(row: Any) -> tuple[str, int | None, str]:
    """(kind, id, note) naming ``row``; a key that is not a database integer goes in the note."""
    kind = AUDITED.get(type(row), type(row).__name__.lower())
    identity = _identity_of(row)
    key = identity[0] if len(identity) == 1 else None
    if isinstance(key, int):
        return kind, key, ""
    return kind, None, "/".join(str(part) for part in identity)


# --- naming an action ---------------------------------------------------------------------------

def _labels() -> dict:
    return db.session.info.setdefault("audit_labels", {})


def label(row: Any, action: str, note: str = "", actor: User | None = None) -> None:
    """The next recorded change of ``row`` in this transaction is ``action`` (with ``note``), done
    by ``actor`` (by default: the request's signed-in caller)."""
    _labels()[(type(row), _identity_of(row))] = (action, note, identity(actor))


def _take_label(row: Any, kind: str, default: str) -> tuple[str, str, int | None]:
    return db.session.info.get("audit_labels", {}).pop((type(row), _identity_of(row)), (f"{kind}.{default}", "", None))


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_soft_rollback")
def _forget_labels(session, *args) -> None:
    """A label names a change of this transaction only: a refused change leaves none behind."""
    session.info.pop("audit_labels", None)


@contextmanager
def suppressed() -> Iterator[None]:
    """Record nothing inside (loading the demo data is not anyone's action)."""
    db.session.info["audit_off"] = True
    try:
        yield
    finally:
        db.session.info.pop("audit_off", None)


# --- writing ------------------------------------------------------------------------------------

def _entry(action: str, kind: str = "", object_id: int | None = None, changes: Mapping | None = None,
           note: str = "", actor_id: int | None = None) -> dict:
    return {"at": utcnow(), "action": action[:60], "actor_id": actor_id if actor_id is not None else current_actor_id(),
            "ip": client_ip(), "object_kind": kind[:40], "object_id": object_id, "changes": dict(changes or {}),
            "note": (note or "")[:NOTE_LIMIT]}


def record(action: str, row: Any = None, *, kind: str = "", object_id: int | None = None,
           changes: Mapping | None = None, note: str = "", actor_id: int | None = None) -> None:
    """Add an entry to this transaction: it is kept exactly when the change it records is."""
    if row is not None:
        kind, object_id, key_note = _object_of(row)
        note = note or key_note
    db.session.add(AuditEntry(**_entry(action, kind, object_id, changes, note, actor_id)))


def record_now(action: str, *, kind: str = "", object_id: int | None = None, note: str = "",
               actor_id: int | None = None) -> None:
    """Record an event of a request that failed: whatever the request had pending is rolled back
    (it failed), the entry is committed on its own. A database outage loses the entry, never the
    answer: it is logged instead."""
    try:
        db.session.rollback()
        db.session.add(AuditEntry(**_entry(action, kind, object_id, None, note, actor_id)))
        db.session.commit()
    except sa.exc.SQLAlchemyError as error:
        log.warning("audit entry %s not recorded: %s", action, error)
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            pass


def record_change(row: Any, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """An UPDATE the ORM did not see (compare_and_set): ``before`` and ``after`` by column."""
    if db.session.info.get("audit_off") or type(row) not in AUDITED:
        return
    model = type(row)
    changes = {name: [redacted(model, name, before.get(name)), redacted(model, name, after.get(name))]
               for name in after if name not in QUIET_COLUMNS and before.get(name) != after.get(name)}
    if not changes:
        return
    kind, object_id, key_note = _object_of(row)
    action, note, actor_id = _take_label(row, kind, "update")
    record(action, kind=kind, object_id=object_id, changes=changes, note=note or key_note, actor_id=actor_id)


def _column_changes(row: Any, created: bool) -> dict:
    state = sa.inspect(row)
    changes = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        history = state.attrs[name].history
        if created:
            value = state.dict.get(name)  # what the row was inserted with; nothing is loaded mid-flush
            if value not in (None, "", [], {}) and name not in ("id", "created_at", "updated_at"):
                changes[name] = [None, redacted(type(row), name, value)]
        elif history.has_changes() and name not in QUIET_COLUMNS:
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[name] = [redacted(type(row), name, before), redacted(type(row), name, after)]
    return changes


@sa.event.listens_for(Session, "after_flush")
def _capture(session, flush_context) -> None:
    """Record the flush's inserts, updates and deletes of audited models (ids are known here and
    every attribute still has its history)."""
    if session.info.get("audit_off"):
        return
    rows = []
    for verb, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for row in objects:
            if type(row) not in AUDITED:
                continue
            changes = _column_changes(row, created=verb == "create") if verb != "delete" else {}
            if verb == "update" and not changes:
                continue
            kind, object_id, key_note = _object_of(row)
            action, note, actor_id = _take_label(row, kind, verb)
            rows.append(_entry(action, kind, object_id, changes, note or key_note, actor_id))
    if rows:
        session.connection().execute(sa.insert(AuditEntry.__table__), rows)


def _keep_old_values() -> None:
    """Setting a column of an audited row loads the value it replaces when that was not loaded
    (after a commit expired it), so the log always has the before of a change."""
    def noop(target, value, oldvalue, initiator):
        return value

    for model in AUDITED:
        for attr in sa.inspect(model).column_attrs:
            sa.event.listen(getattr(model, attr.key), "set", noop, active_history=True, retval=True)


_keep_old_values()


# --- append-only --------------------------------------------------------------------------------

class AppendOnly(RuntimeError):
    """An attempt to change or delete an audit entry."""


@sa.event.listens_for(AuditEntry, "before_update")
@sa.event.listens_for(AuditEntry, "before_delete")
def _refuse_row_rewrite(mapper, connection, target) -> None:
    raise AppendOnly("the audit log is append-only")


@sa.event.listens_for(Session, "do_orm_execute")
def _refuse_rewrites(state) -> None:
    """No UPDATE or DELETE statement through the application's session reaches the log."""
    if state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and getattr(table, "name", "") == AuditEntry.__tablename__:
            raise AppendOnly("the audit log is append-only")
