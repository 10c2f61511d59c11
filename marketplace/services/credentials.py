"""Credentials changed through a link sent by e-mail: a forgotten password reset, and the sign-in
address changed once the new address has confirmed.

The links themselves are signed in the web layer (marketplace/tokens.py: it holds the app's
secret); what they carry is checked here. A link names the account and a ``fingerprint`` of its
current address and password hash, so it stops working the moment either changes: a reset link
once the password is reset (single use), an e-mail change link once the address has changed or the
password has been changed meanwhile (changing the password is how someone cancels a change they did
not ask for)."""
from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.exc import IntegrityError

from models import User, db

from . import audit
from .accounts import normalize_email
from .errors import DomainError, FieldErrors, ValidationFailed
from .passwords import hash_password, password_problem, verify_password
from .sessions import revoke_all_tokens

LINK_INVALID = "链接无效或已过期。"
EMAIL_TAKEN = "该邮箱已注册。"


class InvalidLink(DomainError):
    """The link is not (or no longer) good: tampered with, expired, used, or its account changed."""

    code = "validation_error"
    status = 400


def fingerprint(user: User) -> str:
    """A short digest of the account's address and password hash: a link carrying it is good only
    while both are unchanged. (The link is signed, so it cannot be forged; the digest reveals nothing
    useful about the hash.)"""
    return hashlib.sha256(f"{user.email}\n{user.password_hash}".encode()).hexdigest()[:24]


def _account(user_id: Any, seal: Any) -> User:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or not isinstance(seal, str) or seal != fingerprint(user):
        raise InvalidLink(LINK_INVALID)
    return user


# --- password reset -----------------------------------------------------------------------------

def password_reset_recipient(email: Any) -> User | None:
    """The active account with this address, to mail a reset link to — or None, which the caller
    answers exactly as it answers an account (no one learns whether an address is registered).
    A malformed address is a field error."""
    errors = FieldErrors()
    address = normalize_email(email, errors)
    errors.raise_if_any("请填写有效的邮箱。")
    user = db.session.scalar(db.select(User).where(User.email == address))
    if user is None or not user.is_active:
        return None
    audit.record("auth.password_reset_request", user)
    return user


def reset_account(user_id: Any, seal: Any) -> User:
    """The account a reset link is good for (InvalidLink otherwise)."""
    return _account(user_id, seal)


def reset_password(user_id: Any, seal: Any, new_password: str) -> User:
    """Set a new password through a reset link; every session and API token of the account ends
    (so does the link: the password hash it was sealed with is gone)."""
    user = _account(user_id, seal)
    problem = password_problem(new_password or "", user.email)
    if problem:
        raise ValidationFailed(problem, {"new_password": problem})
    audit.label(user, "user.password_reset", "通过邮件链接重设密码", actor=user)
    user.password_hash = hash_password(new_password)
    revoke_all_tokens(user)
    db.session.flush()
    return user


# --- e-mail change ------------------------------------------------------------------------------

def _taken(address: str, user: User | None = None) -> bool:
    query = db.select(User.id).where(User.email == address)
    if user is not None:
        query = query.where(User.id != user.id)
    return db.session.scalar(query) is not None


def request_email_change(actor: User, current_password: Any, new_email: Any) -> str:
    """Check the password and the new address (valid, not the current one, not registered);
    returns the address, normalised, for the caller to mail a confirmation link to. Nothing changes
    until the new address confirms."""
    errors = FieldErrors()
    if not verify_password(actor.password_hash, str(current_password or "")):
        errors.add("current_password", "当前密码不正确。")
    address = normalize_email(new_email, errors, "new_email")
    if "new_email" not in errors.fields:
        if address == actor.email:
            errors.add("new_email", "新邮箱与当前邮箱相同。")
        elif _taken(address):
            errors.add("new_email", EMAIL_TAKEN)
    errors.raise_if_any()
    audit.record("user.email_change_request", actor, note=f"{actor.email} → {address}"[:audit.NOTE_LIMIT],
                 actor_id=actor.id)
    return address


def email_change_account(user_id: Any, old_email: Any, new_email: Any, seal: Any) -> User:
    """The account a confirmation link is good for: its address is still the one the link was
    made for, and neither it nor the password has changed since (InvalidLink otherwise)."""
    user = _account(user_id, seal)
    if old_email != user.email or not isinstance(new_email, str) or not new_email:
        raise InvalidLink(LINK_INVALID)
    return user


def confirm_email_change(user_id: Any, old_email: Any, new_email: Any, seal: Any) -> User:
    """Make the confirmed address the account's sign-in address (the old one no longer signs in)."""
    user = email_change_account(user_id, old_email, new_email, seal)
    if _taken(new_email, user):  # registered by someone else since the link was sent
        raise ValidationFailed(f"{new_email} 已被其他账号使用，无法更换为该邮箱。", {"email": EMAIL_TAKEN})
    audit.label(user, "user.email_change", f"{old_email} → {new_email}"[:audit.NOTE_LIMIT], actor=user)
    user.email = new_email
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # taken at the same moment by a sign-up or another change
        raise ValidationFailed(f"{new_email} 已被其他账号使用，无法更换为该邮箱。", {"email": EMAIL_TAKEN}) from None
    return user
