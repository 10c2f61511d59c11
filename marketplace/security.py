"""Web authentication (server-side sessions through Flask-Login) and role decorators."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import abort, current_app, session
from flask_login import current_user, login_user, logout_user

from models import TokenKind, User
from .extensions import login_manager
from .services import sessions


def init_app(app) -> None:
    """Wire Flask-Login to the server-side session table."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)


def _load_user(token: str) -> User | None:
    """The user behind the session token in the cookie (None once revoked or expired)."""
    return sessions.resolve_token(token, TokenKind.WEB)


def start_session(user: User) -> None:
    """Fresh session at login: old cookie contents are dropped, a new server token issued."""
    session.clear()
    lifetime = timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])
    secret, _ = sessions.issue_token(user, TokenKind.WEB, lifetime)
    user.session_token = secret
    session.permanent = True
    login_user(user, remember=False)


def end_session() -> None:
    """Revoke the server token so a replayed cookie no longer signs anyone in."""
    if current_user.is_authenticated:
        sessions.revoke_token(current_user.get_id())
    logout_user()
    session.clear()


def role_required(*roles):
    """Allow only signed-in users with one of ``roles`` (others: 403; anonymous: login)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def actor() -> User | None:
    """The signed-in user, or None for visitors (what services take as ``actor``)."""
    return current_user._get_current_object() if current_user.is_authenticated else None
