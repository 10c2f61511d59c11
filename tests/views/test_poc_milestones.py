"""Milestones from the web: delivering with a file (type and size limits, 413 over the body limit),
downloads as attachments for the three parties and operators only, approving and sending back
(never by the center itself), recording payments by the payer; nothing is written on a refusal."""
from __future__ import annotations

import io
import os

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Milestone, MilestoneStatus, MilestoneSubmission, PaymentStatus, Role, db
from tests.factories import csrf_token, make_user
from tests.poc_factories import engage, make_world
from tests.poc_web import activate, browser, count, post, text

PDF = b"%PDF-1.7 validation data"


@pytest.fixture
def active(ctx, tmp_path, monkeypatch):
    """An active engagement, uploads kept in a folder of this test."""
    monkeypatch.setitem(ctx.config, "UPLOAD_DIR", str(tmp_path))
    world = make_world()
    engagement, center = engage(world)
    activate(engagement, center)
    first = engagement.milestones[0]
    return world, engagement, center, first, tmp_path


def deliver(web, engagement, milestone, text_="完成测试平台搭建", file=None):
    """Post the delivery form as multipart, encoded in memory (large bodies would otherwise go
    through a temporary file that the test client never closes)."""
    prefix = f"deliver-{milestone.id}"
    data = {f"{prefix}-deliverable": text_, f"{prefix}-csrf_token": csrf_token(web, "/me/")}
    if file is not None:
        data[f"{prefix}-file"] = FileStorage(io.BytesIO(file[1]), filename=file[0])
    boundary, body = encode_multipart(data)
    return web.post(f"/engagements/{engagement.id}/milestones/{milestone.id}/submit", data=body,
                    content_type=f"multipart/form-data; boundary={boundary}")


def decide(web, engagement, milestone, action, comment=""):
    prefix = f"decide-{milestone.id}"
    return web.post(f"/engagements/{engagement.id}/milestones/{milestone.id}/{action}",
                    data={f"{prefix}-comment": comment, f"{prefix}-csrf_token": csrf_token(web, "/me/")})


def state(milestone) -> Milestone:
    db.session.rollback()
    return db.session.get(Milestone, milestone.id)


def test_a_delivery_with_a_file_is_served_as_an_attachment_to_the_parties_only(ctx, active):
    world, engagement, center, first, folder = active
    web = browser(ctx, center)
    response = deliver(web, engagement, first, file=("测试大纲.pdf", PDF))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#milestone-{first.id}")
    submission = db.session.scalar(db.select(MilestoneSubmission))
    assert state(first).status is MilestoneStatus.SUBMITTED and os.listdir(folder) == [submission.stored_name]
    url = f"/engagements/{engagement.id}/files/{submission.id}"
    page = text(web.get(f"/engagements/{engagement.id}"))
    assert url in page and f"{len(PDF)} 字节" in page  # the size in Chinese, not "24 Bytes"
    for user in (world.enterprise, world.researcher, center, make_user(Role.ADMIN)):
        with browser(ctx, user).get(url) as download:
            assert download.status_code == 200 and download.data == PDF
            assert download.headers["Content-Disposition"].startswith("attachment")
            assert "filename*=UTF-8''%E6%B5%8B" in download.headers["Content-Disposition"]
            assert download.mimetype == "application/pdf" and download.headers["X-Content-Type-Options"] == "nosniff"
            assert download.headers["Cache-Control"] == "private, no-store"
    for user in (make_user(Role.ENTERPRISE), make_user(Role.CENTER)):
        assert browser(ctx, user).get(url).status_code == 404
    other, other_center = engage(make_world())
    assert browser(ctx, world.enterprise).get(f"/engagements/{other.id}/files/{submission.id}").status_code == 404
    assert browser(ctx, world.enterprise).get(f"/engagements/{engagement.id}/files/99999").status_code == 404


@pytest.mark.parametrize("name, content, message", [
    ("tool.exe", b"MZ\x90\x00", "只接受"), ("fake.pdf", b"<html>not a pdf</html>", "不是 .pdf 格式")])
def test_a_forbidden_or_disguised_file_is_refused_on_its_field(ctx, active, name, content, message):
    world, engagement, center, first, folder = active
    response = deliver(browser(ctx, center), engagement, first, file=(name, content))
    assert response.status_code == 422
    assert message in text(response).split(f'name="deliver-{first.id}-file"')[1][:400]
    assert "完成测试平台搭建" in text(response)  # the typed text is kept
    assert count(MilestoneSubmission) == 0 and os.listdir(folder) == []
    assert state(first).status is MilestoneStatus.PENDING


def test_a_body_over_the_upload_limit_is_a_413_page_and_the_limit_is_raised_for_deliveries(ctx, active, monkeypatch):
    world, engagement, center, first, folder = active
    monkeypatch.setitem(ctx.config, "UPLOAD_MAX_BYTES", 100 * 1024)
    web = browser(ctx, center)
    too_big = deliver(web, engagement, first, file=("big.pdf", PDF + b"0" * 300 * 1024))
    assert too_big.status_code == 413 and "请求内容过大" in text(too_big)
    over_file = deliver(web, engagement, first, file=("big.pdf", PDF + b"0" * 120 * 1024))
    assert over_file.status_code == 422 and "文件不能超过" in text(over_file)
    assert "不超过 100 KB" in text(over_file)  # the form's hint says the limit as the service does (not "0 MB")
    assert count(MilestoneSubmission) == 0 and os.listdir(folder) == []
    monkeypatch.setitem(ctx.config, "UPLOAD_MAX_BYTES", 4 * 1024 * 1024)  # beyond the app's 1 MiB bodies
    large = deliver(web, engagement, first, file=("large.pdf", PDF + b"0" * 2 * 1024 * 1024))
    assert large.status_code == 302 and count(MilestoneSubmission) == 1


def test_only_the_center_delivers_and_csrf_is_required(ctx, active):
    world, engagement, center, first, folder = active
    assert deliver(browser(ctx, world.enterprise), engagement, first).status_code == 403
    assert deliver(browser(ctx, make_user(Role.CENTER)), engagement, first).status_code == 404
    url = f"/engagements/{engagement.id}/milestones/{first.id}/submit"
    assert browser(ctx, center).post(url, data={f"deliver-{first.id}-deliverable": "x"}).status_code == 400
    empty = deliver(browser(ctx, center), engagement, first, text_="")
    assert empty.status_code == 422 and "此项必填" in text(empty)
    assert count(MilestoneSubmission) == 0


def test_a_milestone_approved_by_the_center_itself_is_refused(ctx, active):
    world, engagement, center, first, folder = active
    web = browser(ctx, center)
    deliver(web, engagement, first)
    assert decide(web, engagement, first, "approve", "自己验收").status_code == 403
    assert state(first).status is MilestoneStatus.SUBMITTED and state(first).payment_status is PaymentStatus.NOT_DUE
    assert decide(browser(ctx, make_user(Role.ADMIN)), engagement, first, "approve").status_code == 403
    assert state(first).status is MilestoneStatus.SUBMITTED


def test_sending_back_needs_a_comment_then_the_center_delivers_again(ctx, active):
    world, engagement, center, first, folder = active
    deliver(browser(ctx, center), engagement, first)
    reviewer = browser(ctx, world.researcher)
    silent = decide(reviewer, engagement, first, "reject")
    assert silent.status_code == 422 and "此项必填" in text(silent).split(f'name="decide-{first.id}-comment"')[1][:400]
    assert state(first).status is MilestoneStatus.SUBMITTED
    assert decide(reviewer, engagement, first, "reject", "缺少原始数据").status_code == 302
    assert state(first).status is MilestoneStatus.REJECTED
    page = text(browser(ctx, center).get(f"/engagements/{engagement.id}"))
    assert "缺少原始数据" in page and "重新提交" in page


def test_approval_makes_the_payment_due_and_only_the_payer_records_it(ctx, active):
    world, engagement, center, first, folder = active
    deliver(browser(ctx, center), engagement, first)
    assert decide(browser(ctx, world.enterprise), engagement, first, "approve", "通过").status_code == 302
    assert state(first).status is MilestoneStatus.APPROVED and state(first).payment_status is PaymentStatus.DUE
    url = f"/engagements/{engagement.id}/milestones/{first.id}/paid"
    page = text(browser(ctx, world.enterprise).get(f"/engagements/{engagement.id}"))
    assert url in page and "应付" in page
    assert url not in text(browser(ctx, world.researcher).get(f"/engagements/{engagement.id}"))
    for user in (world.researcher, center):
        assert post(browser(ctx, user), url).status_code == 403
    assert browser(ctx, world.enterprise).post(url).status_code == 400
    assert state(first).payment_status is PaymentStatus.DUE
    assert post(browser(ctx, world.enterprise), url).status_code == 302
    assert state(first).payment_status is PaymentStatus.PAID
