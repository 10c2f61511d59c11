"""Signed one-time links sent by e-mail: a password reset (good for 1 hour) and the confirmation of
a new sign-in address (24 hours). Signed with the app's ``SECRET_KEY``, each kind with its own
salt, so one kind of token is never accepted as another; what a token carries is checked by
services/credentials.py. A token is a secret of its recipient: the pages it opens are sent with
``Referrer-Policy: no-referrer`` and error logging writes the path without it (errors.py)."""
from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from models import User

from .services.credentials import fingerprint

PASSWORD_RESET_MAX_AGE = 3600  # seconds
EMAIL_CHANGE_MAX_AGE = 24 * 3600
MAX_TOKEN_LENGTH = 1000  # ours are about 100–250 characters; anything longer is not one of ours


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _read(token: str, salt: str, max_age: int, size: int) -> list[Any] | None:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)  # SignatureExpired is a BadSignature
    except (BadSignature, ValueError, TypeError):
        return None
    return payload if isinstance(payload, list) and len(payload) == size else None


def password_reset_token(user: User) -> str:
    """A reset link's token: the account and the fingerprint of its current password."""
    return _serializer("password-reset").dumps([user.id, fingerprint(user)])


def read_password_reset_token(token: str) -> tuple[Any, Any] | None:
    """(user id, fingerprint) of a genuine, unexpired reset token, else None."""
    payload = _read(token, "password-reset", PASSWORD_RESET_MAX_AGE, 2)
    return (payload[0], payload[1]) if payload else None


def email_change_token(user: User, new_address: str) -> str:
    """A confirmation link's token: the account, its current and new address, its fingerprint."""
    return _serializer("email-change").dumps([user.id, user.email, new_address, fingerprint(user)])


def read_email_change_token(token: str) -> tuple[Any, Any, Any, Any] | None:
    """(user id, old address, new address, fingerprint) of a genuine, unexpired token, else None."""
    payload = _read(token, "email-change", EMAIL_CHANGE_MAX_AGE, 4)
    return (payload[0], payload[1], payload[2], payload[3]) if payload else None


def keep_private(response):
    """A page whose address holds a token: no Referer carries it anywhere (not even to this
    site's own stylesheet requests, which the access log would record), and no cache keeps it."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
