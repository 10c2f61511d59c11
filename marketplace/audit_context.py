"""Tells the audit log (services/audit.py) who is acting and from where: the request's signed-in
caller — the API token's user or the web session's, as far as the request has resolved it — and
the client's address."""
from __future__ import annotations

from flask import g, has_request_context, request

from .services import audit


def request_context() -> tuple[int | None, str]:
    """(the caller's user id or None, the client's address) of the current request."""
    if not has_request_context():
        return None, ""
    # read off what the request already resolved: nothing is loaded here (this runs mid-flush)
    user = g.get("api_user") or g.get("_login_user")
    return audit.identity(user), request.remote_addr or ""


def init_app(app) -> None:
    """Register the provider."""
    audit.use_request_context(request_context)
