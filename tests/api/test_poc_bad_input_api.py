"""Never a 500 for bad input (docs/api.md): malformed bodies of every PoC write — wrong types, nesting,
non-finite numbers — are answered 422 with the field named, and write nothing."""
from __future__ import annotations

import pytest

from models import Bid, CenterProfile, ValidationReport, ValidationRequest
from marketplace.services.poc.uploads import UploadStore
from tests.api.poc_api import REPORT, Api, active, all_approved, awaiting_signatures, count, error
from tests.poc_factories import bid_data, make_bid, make_center, make_world, request_data


@pytest.fixture
def api(ctx):
    return Api(ctx)


REQUESTS = [
    ({"needs": ["both"]}, "needs"), ({"budget_cap": {"a": 1}}, "budget_cap"), ({"budget_cap": "Infinity"}, "budget_cap"),
    ({"deadline": "明天"}, "deadline"), ({"deadline": ["2027-01-01"]}, "deadline"),
    ({"max_duration_months": "1e3"}, "max_duration_months"),
    ({"max_duration_months": True}, "max_duration_months"), ({"max_duration_months": 2.5}, "max_duration_months"),
    ({"notes": "x" * 2001}, "notes"),
]
BIDS = [
    ({"milestones": "abc"}, "milestones"), ({"milestones": [1, 2]}, "milestones.0.title"),
    ({"milestones": [{"title": "a", "deliverable": "b", "due_week": "1.5", "payment": "NaN"}]}, "milestones.0.payment"),
    ({"milestones": [{"title": "a", "deliverable": "b", "due_week": 1.5, "payment": 90}]}, "milestones.0.due_week"),
    ({"ip_terms": []}, "ip_terms"), ({"ip_terms": {"foreground_split": [50, 40, 10]}},
                                     "ip_terms.foreground_split.enterprise"),
    ({"total_cost": 1e308}, "total_cost"), ({"total_cost": "Infinity"}, "total_cost"),
    ({"duration_months": True}, "duration_months"), ({"funding_model": "invest_for_equity", "equity_option_pct": "abc"},
                                                     "equity_option_pct"),
    ({"ip_terms": {"publication_review_days": -1}}, "ip_terms.publication_review_days"),
    ({"ip_terms": {"license": ["exclusive"]}}, "ip_terms.license"), ({"center_cofund": -5}, "center_cofund"),
]
CENTERS = [
    ({"capacity": "1e3"}, "capacity"), ({"capacity": True}, "capacity"), ({"qualifications": "abc"}, "qualifications"),
    ({"qualifications": [1]}, "qualifications.0.kind"), ({"fields": "biomed, nowhere"}, "fields"),
    ({"fields": [["biomed"]]}, "fields"), ({"alert_min_fit": "nan"}, "alert_min_fit"), ({"fund_size": -1}, "fund_size"),
    ({"services": {"testing": True}}, "services"),
]
REPORTS = [
    ({"trl_before": "4.5"}, "trl_before"), ({"trl_after": []}, "trl_after"), ({"technical_verdict": None},
                                                                            "technical_verdict"),
    ({"recommendation": {"pilot": 1}}, "recommendation"), ({"summary": ""}, "summary"),
]


def test_malformed_validation_requests(api):
    world = make_world(with_request=False)
    for body, field in REQUESTS:
        answer = api.post(f"/pairings/{world.pairing.id}/validation-request", world.enterprise, request_data() | body)
        assert field in error(answer, 422, "validation_error")["fields"], (body, answer.get_json())
    for raw in ("[]", '"text"', "1", "null", "{"):
        error(api.post(f"/pairings/{world.pairing.id}/validation-request", world.enterprise, data=raw,
                       content_type="application/json"), 422, "validation_error")
    assert count(ValidationRequest) == 0


def test_malformed_bids_and_revisions(api):
    world, center = make_world(), make_center()
    for body, field in BIDS:
        answer = api.post(f"/pairings/{world.pairing.id}/bids", center, bid_data() | body)
        assert field in error(answer, 422, "validation_error")["fields"], (body, answer.get_json())
    assert count(Bid) == 0
    made = make_bid(center, world)
    for revision in ([1], 1.5, "one", None, {"n": 1}):
        assert "revision" in error(api.patch(f"/bids/{made.id}", center, {"revision": revision, "approach": "新"}),
                                   422, "validation_error")["fields"], revision
    for body, field in BIDS:
        answer = api.patch(f"/bids/{made.id}", center, {"revision": 1} | body)
        assert field in error(answer, 422, "validation_error")["fields"], (body, answer.get_json())
    assert count(Bid) == 1 and api.get(f"/bids/{made.id}", center).get_json()["revision"] == 1


def test_malformed_center_profiles(api):
    center = make_center()
    for body, field in CENTERS:
        answer = api.patch(f"/centers/{center.organization_id}", center, body)
        assert field in error(answer, 422, "validation_error")["fields"], (body, answer.get_json())
    assert count(CenterProfile) == 1


def test_malformed_passwords_deliveries_and_comments(api):
    world, engagement, center = awaiting_signatures()
    for password in (["x"], {"a": 1}, 12345, None):
        assert "password" in error(api.post(f"/engagements/{engagement.id}/sign", center, {"password": password}),
                                   422, "validation_error")["fields"], password
    world, engagement, center = active()
    base = f"/engagements/{engagement.id}/milestones/{engagement.milestones[0].id}"
    for deliverable in (["x"], {"a": 1}, None, "x" * 5001):
        assert "deliverable" in error(api.post(f"{base}/submit", center, {"deliverable": deliverable}),
                                      422, "validation_error")["fields"], deliverable
    api.post(f"{base}/submit", center, {"deliverable": "交付"})
    for comment in (None, [], ""):
        assert "comment" in error(api.post(f"{base}/reject", world.enterprise, {"comment": comment}),
                                  422, "validation_error")["fields"], comment
    assert "comment" in error(api.post(f"{base}/approve", world.enterprise, {"comment": "x" * 2001}),
                              422, "validation_error")["fields"]
    error(api.post(f"{base}/approve", world.enterprise, data="[1]", content_type="application/json"),
          422, "validation_error")


def test_malformed_reports(api, tmp_path):
    _, engagement, center = all_approved(UploadStore(tmp_path, 1024))
    for body, field in REPORTS:
        answer = api.post(f"/engagements/{engagement.id}/report", center, REPORT | body)
        assert field in error(answer, 422, "validation_error")["fields"], (body, answer.get_json())
    assert count(ValidationReport) == 0
