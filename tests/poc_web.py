"""Helpers of the proof-of-concept page tests: signed-in browsers, form posts with the page's CSRF
token, counting rows, and the stages of an engagement reached through the services (signatures
with the app's own agreement secret, so a later web signature by the same person still works)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app

from marketplace.services.poc import agreements, milestones
from models import db
from tests.clients import isolated_client
from tests.factories import PASSWORD, csrf_token, login
from tests.poc_factories import engagement_user

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def browser(app, user):
    """A separate browser signed in as ``user``."""
    client = isolated_client(app)
    login(client, user)
    return client


def post(client, url: str, page: str | None = None, **data):
    """POST ``data`` with the CSRF token of ``page`` (default: the URL's own page, else the workspace)."""
    return client.post(url, data=data | {"csrf_token": csrf_token(client, page or "/me/")})


def submission_token(client, url: str) -> str:
    """The one-time submission token of the create form on ``url``."""
    match = TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no submission token on {url}"
    return match.group(1)


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def text(response) -> str:
    return response.get_data(as_text=True)


def sign(user, engagement) -> None:
    agreements.sign_agreement(user, engagement.id, PASSWORD, current_app.config["AGREEMENT_SECRET"])
    db.session.commit()


def activate(engagement, center) -> None:
    """All three parties sign: the engagement is active."""
    for user in (engagement_user(engagement, "enterprise"), engagement_user(engagement, "institution"), center):
        sign(user, engagement)


def approve_all(engagement, center, reviewer) -> None:
    """The center delivers every milestone and ``reviewer`` approves each."""
    for m in engagement.milestones:
        milestones.submit_milestone(center, engagement.id, m.id, "交付物说明")
        milestones.approve_milestone(reviewer, engagement.id, m.id, "通过")
    db.session.commit()
