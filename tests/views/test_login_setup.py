"""How security.init_app wires Flask-Login, checked on an application built inside the test
(the shared ``app`` fixture is built once per session, before any one test runs)."""
from __future__ import annotations

import pytest
from marketplace import create_app
from tests.factories import login, make_user


@pytest.fixture
def fresh_app(ctx):
    """A second application on the same database as ``ctx``, built now."""
    keys = ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "SECRET_KEY", "SERVER_NAME", "MATCH_INDEX_DIR")
    app = create_app({"TESTING": True} | {k: ctx.config[k] for k in keys})
    app.instance_path = ctx.instance_path
    yield app
    with app.app_context():
        from models import db
        db.session.remove()
        db.engine.dispose()


def test_visitors_go_to_the_login_page_with_a_message(fresh_app):
    client = fresh_app.test_client()
    response = client.get("/me/")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login?next=%2Fme%2F"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<div class="flash flash-info" role="status">请先登录。</div>' in page


def test_a_session_is_loaded_from_its_server_token_and_marked_stale_from_another_browser(fresh_app):
    user = make_user()
    client = fresh_app.test_client()
    assert login(client, user).status_code == 302
    assert client.get("/me/").status_code == 200  # the user loader finds the session's token
    with client.session_transaction() as sess:
        assert sess["_fresh"] is True
    # basic session protection: the same cookie from another browser is no longer "fresh"
    assert client.get("/me/", headers={"User-Agent": "another-browser/1.0"}).status_code == 200
    with client.session_transaction() as sess:
        assert sess["_fresh"] is False
