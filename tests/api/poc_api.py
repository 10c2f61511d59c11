"""Helpers of the PoC API tests: a client that speaks for any user by bearer token, the error
shape, and engagements brought to a given stage through the services (signed with the app's
own AGREEMENT_SECRET, as the API signs)."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from marketplace.services import sessions
from marketplace.services.poc import agreements, milestones
from models import Role, TokenKind, User, db
from tests.clients import isolated_client
from tests.factories import PASSWORD, make_user
from tests.poc_factories import engage, engagement_user, make_world

PDF = b"%PDF-1.7\n"


class Api:
    """A test client whose calls name the acting user (``as_=None``: no token)."""

    def __init__(self, app):
        self.client = isolated_client(app)
        self._tokens: dict[int, dict] = {}

    def headers(self, user: User | None, **extra) -> dict:
        if user is None:
            return dict(extra)
        if user.id not in self._tokens:
            secret, _ = sessions.issue_token(user, TokenKind.API, timedelta(hours=1))
            db.session.commit()
            self._tokens[user.id] = {"Authorization": f"Bearer {secret}"}
        return self._tokens[user.id] | extra

    def get(self, path: str, as_: User | None, **kwargs):
        return self.client.get("/api/v1" + path, headers=self.headers(as_, **kwargs.pop("headers", {})), **kwargs)

    def post(self, path: str, as_: User | None, json=None, **kwargs):
        headers = self.headers(as_, **kwargs.pop("headers", {}))
        if json is not None:
            kwargs["json"] = json
        return self.client.post("/api/v1" + path, headers=headers, **kwargs)

    def patch(self, path: str, as_: User | None, json=None, **kwargs):
        return self.client.patch("/api/v1" + path, headers=self.headers(as_, **kwargs.pop("headers", {})),
                                 json=json, **kwargs)


def error(response, status: int, code: str) -> dict:
    """The error body, after checking the status and the code."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    body = response.get_json()
    assert body["error"]["code"] == code, body
    return body["error"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    return response.get_json()


def count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def outsider(role: Role = Role.ENTERPRISE) -> User:
    return make_user(role)


def sign_all(engagement, center: User) -> None:
    """All three parties sign with the app's secret (the engagement becomes active)."""
    secret = current_app.config["AGREEMENT_SECRET"]
    for user in (engagement_user(engagement, "enterprise"), engagement_user(engagement, "institution"), center):
        agreements.sign_agreement(user, engagement.id, PASSWORD, secret)
    db.session.commit()


def awaiting_signatures():
    """(world, engagement, center): both parties accepted one bid, nobody signed yet."""
    world = make_world()
    engagement, center = engage(world)
    return world, engagement, center


def active():
    """(world, engagement, center): all three signed."""
    world, engagement, center = awaiting_signatures()
    sign_all(engagement, center)
    return world, engagement, center


def all_approved(store):
    """(world, engagement, center): every milestone delivered and approved (report may be filed)."""
    world, engagement, center = active()
    for milestone in engagement.milestones:
        milestones.submit_milestone(center, engagement.id, milestone.id, "交付物", io.BytesIO(PDF), "r.pdf", store)
        milestones.approve_milestone(world.enterprise, engagement.id, milestone.id, "")
    db.session.commit()
    return world, engagement, center


REPORT = {"technical_verdict": "feasible", "market_verdict": "inconclusive", "trl_before": 4, "trl_after": 6,
          "recommendation": "pilot", "summary": "技术可行，建议进入中试。", "evidence": "60 次试验数据。"}
