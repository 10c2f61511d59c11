"""Server-side web sessions and API bearer tokens. Only token hashes are stored, so a
stolen database does not yield usable tokens and revocation is a single UPDATE."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from models import AuthToken, TokenKind, User, db, utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, kind: TokenKind, lifetime: timedelta) -> tuple[str, AuthToken]:
    """Create a token for ``user``; returns the secret (shown once) and its row."""
    secret = secrets.token_urlsafe(32)
    row = AuthToken(
        user_id=user.id, kind=kind, token_hash=_digest(secret), expires_at=utcnow() + lifetime
    )
    db.session.add(row)
    db.session.flush()
    return secret, row


def resolve_token(secret: str | None, kind: TokenKind, now: datetime | None = None) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token, else None."""
    if not secret or len(secret) > 200:
        return None
    row = db.session.scalar(
        db.select(AuthToken).where(AuthToken.token_hash == _digest(secret), AuthToken.kind == kind)
    )
    if row is None or not row.is_valid_at(now or utcnow()) or not row.user.is_active:
        return None
    row.user.session_token = secret if kind is TokenKind.WEB else None
    return row.user


def revoke_token(secret: str | None) -> bool:
    """Revoke one token; True when it was active."""
    if not secret:
        return False
    row = db.session.scalar(db.select(AuthToken).where(AuthToken.token_hash == _digest(secret)))
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    db.session.flush()
    return True


def revoke_all_tokens(user: User, kind: TokenKind | None = None) -> int:
    """Revoke every active token of ``user`` (after a password change); returns the count."""
    query = db.update(AuthToken).where(
        AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None)
    )
    if kind is not None:
        query = query.where(AuthToken.kind == kind)
    result = db.session.execute(query.values(revoked_at=utcnow()))
    return result.rowcount or 0
