"""API: engagements — the list and the detail (parties, milestones, agreement, progress), signing
the agreement (password re-entered, once per party, rate-limited on every attempt) and verifying
an agreement, tampered or not."""
from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from models import Agreement, AgreementSignature, Engagement, EngagementStatus, Role, db
from tests.api.poc_api import Api, active, awaiting_signatures, count, error, ok, outsider
from tests.factories import PASSWORD, make_user
from tests.poc_factories import engagement_user


@pytest.fixture
def api(ctx):
    return Api(ctx)


def sign(api, engagement, user, password=PASSWORD):
    return api.post(f"/engagements/{engagement.id}/sign", user, {"password": password})


def test_an_engagement_as_its_parties_see_it(api):
    world, engagement, center = awaiting_signatures()
    body = ok(api.get(f"/engagements/{engagement.id}", center))
    assert (body["status"], body["your_party"], body["payer"]) == ("awaiting_signatures", "center", "enterprise")
    assert body["parties"] == {
        "enterprise": {"id": world.enterprise.organization_id, "name": world.enterprise.organization.name},
        "institution": {"id": world.researcher.organization_id, "name": world.researcher.organization.name},
        "center": {"id": center.organization_id, "name": center.organization.name}}
    assert [(m["position"], m["title"], m["due_week"], m["payment"]) for m in body["milestones"]] == [
        (0, "测试平台搭建", 4, 30), (1, "热失控试验", 16, 40), (2, "市场验证", 24, 20)]
    first = body["milestones"][0]
    assert (first["status"], first["payment_status"], first["due_on"], first["submissions"]) == \
        ("pending", "not_due", None, [])
    agreement = body["agreement"]
    assert hashlib.sha256(agreement["content"].encode()).hexdigest() == agreement["hash"]
    assert agreement["prev_hash"] == "0" * 64 and agreement["sequence"] == 1 and agreement["signatures"] == []
    assert json.loads(agreement["content"])["terms"]["total_cost"] == 90
    assert body["report"] is None and body["deal_amount"] is None and body["activated_at"] is None
    assert body["progress"] == {"approved": 0, "total": 3, "paid": 0, "due": 0, "outstanding": 90,
                                "next_milestone_id": first["id"], "overdue_milestone_ids": []}
    assert ok(api.get(f"/engagements/{engagement.id}", world.researcher))["your_party"] == "institution"
    assert ok(api.get(f"/engagements/{engagement.id}", make_user(Role.ADMIN)))["your_party"] is None


def test_outsiders_do_not_see_an_engagement(api):
    _, engagement, _ = awaiting_signatures()
    for user in (outsider(), outsider(Role.RESEARCHER), make_user(Role.CENTER)):
        error(api.get(f"/engagements/{engagement.id}", user), 404, "not_found")
    error(api.get(f"/engagements/{engagement.id}", None), 401, "unauthorized")
    error(api.get("/engagements/99999999999", make_user(Role.ADMIN)), 404, "not_found")


def test_the_list_holds_the_callers_engagements_only(api):
    world, first, center = awaiting_signatures()
    _, second, _ = active()
    assert [e["id"] for e in ok(api.get("/engagements", center))["items"]] == [first.id]
    assert [e["id"] for e in ok(api.get("/engagements", world.researcher))["items"]] == [first.id]
    assert ok(api.get("/engagements", outsider()))["total"] == 0
    everyone = ok(api.get("/engagements", make_user(Role.ADMIN)))
    assert [e["id"] for e in everyone["items"]] == [second.id, first.id] and everyone["total"] == 2
    admin = make_user(Role.ADMIN)
    assert [e["id"] for e in ok(api.get("/engagements?status=active", admin))["items"]] == [second.id]
    assert ok(api.get("/engagements?status=completed", admin))["items"] == []
    assert "status" in error(api.get("/engagements?status=lost", admin), 422, "validation_error")["fields"]
    error(api.get("/engagements?per_page=0", admin), 422, "validation_error")
    error(api.get("/engagements", None), 401, "unauthorized")


def test_three_signatures_make_the_engagement_active(api):
    world, engagement, center = awaiting_signatures()
    body = ok(sign(api, engagement, world.enterprise))
    assert body["status"] == "awaiting_signatures"
    [signature] = body["agreement"]["signatures"]
    assert (signature["party"], signature["user_id"]) == ("enterprise", world.enterprise.id)
    assert len(signature["public_key"]) == 64 and len(signature["signature"]) == 128
    ok(sign(api, engagement, world.researcher))
    body = ok(sign(api, engagement, center))
    assert body["status"] == "active" and body["activated_at"].endswith("Z")
    assert [s["party"] for s in body["agreement"]["signatures"]] == ["enterprise", "institution", "center"]
    assert all(m["due_on"] for m in body["milestones"])


def test_signing_bad_cases(api):
    world, engagement, center = awaiting_signatures()
    assert "password" in error(sign(api, engagement, world.enterprise, "wrong-password"), 422,
                               "validation_error")["fields"]
    assert "password" in error(api.post(f"/engagements/{engagement.id}/sign", world.enterprise, {}),
                               422, "validation_error")["fields"]
    assert count(AgreementSignature) == 0
    ok(sign(api, engagement, world.enterprise))
    assert "已签署" in error(sign(api, engagement, world.enterprise), 409, "conflict")["message"]
    colleague = make_user(Role.ENTERPRISE, organization=world.enterprise.organization)
    error(sign(api, engagement, colleague), 409, "conflict")  # the party has signed
    _, others, _ = awaiting_signatures()
    error(sign(api, others, world.enterprise), 404, "not_found")  # someone else's agreement
    error(sign(api, engagement, make_user(Role.ADMIN)), 403, "forbidden")
    error(api.post(f"/engagements/{engagement.id}/sign", None, {"password": PASSWORD}), 401, "unauthorized")
    error(api.post(f"/engagements/{engagement.id}/sign", center, data="x"), 422, "validation_error")
    assert count(AgreementSignature) == 1


def test_signing_a_completed_round_again_is_a_conflict(api):
    _, engagement, center = active()
    assert db.session.get(Engagement, engagement.id).status is EngagementStatus.ACTIVE
    error(sign(api, engagement, center), 409, "conflict")


def test_every_signing_attempt_counts_toward_the_limit(api, app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SIGNING", "3 per hour")
    world, engagement, _ = awaiting_signatures()
    statuses = [sign(api, engagement, world.enterprise, "guess-%d" % n).status_code for n in range(3)]
    assert statuses == [422, 422, 422]
    limited = sign(api, engagement, world.enterprise)  # even the right password now waits
    error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    assert count(AgreementSignature) == 0
    assert ok(sign(api, engagement, world.researcher))["agreement"]["signatures"][0]["party"] == "institution"


def test_the_parties_verify_an_agreement(api):
    world, engagement, center = active()
    agreement_id = ok(api.get(f"/engagements/{engagement.id}", center))["agreement"]["id"]
    body = ok(api.get(f"/agreements/{agreement_id}/verify", world.researcher))
    assert body["valid"] is True and body["chain_ok"] is True and body["signatures_ok"] is True
    assert body["hash"] == body["recomputed_hash"] and body["problems"] == []
    assert ok(api.get(f"/agreements/{agreement_id}/verify", make_user(Role.ADMIN)))["valid"] is True
    for user in (outsider(), make_user(Role.CENTER)):
        error(api.get(f"/agreements/{agreement_id}/verify", user), 404, "not_found")
    error(api.get("/agreements/99999/verify", center), 404, "not_found")
    error(api.get(f"/agreements/{agreement_id}/verify", None), 401, "unauthorized")


def test_verify_reports_an_edited_agreement(api):
    world, engagement, center = active()
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.engagement_id == engagement.id))
    edited = agreement.content.replace('"total_cost":90', '"total_cost":9')
    assert edited != agreement.content
    db.session.execute(sa.update(Agreement).where(Agreement.id == agreement.id).values(content=edited))
    db.session.commit()
    body = ok(api.get(f"/agreements/{agreement.id}/verify", engagement_user(engagement, "enterprise")))
    assert body["valid"] is False and body["hash"] != body["recomputed_hash"]
    assert body["recomputed_hash"] == hashlib.sha256(edited.encode()).hexdigest()
    assert any("哈希不符" in problem for problem in body["problems"])
