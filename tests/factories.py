"""Tiny test-data factories (Redash style): valid inputs by default, override what the test is about."""
from __future__ import annotations

import itertools
import re
from datetime import timedelta
from marketplace.localtime import local_today

import sqlalchemy as sa

from marketplace.services import demands, results
from marketplace.services.passwords import hash_password
from models import Organization, OrgKind, Role, User, db

PASSWORD = "bridge-test-pass-42"
_HASH = hash_password(PASSWORD)  # computed once: scrypt is deliberately slow
_seq = itertools.count(1)
_ORG_KIND = {Role.ENTERPRISE: OrgKind.ENTERPRISE, Role.RESEARCHER: OrgKind.UNIVERSITY,
             Role.CENTER: OrgKind.CENTER, Role.ADMIN: OrgKind.SERVICE}


def make_org(kind: OrgKind = OrgKind.ENTERPRISE, **overrides) -> Organization:
    """An organization with a unique name."""
    org = Organization(**({"name": f"测试机构{next(_seq)}", "kind": kind, "region": "上海市"} | overrides))
    db.session.add(org)
    db.session.commit()  # committed, so a request's own session can write next to it (SQLite locks)
    return org


def make_user(role: Role = Role.ENTERPRISE, organization: Organization | None = None, **overrides) -> User:
    """A user (password ``PASSWORD``) in a new organization of the matching kind unless given."""
    n = next(_seq)
    organization = organization or make_org(_ORG_KIND[role])
    user = User(**({"email": f"user{n}@example.com", "password_hash": _HASH, "role": role,
                    "display_name": f"用户{n}", "organization": organization} | overrides))
    db.session.add(user)
    db.session.commit()
    return user


def demand_data(**overrides) -> dict:
    """A valid demand payload (API shape)."""
    return {
        "title": "动力电池热失控早期预警技术", "description": "我司储能电站需要在热失控发生前 10 分钟给出预警，误报率低于 1%。",
        "field": "new_energy", "keywords": ["锂离子电池", "热失控", "储能"], "budget_min": 50, "budget_max": 200,
        "deadline": (local_today() + timedelta(days=90)).isoformat(), "cooperation_mode": "development",
        "trl_target": 6, "region": "上海市浦东新区", "visibility": "public",
    } | overrides


def result_data(**overrides) -> dict:
    """A valid result payload (API shape)."""
    return {
        "title": "基于多传感器融合的锂电池热失控预警方法", "abstract": "融合气体、温度与电压信号，提前 15 分钟识别热失控征兆。",
        "field": "new_energy", "keywords": ["锂电池", "热失控", "传感器融合"], "trl": 5, "maturity": "bench",
        "patents": [{"number": "CN202310456789.1", "status": "pending"}], "transfer_modes": ["license", "assignment"],
        "asking_price": 120,
    } | overrides


def make_demand(user: User, **overrides):
    """A demand created through the service (draft unless ``status`` says otherwise), committed."""
    demand = demands.create_demand(user, demand_data(**overrides))
    db.session.commit()
    return demand


def make_result(user: User, **overrides):
    """A result created through the service, committed."""
    result = results.create_result(user, result_data(**overrides))
    db.session.commit()
    return result


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on ``url`` (as a browser would get it)."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, user: User, password: str = PASSWORD):
    """Sign in through the login form; returns the response."""
    token = csrf_token(client, "/auth/login")
    return client.post("/auth/login", data={"email": user.email, "password": password, "csrf_token": token})


def api_token(client, user: User, password: str = PASSWORD) -> dict:
    """Authorization headers with a fresh bearer token for ``user``."""
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def make_connected_pairing(demand, result, message: str = "希望与贵方合作验证。"):
    """The result's side proposes, the demand's side accepts: a connected pairing, committed."""
    from flask import current_app

    from marketplace.services import pairings

    proposer = db.session.scalar(db.select(User).where(User.organization_id == result.organization_id))
    answerer = db.session.scalar(db.select(User).where(User.organization_id == demand.organization_id))
    pairing = pairings.propose_pairing(proposer, demand.id, result.id, message,
                                       current_app.extensions["match_index"], 14)
    pairings.accept_pairing(answerer, pairing.id)
    db.session.commit()
    return pairing


def every_row(skip: tuple[str, ...] = ()) -> dict[str, list]:
    """Every row of every table of the app's database but ``skip``, in a stable order (for
    "nothing changed" and "everything came back" assertions)."""
    with db.engine.connect() as conn:
        return {name: sorted((tuple(row) for row in conn.execute(sa.text(f'SELECT * FROM "{name}"'))), key=repr)
                for name in sorted(sa.inspect(conn).get_table_names()) if name not in skip}


# A refused request still writes one row: the audit log's record of the refusal (a denied
# access, a failed sign-in). "Nothing changed" means nothing but that.
BUT_THE_LOG = ("audit_log",)
