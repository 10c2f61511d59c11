"""Test clients for tests with several signed-in users at once.

The ``ctx`` fixture keeps one app context open for the whole test, and Flask reuses an open app
context for requests, so ``g`` (Flask-Login's cached user, the API's caller) would leak from one
client's request into another's. These clients run each request in a fresh context instead, like
separate browsers: every request gets its own app context, ``g`` and database session. Read the
database afterwards through ``db.session`` after ``db.session.rollback()`` (or ``expire_all``)."""
from __future__ import annotations

import contextvars

from flask.testing import FlaskClient


class IsolatedClient(FlaskClient):
    """A client whose every request runs in its own app context."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def isolated_client(app) -> IsolatedClient:
    """A fresh isolated client (its own cookie jar) for ``app``."""
    return IsolatedClient(app, app.response_class, use_cookies=True)
