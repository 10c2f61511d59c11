"""API: milestones — the center delivers (JSON or multipart with a file up to UPLOAD_MAX_BYTES while
every other request keeps the 1 MiB limit), the parties approve or send back, the payer pays —
and deliverable files served as attachments to the three parties only."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Milestone, MilestoneStatus, MilestoneSubmission, PaymentStatus, Role, db
from tests.api.poc_api import PDF, Api, active, awaiting_signatures, count, error, ok, outsider
from tests.factories import make_user

MB = 1024 * 1024


@pytest.fixture
def api(ctx, monkeypatch, tmp_path):
    monkeypatch.setitem(ctx.config, "UPLOAD_DIR", str(tmp_path))
    return Api(ctx)


def multipart(api, url: str, user, fields: dict):
    """POST a multipart body encoded in memory; a file is (name, bytes). (The test client's own
    encoder spools large bodies to a temporary file it never closes.)"""
    boundary, body = encode_multipart({name: FileStorage(io.BytesIO(value[1]), value[0]) if isinstance(value, tuple)
                                       else value for name, value in fields.items()})
    return api.post(url, user, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def path(engagement, milestone, action: str) -> str:
    return f"/engagements/{engagement.id}/milestones/{milestone.id}/{action}"


def upload(api, engagement, milestone, user, content: bytes, name: str = "报告.pdf", text: str = "试验数据"):
    return multipart(api, path(engagement, milestone, "submit"), user,
                     {"deliverable": text, "file": (name, content)})


def test_deliver_approve_and_pay_a_milestone(api):
    world, engagement, center = active()
    first = engagement.milestones[0]
    body = ok(api.post(path(engagement, first, "submit"), center, {"deliverable": "测试平台已搭建完成。"}))
    assert (body["id"], body["status"]) == (first.id, "submitted")
    [delivery] = body["submissions"]
    assert (delivery["text"], delivery["file"], delivery["decision"]) == ("测试平台已搭建完成。", None, None)
    body = ok(api.post(path(engagement, first, "approve"), world.researcher, {"comment": "通过"}))
    assert (body["status"], body["payment_status"]) == ("approved", "due")
    assert (body["submissions"][0]["decision"], body["submissions"][0]["comment"]) == ("approved", "通过")
    progress = ok(api.get(f"/engagements/{engagement.id}", center))["progress"]
    assert (progress["approved"], progress["due"], progress["outstanding"]) == (1, 30, 60)
    error(api.post(path(engagement, first, "pay"), center), 403, "forbidden")  # the enterprise pays
    body = ok(api.post(path(engagement, first, "pay"), world.enterprise))
    assert body["payment_status"] == "paid" and body["paid_at"].endswith("Z")
    error(api.post(path(engagement, first, "pay"), world.enterprise), 409, "conflict")
    second = engagement.milestones[1]
    ok(api.post(path(engagement, second, "submit"), center, {"deliverable": "试验数据"}))
    assert ok(api.post(path(engagement, second, "approve"), world.enterprise))["status"] == "approved"  # no body


def test_a_milestone_sent_back_is_delivered_again(api):
    world, engagement, center = active()
    first = engagement.milestones[0]
    ok(api.post(path(engagement, first, "submit"), center, {"deliverable": "初稿"}))
    assert "comment" in error(api.post(path(engagement, first, "reject"), world.enterprise, {}),
                              422, "validation_error")["fields"]
    body = ok(api.post(path(engagement, first, "reject"), world.enterprise, {"comment": "缺少测试大纲"}))
    assert (body["status"], body["payment_status"]) == ("rejected", "not_due")
    body = ok(api.post(path(engagement, first, "submit"), center, {"deliverable": "补充了测试大纲"}))
    assert [s["decision"] for s in body["submissions"]] == ["rejected", None] and body["status"] == "submitted"


def test_milestone_bad_cases(api):
    world, engagement, center = active()
    first = engagement.milestones[0]
    error(api.post(path(engagement, first, "approve"), world.enterprise), 409, "conflict")  # nothing delivered
    error(api.post(path(engagement, first, "submit"), world.enterprise, {"deliverable": "x"}), 403, "forbidden")
    assert "deliverable" in error(api.post(path(engagement, first, "submit"), center, {"deliverable": " "}),
                                  422, "validation_error")["fields"]
    error(api.post(path(engagement, first, "submit"), outsider(), {"deliverable": "x"}), 404, "not_found")
    ok(api.post(path(engagement, first, "submit"), center, {"deliverable": "成果"}))
    error(api.post(path(engagement, first, "submit"), center, {"deliverable": "again"}), 409, "conflict")
    assert "只有" in error(api.post(path(engagement, first, "approve"), center), 403, "forbidden")["message"]
    error(api.post(path(engagement, first, "approve"), make_user(Role.ADMIN)), 403, "forbidden")
    error(api.post(path(engagement, first, "approve"), world.enterprise, data="x",
                   content_type="application/json"), 422, "validation_error")
    error(api.post(path(engagement, first, "pay"), world.enterprise), 409, "conflict")  # not approved yet
    _, other, _ = active()
    error(api.post(f"/engagements/{engagement.id}/milestones/{other.milestones[0].id}/submit", center,
                   {"deliverable": "x"}), 404, "not_found")
    assert db.session.get(Milestone, first.id).status is MilestoneStatus.SUBMITTED


def test_nothing_is_delivered_before_all_three_signed(api):
    _, engagement, center = awaiting_signatures()
    error(api.post(path(engagement, engagement.milestones[0], "submit"), center, {"deliverable": "x"}),
          409, "conflict")


def test_a_file_of_the_full_upload_size_is_accepted_and_served_as_an_attachment(api):
    world, engagement, center = active()
    content = PDF + b"0" * (10 * MB - len(PDF))
    body = ok(upload(api, engagement, engagement.milestones[0], center, content))
    file = body["submissions"][0]["file"]
    assert (file["name"], file["size"], file["content_type"]) == ("报告.pdf", 10 * MB, "application/pdf")
    submission_id = body["submissions"][0]["id"]
    assert file["url"] == f"/api/v1/engagements/{engagement.id}/files/{submission_id}"
    for user in (world.enterprise, world.researcher, center, make_user(Role.ADMIN)):
        response = api.get(file["url"].removeprefix("/api/v1"), user)
        served = response.get_data()
        response.close()  # send_file's open file
        assert response.status_code == 200 and served == content
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Type"] == "application/pdf"


def test_files_stay_with_the_three_parties(api):
    world, engagement, center = active()
    body = ok(upload(api, engagement, engagement.milestones[0], center, PDF + b"data"))
    submission_id = body["submissions"][0]["id"]
    for user in (outsider(), make_user(Role.CENTER)):
        error(api.get(f"/engagements/{engagement.id}/files/{submission_id}", user), 404, "not_found")
    _, other, other_center = active()
    error(api.get(f"/engagements/{other.id}/files/{submission_id}", other_center), 404, "not_found")
    error(api.get(f"/engagements/{other.id}/files/{submission_id}", center), 404, "not_found")
    error(api.get(f"/engagements/{engagement.id}/files/{submission_id}", None), 401, "unauthorized")
    text_only = ok(api.post(path(engagement, engagement.milestones[1], "submit"), center, {"deliverable": "x"}))
    error(api.get(f"/engagements/{engagement.id}/files/{text_only['submissions'][0]['id']}", world.enterprise),
          404, "not_found")


def test_uploads_over_the_limit_or_of_a_forbidden_type_are_refused(api):
    _, engagement, center = active()
    first = engagement.milestones[0]
    too_large = error(upload(api, engagement, first, center, PDF + b"0" * (11 * MB)), 413, "payload_too_large")
    assert too_large["message"]
    just_over = error(upload(api, engagement, first, center, PDF + b"0" * (10 * MB - len(PDF) + 1)),
                      422, "validation_error")
    assert "file" in just_over["fields"]
    assert "file" in error(upload(api, engagement, first, center, b"MZ\x90\x00", "setup.exe"),
                           422, "validation_error")["fields"]
    assert "file" in error(upload(api, engagement, first, center, b"<html>", "report.pdf"),
                           422, "validation_error")["fields"]
    assert "deliverable" in error(upload(api, engagement, first, center, PDF, text=""), 422,
                                  "validation_error")["fields"]
    assert count(MilestoneSubmission) == 0
    assert db.session.get(Milestone, first.id).payment_status is PaymentStatus.NOT_DUE


def test_the_one_mebibyte_limit_stays_for_everything_else(api):
    world, engagement, center = active()
    big_text = {"deliverable": "字" * (MB // 2)}  # 1.5 MB of UTF-8 JSON
    error(api.post(path(engagement, engagement.milestones[0], "submit"), center, big_text), 413, "payload_too_large")
    error(multipart(api, f"/engagements/{engagement.id}/report", center,
                    {"summary": "x", "file": ("a.pdf", PDF + b"0" * (2 * MB))}), 413, "payload_too_large")
    error(multipart(api, path(engagement, engagement.milestones[0], "approve"), world.enterprise,
                    {"file": ("a.pdf", PDF + b"0" * (2 * MB))}), 413, "payload_too_large")
    two_mb = {"deliverable": "x", "file": ("a.pdf", PDF + b"0" * (2 * MB))}
    for user in (world.enterprise, None):  # only a center's delivery may be large
        error(multipart(api, path(engagement, engagement.milestones[0], "submit"), user, two_mb),
              413, "payload_too_large")
    boundary, body = encode_multipart({"deliverable": "x"})
    error(api.client.post("/api/v1" + path(engagement, engagement.milestones[0], "submit"), data=body,
                          content_type=f"multipart/form-data; boundary={boundary}",
                          headers={"Authorization": "Bearer expired"}), 401, "unauthorized")
    assert count(MilestoneSubmission) == 0
