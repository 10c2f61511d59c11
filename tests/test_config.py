"""Configuration: SECRET_KEY rules, the development secret file, DATABASE_URL spellings, production cookies."""
from __future__ import annotations

from pathlib import Path

import pytest

from marketplace import create_app
from marketplace.config import normalize_database_url

_ENV = ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "LOG_LEVEL")


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """create_app with a clean environment and its instance folder under tmp_path (nothing in the repo)."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"

    def build(**test_config):
        from flask import Flask

        original = Flask.__init__

        def init(self, *args, **kwargs):
            kwargs["instance_path"] = str(instance)
            original(self, *args, **kwargs)

        monkeypatch.setattr(Flask, "__init__", init)
        try:
            return create_app({"MATCH_INDEX_DIR": "", **test_config})
        finally:
            monkeypatch.setattr(Flask, "__init__", original)

    build.instance = instance
    return build


def test_production_without_secret_key_refuses_to_start(make_app, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make_app()
    assert not (make_app.instance / "secret_key").exists()


def test_production_with_secret_key_starts_with_secure_cookies(make_app, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-from-the-environment")
    app = make_app()
    assert app.config["SECRET_KEY"] == "a-real-secret-from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_cookies_are_not_secure_only(make_app):
    assert make_app().config["SESSION_COOKIE_SECURE"] is False


def test_development_generates_the_secret_once_and_reuses_it(make_app):
    first = make_app()
    secret_file = make_app.instance / "secret_key"
    assert secret_file.exists()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert secret_file.stat().st_mode & 0o077 == 0  # readable by the owner only

    second = make_app()
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"] == secret_file.read_text().strip()


def test_instance_path_stays_out_of_the_repository(make_app):
    app = make_app()
    assert Path(app.instance_path) == make_app.instance
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{make_app.instance / 'innobridge.db'}"


@pytest.mark.parametrize("given, expected", [
    ("postgres://u:p@db:5432/innobridge", "postgresql+psycopg://u:p@db:5432/innobridge"),
    ("postgresql://u:p@db/innobridge", "postgresql+psycopg://u:p@db/innobridge"),
    ("postgresql+psycopg://u@db/x", "postgresql+psycopg://u@db/x"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_url_spellings_are_normalised(given, expected):
    assert normalize_database_url(given) == expected


def test_database_url_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://user:pw@example.org:5432/innobridge")
    app = make_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user:pw@example.org:5432/innobridge"


def test_test_config_overrides_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    app = make_app(SECRET_KEY="from-test-config")
    assert app.config["SECRET_KEY"] == "from-test-config"
    assert app.config["LOG_LEVEL"] == "warning"


def test_trusted_proxies_make_forwarded_addresses_count(tmp_path):
    """With one trusted proxy the client's X-Forwarded-For address is the one the limits count;
    without it, a forged header changes nothing."""
    from flask import request

    from marketplace import create_app

    seen = {}
    for proxies in (0, 1):
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "TRUSTED_PROXIES": proxies, "MATCH_INDEX_DIR": "",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/proxy.db"})
        app.add_url_rule("/_addr", "addr", lambda: request.remote_addr)
        response = app.test_client().get("/_addr", headers={"X-Forwarded-For": "203.0.113.5"},
                                         environ_base={"REMOTE_ADDR": "10.0.0.1"})
        seen[proxies] = response.get_data(as_text=True)
    assert seen == {0: "10.0.0.1", 1: "203.0.113.5"}
