"""Web and API tests: a test client whose every request runs in its own context.

Flask reuses an app context that is already pushed (the ``ctx`` fixture pushes one for the test),
so without this the requests of a test would share ``g`` (Flask-Login's cached user, the API's
``g.api_user``) and the test's database session: a replayed cookie or a second client could be
answered from the previous request's state. In production every request starts clean; so here.
"""
from __future__ import annotations

import contextvars

import pytest
from flask.testing import FlaskClient


class IsolatedClient(FlaskClient):
    """A test client that runs each request in a fresh context (own app context, g, db session)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def client(ctx):
    """A test client (cookies kept between its requests), each request isolated like production."""
    return IsolatedClient(ctx, ctx.response_class, use_cookies=True)


@pytest.fixture
def new_client(ctx):
    """A factory of further independent clients (another browser, another device)."""
    return lambda: IsolatedClient(ctx, ctx.response_class, use_cookies=True)
