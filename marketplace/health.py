"""Liveness and readiness (docs/deployment.md, "Health checks").

``/healthz`` answers while the process can answer at all (a load balancer restarts it when it
cannot). ``/readyz`` answers 200 only when this worker can serve a request: the database
answers, Redis answers when it is configured, and the match index is loaded — otherwise 503 with
Retry-After and which check failed, so traffic goes elsewhere until it recovers."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from models import db

from .errors import rollback_quietly
from .ratelimits import redis_problem


def readiness() -> tuple[bool, dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except sa.exc.DBAPIError:
        checks["database"] = "unavailable"
    finally:
        rollback_quietly()
    redis_url = current_app.config["REDIS_URL"]
    if redis_url:
        checks["redis"] = "unavailable" if redis_problem(redis_url) else "ok"
    index = current_app.extensions["match_index"]
    checks["match_index"] = "ok" if index.matcher is not None else "not loaded"
    return all(value == "ok" for value in checks.values()), checks
