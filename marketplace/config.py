"""Configuration: one class of safe defaults, then environment variables, then test_config.

This is the only module that reads ``os.environ``.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Config:
    """Safe defaults; every value may be overridden (see ``load_config``)."""

    APP_ENV = "development"  # "production" refuses to start without SECRET_KEY
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite file in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    LOG_LEVEL = "INFO"

    SESSION_COOKIE_NAME = "innobridge_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12  # seconds; web sessions expire after 12 h
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MiB of request body
    MAX_QUERY_STRING = 4096  # bytes of query string (more: 414)
    DB_STATEMENT_TIMEOUT_MS = 5000  # one SQL statement of a request (more: 503); 0 = no limit

    API_TOKEN_LIFETIME_HOURS = 24 * 30
    CACHE_BACKGROUND_REFRESH = True  # a stale cached figure is answered while a thread recomputes it
    FIGURES_MIN_AGE_SECONDS = 5  # home counts and statistics are recomputed at most this often,
    FIGURES_COST_FACTOR = 10  # and at most every 10× the time their computation took
    TRUSTED_PROXIES = 0  # reverse proxies in front of the app whose X-Forwarded-* headers are believed
    REDIS_URL: str | None = None  # shared rate limits (and caches) for several workers or machines
    RATELIMIT_STORAGE_URI: str | None = None  # default: REDIS_URL when set, else per-worker memory
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down while running: count per worker meanwhile
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "innobridge"  # several deployments may share one Redis
    # Sign-in (web login and API tokens together): see marketplace/ratelimits.py.
    RATELIMIT_LOGIN_ACCOUNT_ADDRESS = "10 per minute"
    RATELIMIT_LOGIN_ACCOUNT = "30 per hour"
    RATELIMIT_LOGIN_ADDRESS = "60 per minute;600 per hour"  # failures only, across accounts
    # Writes a script could repeat, per user (registration: per address); a person never hits these.
    RATELIMIT_PASSWORD_CHANGE = "10 per hour"
    RATELIMIT_REGISTRATION = "10 per hour"
    RATELIMIT_MESSAGES = "20 per minute;300 per hour"
    RATELIMIT_PROPOSALS = "30 per hour"
    RATELIMIT_LISTINGS = "60 per hour"
    RATELIMIT_REPORTS = "20 per hour"  # reports of listings and messages, per user
    PER_PAGE = 20
    # E-mail (marketplace/mail.py): without MAIL_SERVER messages go to the log instead.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS on MAIL_PORT (usually 587)
    MAIL_USE_SSL = False  # TLS from the first byte (usually port 465)
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "创新桥 InnoBridge <noreply@innobridge.localhost>"
    MAIL_TIMEOUT = 10  # seconds of one SMTP conversation
    MAIL_MAX_ATTEMPTS = 6  # then the message is marked failed (the console lists it)
    SITE_URL = "http://127.0.0.1:8000"  # the links in e-mail point here
    JOBS_QUEUE = "innobridge"  # the RQ queue's name in Redis
    JOBS = "auto"  # after-commit work: auto (redis with REDIS_URL, else after_response) | redis | after_response | inline
    RATELIMIT_PASSWORD_RESET = "5 per hour"  # reset mails asked for, per address asked about and per client
    TIMEZONE = "Asia/Shanghai"  # times are stored in UTC and shown, and months counted, in this zone
    MATCH_INDEX_DIR: str | None = None  # default: instance/match-index; "" keeps the index in memory only
    PAIRING_RESPONSE_DAYS = 14
    MAX_PER_PAGE = 100
    # The proof-of-concept stage
    AGREEMENT_SECRET: str | None = None  # encrypts signers' private keys; default: derived from SECRET_KEY
    UPLOAD_DIR: str | None = None  # deliverable files, outside the web root; default: instance/uploads
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024  # one deliverable file
    ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # one file attached to a demand or a result
    RATELIMIT_SIGNING = "10 per hour"  # signing re-enters the password: every attempt counts


# Unprefixed variables named in the README; everything else uses the INNOBRIDGE_ prefix.
_PLAIN_ENV = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "LOG_LEVEL": "LOG_LEVEL",
    "APP_ENV": "APP_ENV",
    "REDIS_URL": "REDIS_URL",
    "TIMEZONE": "TIMEZONE",
}


def load_config(app, test_config: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` from Config, then the environment, then ``test_config``."""
    app.config.from_object(Config)
    for env_name, key in _PLAIN_ENV.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    app.config.from_prefixed_env("INNOBRIDGE")
    if test_config:
        app.config.update(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
        or f"sqlite:///{Path(app.instance_path) / 'innobridge.db'}"
    )
    if app.config["UPLOAD_DIR"] is None:
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")
    if app.config["MATCH_INDEX_DIR"] is None:
        app.config["MATCH_INDEX_DIR"] = str(Path(app.instance_path) / "match-index")
    engine_options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    # Keep Chinese as-is in JSON columns so SQL LIKE search sees the characters.
    engine_options.setdefault("json_serializer", lambda obj: json.dumps(obj, ensure_ascii=False))
    # A connection the database dropped (a restart) is noticed and replaced before use, not in a request.
    engine_options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _development_secret(app)
    if not app.config["AGREEMENT_SECRET"]:
        # Changing SECRET_KEY then makes stored signing keys unusable for new signatures (existing
        # signatures stay verifiable: they are checked with the public keys); set it separately
        # to rotate SECRET_KEY freely.
        app.config["AGREEMENT_SECRET"] = "agreements:" + app.config["SECRET_KEY"]
    try:  # an unknown zone is refused at start-up, not on the first page that shows a time
        ZoneInfo(app.config["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"TIMEZONE {app.config['TIMEZONE']!r} is not a known time zone") from error
    if app.config["APP_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
    app.logger.setLevel(getattr(logging, str(app.config["LOG_LEVEL"]).upper(), logging.INFO))


def normalize_database_url(url: str) -> str:
    """Accept the common ``postgres://`` and ``postgresql://`` spellings; use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret(app) -> str:
    """Generate once into instance/secret_key; refuse in production."""
    if app.config["APP_ENV"] == "production":
        raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
