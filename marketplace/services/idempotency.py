"""Creates that happen once: an API ``Idempotency-Key`` or a web form's one-time submission token
is claimed inside the create's own transaction, and the answer is stored with it, so a repeated
request (a retry, a double click, twenty at once) gets the first answer instead of a second row.

Concurrent duplicates: the claim is an INSERT under a unique constraint; the second request waits
for the first one's transaction and then finds its row (PostgreSQL blocks on the index entry,
SQLite on its write lock). A request that fails rolls its claim back, so the key can be retried.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import IdempotencyKey, User, db, utcnow

from .errors import ValidationFailed

KEY_MAX = 255
LIFETIME = timedelta(hours=24)
HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Replay:
    """The stored answer of the request that first used the key."""

    status_code: int
    response: dict | None
    location: str | None


def clean_key(raw: str) -> str:
    """A key of 1–255 visible ASCII characters, else a 400-class error naming the header."""
    key = raw.strip()
    if not key or len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        raise ValidationFailed(f"{HEADER} 应为 1–{KEY_MAX} 个可见 ASCII 字符。",
                               {HEADER: f"应为 1–{KEY_MAX} 个可见 ASCII 字符。"})
    return key


def fingerprint(method: str, path: str, body: bytes) -> str:
    """SHA-256 of the request: method, path and the body (JSON compared by meaning, not spacing)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def claim(user: User, key: str, request_fingerprint: str, now: datetime | None = None) -> IdempotencyKey | Replay:
    """Reserve ``key`` for this request (flushed, committed with the create), or the Replay of the
    request that used it first; the same key for another request is a ValidationFailed (422)."""
    now = now or utcnow()
    existing = _find(user.id, key)
    if existing is not None and existing.created_at < now - LIFETIME:
        db.session.delete(existing)  # an expired key starts afresh
        db.session.flush()
        existing = None
    if existing is not None:
        return _replay(existing, request_fingerprint)
    row = IdempotencyKey(user_id=user.id, key=key, fingerprint=request_fingerprint, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # a concurrent request with the same key committed first
        return _replay(_find(user.id, key), request_fingerprint)
    return row


def record(row: IdempotencyKey, status_code: int, response: dict | None = None, location: str | None = None) -> None:
    """Store the answer with the claim, in the same unit of work as the create."""
    row.status_code, row.response, row.location = status_code, response, location
    db.session.flush()


def purge_expired(now: datetime | None = None) -> int:
    """Delete keys older than their 24-hour lifetime (the sweep calls this)."""
    cutoff = (now or utcnow()) - LIFETIME
    return db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount


def _find(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                             IdempotencyKey.key == key))


def _replay(row: IdempotencyKey | None, request_fingerprint: str) -> Replay:
    if row is None or row.status_code is None:  # pragma: no cover - the claim commits with its answer
        raise ValidationFailed("同一请求正在处理中，请稍后重试。", {HEADER: "正在处理中。"})
    if row.fingerprint != request_fingerprint:
        raise ValidationFailed(f"这个 {HEADER} 已用于另一个请求（内容不同）；新的请求请使用新的键。",
                               {HEADER: "已用于内容不同的请求。"})
    return Replay(row.status_code, row.response, row.location)
