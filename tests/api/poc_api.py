"""Helpers of the PoC API tests: a client that speaks for any user by bearer token, the error
shape, and engagements brought to a given stage through the services (signed with the app's
own AGREEMENT_SECRET, as the API signs)."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.exceptions import NotFound

from marketplace.services import sessions
from marketplace.services.poc import agreements, milestones
from models import Role, TokenKind, User, db
from tests.clients import isolated_client
from tests.factories import PASSWORD, make_user
from tests.poc_factories import engage, engagement_user, make_world

PDF = b"%PDF-1.7\n"


class Api:
    """A test client whose calls name the acting user (``as_=None``: no token). Every answer's
    status must be one the served OpenAPI document lists for that operation."""

    def __init__(self, app):
        self.app = app
        self.client = isolated_client(app)
        self._tokens: dict[int, dict] = {}
        self._spec: dict | None = None

    def documented(self, method: str, path: str, status: int) -> bool:
        """Does the spec list ``status`` for the operation that serves ``method path``?"""
        if self._spec is None:
            spec = self.client.get("/api/v1/openapi.json").get_json()
            self._spec = {re.sub(r"\{[^}]+\}", "{}", p): item for p, item in spec["paths"].items()}
        try:
            rule, _ = self.app.url_map.bind("localhost").match(path.split("?")[0], method=method, return_rule=True)
        except NotFound:  # no route takes it (an id beyond the database's integers): the app's own 404
            return status == 404
        route = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "{}", rule.rule.removeprefix("/api/v1"))
        return str(status) in self._spec[route][method.lower()]["responses"]

    def _checked(self, method: str, path: str, response):
        assert self.documented(method, "/api/v1" + path, response.status_code), \
            f"{method} {path} answered {response.status_code}, which the OpenAPI document does not list"
        return response

    def headers(self, user: User | None, **extra) -> dict:
        if user is None:
            return dict(extra)
        if user.id not in self._tokens:
            secret, _ = sessions.issue_token(user, TokenKind.API, timedelta(hours=1))
            db.session.commit()
            self._tokens[user.id] = {"Authorization": f"Bearer {secret}"}
        return self._tokens[user.id] | extra

    def get(self, path: str, as_: User | None, **kwargs):
        headers = self.headers(as_, **kwargs.pop("headers", {}))
        return self._checked("GET", path, self.client.get("/api/v1" + path, headers=headers, **kwargs))

    def post(self, path: str, as_: User | None, json=None, **kwargs):
        headers = self.headers(as_, **kwargs.pop("headers", {}))
        if json is not None:
            kwargs["json"] = json
        return self._checked("POST", path, self.client.post("/api/v1" + path, headers=headers, **kwargs))

    def patch(self, path: str, as_: User | None, json=None, **kwargs):
        headers = self.headers(as_, **kwargs.pop("headers", {}))
        return self._checked("PATCH", path, self.client.patch("/api/v1" + path, headers=headers, json=json,
                                                              **kwargs))


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
