"""Rate limits: who is counted (the keys) and which limit each action has (``Config.RATELIMIT_*``).

Sign-in (the web login and ``POST /api/v1/tokens`` share the counts):
- per account and address: every attempt counts, so a guesser is stopped exactly at the limit;
- per account across addresses: every attempt counts (guessing from many addresses);
- per address across accounts: only failures count, with a higher ceiling, so one person's
  mistakes on their own account do not lock out their neighbours behind the same NAT.
Password reset mails are limited per address asked about and per client (every answered request
counts: the answer is the same whether or not the address has an account).
Other writes that a script could repeat are limited per signed-in user (or, for registration, per
address) at rates a person never reaches; they count what was written, except the password change
and signing an agreement, where every attempt counts (a wrong password is a guess). Storage: Redis
when ``REDIS_URL`` (or ``RATELIMIT_STORAGE_URI``) names one, shared by every worker; otherwise each
worker counts alone.
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .extensions import limiter


def client_address() -> str:
    """The caller's address (behind a reverse proxy: configure ProxyFix so this is the client's)."""
    return get_remote_address() or "unknown"


def login_account() -> str:
    """The account a sign-in names: the submitted email, normalised as the service compares it."""
    data = request.get_json(silent=True) if request.is_json else request.form
    email = data.get("email") if hasattr(data, "get") else None
    return (email.strip().lower()[:254] if isinstance(email, str) else "") or "-"


def account_and_address() -> str:
    return f"{login_account()}|{client_address()}"


def acting_user() -> str:
    """The signed-in user (web session or API token), else the address."""
    if request.path.startswith("/api/"):
        user = g.get("api_user")  # set by token_required, which runs first
    else:
        user = current_user if current_user.is_authenticated else None
    return f"user:{user.id}" if user is not None else f"addr:{client_address()}"


def _failed(response) -> bool:
    return response.status_code == 401


def _succeeded(response) -> bool:
    return response.status_code < 400


def _setting(name: str):
    return lambda: current_app.config[name]


def login_limits(view):
    """The three sign-in limits on a view (web login POST or the token endpoint)."""
    methods = ["POST"]
    view = limiter.shared_limit(_setting("RATELIMIT_LOGIN_ADDRESS"), scope="login-address",
                                key_func=client_address, deduct_when=_failed, methods=methods)(view)
    view = limiter.shared_limit(_setting("RATELIMIT_LOGIN_ACCOUNT"), scope="login-account",
                                key_func=login_account, methods=methods)(view)
    return limiter.shared_limit(_setting("RATELIMIT_LOGIN_ACCOUNT_ADDRESS"), scope="login-account-address",
                                key_func=account_and_address, methods=methods)(view)


def password_reset_limits(view):
    """Reset mails asked for (the web form and ``POST /api/v1/password-reset`` share the counts), per
    address asked about and per client, ``RATELIMIT_PASSWORD_RESET`` each. A request that was
    answered counts whether or not the address has an account (the answer is the same); one refused
    as malformed costs nothing."""
    view = limiter.shared_limit(_setting("RATELIMIT_PASSWORD_RESET"), scope="password-reset-address",
                                key_func=client_address, methods=["POST"], deduct_when=_succeeded)(view)
    return limiter.shared_limit(_setting("RATELIMIT_PASSWORD_RESET"), scope="password-reset-account",
                                key_func=login_account, methods=["POST"], deduct_when=_succeeded)(view)


def action_limit(setting: str, scope: str, key_func=acting_user, every_attempt: bool = False):
    """A limit shared by the web form and the API endpoint of one kind of write (POST only). It
    counts what was written (a form sent back with errors costs nothing), or ``every_attempt``
    where the attempt itself is what must be slowed down (guessing the current password)."""
    return limiter.shared_limit(_setting(setting), scope=scope, key_func=key_func, methods=["POST"],
                                deduct_when=None if every_attempt else _succeeded)


password_change_limit = action_limit("RATELIMIT_PASSWORD_CHANGE", "password-change", every_attempt=True)
registration_limit = action_limit("RATELIMIT_REGISTRATION", "registration", key_func=client_address)
message_limit = action_limit("RATELIMIT_MESSAGES", "messages")
proposal_limit = action_limit("RATELIMIT_PROPOSALS", "proposals")
listing_limit = action_limit("RATELIMIT_LISTINGS", "listing-create")
report_limit = action_limit("RATELIMIT_REPORTS", "reports")
signing_limit = action_limit("RATELIMIT_SIGNING", "agreement-signing", every_attempt=True)  # re-enters the password


def init_app(app) -> None:
    """Pick the limiter's storage (Redis when configured and reachable, else per-worker memory),
    say which in the log, and start the limiter. A missing or unreachable Redis never stops the app."""
    url = app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"] or "memory://"
    if url.startswith(("redis://", "rediss://", "unix://")):
        problem = redis_problem(url)
        if problem:
            app.logger.error("rate limits: Redis at %s is not usable (%s); falling back to per-worker "
                             "memory, so each gunicorn worker counts on its own", _safe_url(url), problem)
            url = "memory://"
        else:
            app.logger.info("rate limits: shared by every worker through Redis at %s", _safe_url(url))
    app.config["RATELIMIT_STORAGE_URI"] = url
    limiter.init_app(app)


def storage_note(app) -> str:
    """One line for the server's start-up log: where the limits are counted."""
    url = app.config["RATELIMIT_STORAGE_URI"]
    if url == "memory://":
        return ("rate limits are counted per worker process (set REDIS_URL to share them between "
                "workers and machines)")
    return f"rate limits are shared by every worker through {_safe_url(url)}"


def redis_problem(url: str) -> str | None:
    """Why Redis at ``url`` cannot be used now (None when it answers a PING)."""
    try:
        import redis
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        return "the redis package is not installed"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
    except (redis.RedisError, OSError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def _safe_url(url: str) -> str:
    """The URL without its password, for the log."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
