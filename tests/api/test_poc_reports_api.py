"""API: the validation report — filed by the center once every milestone is approved, accepted by
both parties (which completes the engagement with its deal amount and moves the listings to their
final states) or sent back with a comment and filed again."""
from __future__ import annotations

import pytest

from marketplace.services.poc.uploads import UploadStore
from models import DemandStatus, Engagement, ResultStatus, Role, ValidationReport, db
from tests.api.poc_api import REPORT, Api, active, all_approved, count, error, ok, outsider
from tests.factories import make_user


@pytest.fixture
def api(ctx):
    return Api(ctx)


@pytest.fixture
def approved(ctx, tmp_path):
    """(world, engagement, center) with every milestone approved."""
    return all_approved(UploadStore(tmp_path, 1024 * 1024))


def file(api, engagement, user, **overrides):
    return api.post(f"/engagements/{engagement.id}/report", user, REPORT | overrides)


def test_filed_then_accepted_by_both_parties_completes_the_engagement(api, approved):
    world, engagement, center = approved
    body = ok(file(api, engagement, center))
    assert (body["status"], body["engagement_status"], body["revision"]) == ("submitted", "report_submitted", 1)
    assert {key: body[key] for key in REPORT} == REPORT
    assert body["accepted_by"] == {"enterprise": False, "institution": False} and body["accepted_at"] is None
    assert ok(api.get(f"/engagements/{engagement.id}", world.enterprise))["report"]["id"] == body["id"]
    first = ok(api.post(f"/engagements/{engagement.id}/report/accept", world.enterprise))
    assert (first["status"], first["engagement_status"], first["deal_amount"]) == \
        ("submitted", "report_submitted", None)
    assert first["report"]["accepted_by"] == {"enterprise": True, "institution": False}
    second = ok(api.post(f"/engagements/{engagement.id}/report/accept", world.researcher))
    assert (second["status"], second["engagement_status"], second["deal_amount"]) == ("accepted", "completed", 90)
    done = ok(api.get(f"/engagements/{engagement.id}", center))
    assert done["status"] == "completed" and done["completed_at"].endswith("Z") and done["deal_amount"] == 90
    assert world.pairing.demand.status is DemandStatus.FULFILLED
    assert world.pairing.result.status is ResultStatus.VALIDATED
    assert ok(api.get("/engagements?status=completed", center))["total"] == 1


def test_no_report_before_every_milestone_is_approved(api):
    world, engagement, center = active()
    conflict = error(file(api, engagement, center), 409, "conflict")
    assert "里程碑" in conflict["message"] and engagement.milestones[0].title in conflict["message"]
    assert count(ValidationReport) == 0


def test_report_bad_cases(api, approved):
    world, engagement, center = approved
    for user in (world.enterprise, world.researcher):
        error(file(api, engagement, user), 403, "forbidden")
    error(file(api, engagement, make_user(Role.ADMIN)), 403, "forbidden")
    error(file(api, engagement, outsider()), 404, "not_found")
    error(file(api, engagement, None), 401, "unauthorized")
    fields = error(file(api, engagement, center, technical_verdict="maybe", trl_after=10, recommendation="",
                        summary=""), 422, "validation_error")["fields"]
    assert set(fields) == {"technical_verdict", "trl_after", "recommendation", "summary"}
    error(api.post(f"/engagements/{engagement.id}/report", center, data="x"), 422, "validation_error")
    error(api.post(f"/engagements/{engagement.id}/report/accept", world.enterprise), 404, "not_found")  # none yet
    assert count(ValidationReport) == 0
    ok(file(api, engagement, center))
    error(file(api, engagement, center), 409, "conflict")  # waiting for the parties


def test_acceptance_bad_cases(api, approved):
    world, engagement, center = approved
    ok(file(api, engagement, center))
    accept = f"/engagements/{engagement.id}/report/accept"
    error(api.post(accept, center), 403, "forbidden")
    error(api.post(accept, outsider()), 404, "not_found")
    ok(api.post(accept, world.enterprise))
    error(api.post(accept, world.enterprise), 409, "conflict")
    error(api.post(accept, make_user(Role.ENTERPRISE, organization=world.enterprise.organization)), 409, "conflict")
    ok(api.post(accept, world.researcher))
    error(api.post(accept, world.researcher), 409, "conflict")
    error(api.post(f"/engagements/{engagement.id}/report/return", world.enterprise, {"comment": "晚了"}),
          409, "conflict")
    assert db.session.get(Engagement, engagement.id).deal_amount == 90


def test_a_returned_report_is_filed_again(api, approved):
    world, engagement, center = approved
    ok(file(api, engagement, center))
    back = f"/engagements/{engagement.id}/report/return"
    ok(api.post(f"/engagements/{engagement.id}/report/accept", world.enterprise))
    assert "comment" in error(api.post(back, world.researcher, {"comment": " "}), 422, "validation_error")["fields"]
    error(api.post(back, center, {"comment": "x"}), 403, "forbidden")
    body = ok(api.post(back, world.researcher, {"comment": "市场验证样本不足"}))
    assert (body["status"], body["engagement_status"], body["return_comment"]) == \
        ("returned", "active", "市场验证样本不足")
    assert body["accepted_by"] == {"enterprise": False, "institution": False}
    error(api.post(f"/engagements/{engagement.id}/report/accept", world.enterprise), 409, "conflict")
    again = ok(file(api, engagement, center, market_verdict="feasible"))
    assert (again["revision"], again["status"], again["market_verdict"]) == (2, "submitted", "feasible")
    assert count(ValidationReport) == 1
