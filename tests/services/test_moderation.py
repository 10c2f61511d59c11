"""Moderation: reports of listings and messages (any signed-in user who can see them), operators
hide a listing (it leaves lists, search, suggestions and alerts at once; its owner reads why and
appeals by editing), restore it, or dismiss a report — operators only, each from the state it
needs, on the web, the API and under simultaneous requests."""
from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from marketplace.services import moderation
from marketplace.services.errors import Conflict, NotFound, ValidationFailed
from models import (
    AuditEntry, Demand, DemandStatus, ModerationStatus, Notification, NotificationKind, Report, ResultStatus, Role, db,
)
from tests.factories import (
    PASSWORD, api_token, csrf_token, login, make_connected_pairing, make_demand, make_result, make_user,
)
from tests.live import Browser, at_once, token_headers


def world():
    enterprise, researcher = make_user(Role.ENTERPRISE), make_user(Role.RESEARCHER)
    demand = make_demand(enterprise, status="published", title="储能电站锂电池热失控早期预警",
                         keywords=["锂离子电池", "热失控"])
    result = make_result(researcher, status="published", title="锂电池热失控多信号融合预警方法",
                         keywords=["锂电池", "热失控"])
    return enterprise, researcher, demand, result


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_a_report_needs_a_visible_target_not_ones_own_and_a_reason(ctx):
    enterprise, researcher, demand, result = world()
    draft = make_demand(enterprise, title="草稿")
    outsider = make_user(Role.RESEARCHER)
    assert moderation.report(researcher, {"kind": "demand", "id": demand.id, "reason": "虚假信息"}).status \
        is ModerationStatus.OPEN
    with pytest.raises(Conflict):  # the same user, the same target, still open
        moderation.report(researcher, {"kind": "demand", "id": str(demand.id), "reason": "再次举报"})
    with pytest.raises(Conflict):  # one's own organization's listing: edit it instead
        moderation.report(enterprise, {"kind": "demand", "id": demand.id, "reason": "x"})
    with pytest.raises(NotFound):  # a draft the reporter cannot see
        moderation.report(outsider, {"kind": "demand", "id": draft.id, "reason": "x"})
    for bad, fields in (({"kind": "planet", "id": 1, "reason": "x"}, {"kind"}),
                        ({"kind": "result", "id": "abc", "reason": "x"}, {"id"}),
                        ({"kind": "result", "id": True, "reason": "x"}, {"id"}),
                        ({"kind": "result", "id": 1.5, "reason": ""}, {"id", "reason"}),
                        ({"kind": "result", "id": result.id, "reason": "长" * 501}, {"reason"})):
        with pytest.raises(ValidationFailed) as refused:
            moderation.report(outsider, bad)
        assert set(refused.value.fields) == fields, bad
    with pytest.raises(NotFound):
        moderation.report(outsider, {"kind": "result", "id": 2**40, "reason": "x"})


def test_only_the_parties_of_a_pairing_report_its_messages(client):
    enterprise, researcher, demand, result = world()
    pairing = make_connected_pairing(demand, result)
    headers = api_token(client, enterprise)
    client.post(f"/api/v1/pairings/{pairing.id}/messages", json={"body": "请加我微信领取优惠"}, headers=headers)
    message_id = db.session.scalar(sa.text("SELECT max(id) FROM pairing_messages"))
    outsider = make_user(Role.RESEARCHER)
    with pytest.raises(NotFound):
        moderation.report(outsider, {"kind": "message", "id": message_id, "reason": "广告"})
    with pytest.raises(Conflict):  # one's own message
        moderation.report(enterprise, {"kind": "message", "id": message_id, "reason": "x"})
    row = moderation.report(researcher, {"kind": "message", "id": message_id, "reason": "广告"})
    db.session.commit()
    admin = make_user(Role.ADMIN)
    assert [r.id for r in moderation.list_reports(admin, "open", 1, 20).items] == [row.id]
    login(client, researcher)
    page = client.get(f"/pairings/{pairing.id}").get_data(as_text=True)
    assert "举报此留言" in page


def test_hiding_removes_a_listing_everywhere_and_restoring_brings_it_back(client):
    enterprise, researcher, demand, result = world()
    admin = make_user(Role.ADMIN)
    reporter = make_user(Role.RESEARCHER)
    report = moderation.report(reporter, {"kind": "demand", "id": demand.id, "reason": "广告"})
    db.session.commit()
    enterprise_headers, researcher_headers = api_token(client, enterprise), api_token(client, researcher)

    def searched() -> list[int]:
        body = client.get("/api/v1/search?q=锂电池热失控&kind=demand").get_json()
        return [item["demand"]["id"] for item in body["items"]]

    def suggested() -> list[int]:
        body = client.get(f"/api/v1/results/{result.id}/matches", headers=researcher_headers).get_json()
        return [item["demand"]["id"] for item in body["items"]]

    assert searched() == [demand.id] and suggested() == [demand.id]
    headers = api_token(client, admin)
    body = client.post(f"/api/v1/admin/listings/demand/{demand.id}/hide", json={"reason": "内容为广告"}, headers=headers)
    assert body.status_code == 200 and body.get_json()["status"] == "hidden"
    assert searched() == [] and suggested() == []
    assert demand.id not in [d["id"] for d in client.get("/api/v1/demands").get_json()["items"]]
    assert client.get(f"/demands/{demand.id}").status_code == 404  # a visitor
    assert client.get(f"/api/v1/demands/{demand.id}", headers=researcher_headers).status_code == 404
    owner_view = client.get(f"/api/v1/demands/{demand.id}", headers=enterprise_headers)
    assert owner_view.status_code == 200 and owner_view.get_json()["status"] == "hidden"
    assert fresh(Report, report.id).status is ModerationStatus.ACTIONED
    [note] = db.session.scalars(sa.select(Notification).where(Notification.kind == NotificationKind.MODERATION))
    assert note.user_id == enterprise.id and "内容为广告" in note.text
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "demand.hide"))
    assert entry.actor_id == admin.id and entry.changes["status"] == ["published", "hidden"]

    assert client.post(f"/api/v1/admin/listings/demand/{demand.id}/hide", json={"reason": "x"},
                       headers=headers).status_code == 409
    restored = client.post(f"/api/v1/admin/listings/demand/{demand.id}/restore", json={}, headers=headers)
    assert restored.status_code == 200 and restored.get_json()["status"] == "published"
    assert searched() == [demand.id] and suggested() == [demand.id]
    assert client.post(f"/api/v1/admin/listings/demand/{demand.id}/restore", json={}, headers=headers).status_code == 409


def test_a_hidden_listing_returns_to_the_status_it_had(ctx):
    _, researcher, _, result = world()
    admin = make_user(Role.ADMIN)
    from marketplace.services import results
    results.change_result_status(researcher, result.id, ResultStatus.WITHDRAWN)
    moderation.hide(admin, "result", result.id, "侵权")
    db.session.commit()
    moderation.restore(admin, "result", result.id)
    assert fresh(type(result), result.id).status is ResultStatus.WITHDRAWN
    draft = make_demand(make_user(Role.ENTERPRISE))
    with pytest.raises(Conflict):  # a draft is nobody's to see: nothing to hide
        moderation.hide(admin, "demand", draft.id, "x")


def test_the_owner_reads_why_and_appeals_by_editing(client):
    enterprise, _, demand, _ = world()
    admin = make_user(Role.ADMIN)
    moderation.hide(admin, "demand", demand.id, "联系方式写在标题中")
    db.session.commit()
    login(client, enterprise)
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "这条需求已被平台隐藏" in page and "联系方式写在标题中" in page and "重新发布" not in page
    headers = api_token(client, enterprise)
    assert client.patch(f"/api/v1/demands/{demand.id}", json={"status": "published"}, headers=headers).status_code == 409
    assert client.patch(f"/api/v1/demands/{demand.id}", json={"title": "储能电站热失控早期预警（已修改）"},
                        headers=headers).status_code == 200
    edited = fresh(Demand, demand.id)
    assert edited.status is DemandStatus.HIDDEN and edited.appealed_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == admin.id, Notification.kind == NotificationKind.MODERATION)) == 1
    login(client, admin)
    assert "储能电站热失控早期预警（已修改）" in client.get("/admin/").get_data(as_text=True)  # the appeal queue
    assert "发布方已修改" in client.get("/admin/reports").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER])
def test_only_operators_moderate(ctx, role):
    enterprise, reporter, demand, _ = world()
    caller = make_user(role)
    report = moderation.report(reporter, {"kind": "demand", "id": demand.id, "reason": "x"})
    for move in (lambda: moderation.hide(caller, "demand", demand.id, "x"),
                 lambda: moderation.restore(caller, "demand", demand.id),
                 lambda: moderation.dismiss(caller, report.id, ""),
                 lambda: moderation.list_reports(caller, "", 1, 20)):
        with pytest.raises(NotFound):
            move()
    assert fresh(Demand, demand.id).status is DemandStatus.PUBLISHED


def test_hide_needs_a_reason_and_a_known_kind(ctx):
    _, _, demand, _ = world()
    admin = make_user(Role.ADMIN)
    for reason in (None, "", "  ", "长" * 501, 7):
        with pytest.raises(ValidationFailed):
            moderation.hide(admin, "demand", demand.id, reason)
    with pytest.raises(NotFound):
        moderation.hide(admin, "message", demand.id, "x")
    with pytest.raises(NotFound):
        moderation.hide(admin, "demand", 2**31, "x")
    assert fresh(Demand, demand.id).status is DemandStatus.PUBLISHED


def test_dismissing_keeps_the_content_and_closes_the_report_once(ctx):
    _, reporter, demand, _ = world()
    admin = make_user(Role.ADMIN)
    report = moderation.report(reporter, {"kind": "demand", "id": demand.id, "reason": "我不喜欢"})
    db.session.commit()
    moderation.dismiss(admin, report.id, "内容合规")
    db.session.commit()
    row = fresh(Report, report.id)
    assert (row.status, row.resolution_note, row.resolved_by_id) == (ModerationStatus.DISMISSED, "内容合规", admin.id)
    with pytest.raises(Conflict):
        moderation.dismiss(admin, report.id, "")
    assert fresh(Demand, demand.id).status is DemandStatus.PUBLISHED
    # closed: the same user may report it again
    assert moderation.report(reporter, {"kind": "demand", "id": demand.id, "reason": "又发现问题"}).id != report.id


def test_the_web_report_form_and_the_console(client):
    enterprise, reporter, demand, _ = world()
    login(client, reporter)
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert 'action="/reports/"' in page
    token = csrf_token(client, f"/demands/{demand.id}")
    answer = client.post("/reports/", data={"csrf_token": token, "kind": "demand", "id": demand.id, "reason": "虚假宣传",
                                            "next": f"/demands/{demand.id}"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/demands/{demand.id}")
    again = client.post("/reports/", data={"csrf_token": token, "kind": "demand", "id": demand.id, "reason": "x",
                                           "next": "//evil.example"})
    assert again.status_code == 302 and "evil" not in again.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 1
    admin = make_user(Role.ADMIN)
    login(client, admin)
    console = client.get("/admin/reports").get_data(as_text=True)
    assert "虚假宣传" in console and f"/admin/listings/demand/{demand.id}/hide" in console
    token = csrf_token(client, "/admin/reports")
    client.post(f"/admin/listings/demand/{demand.id}/hide", data={"csrf_token": token, "reason": "虚假宣传"})
    assert fresh(Demand, demand.id).status is DemandStatus.HIDDEN
    assert "没有待处理的举报" in client.get("/admin/reports").get_data(as_text=True)
    client.post(f"/admin/listings/demand/{demand.id}/restore", data={"csrf_token": token})
    assert fresh(Demand, demand.id).status is DemandStatus.PUBLISHED


def test_the_report_api(client):
    _, reporter, demand, _ = world()
    headers = api_token(client, reporter)
    assert client.post("/api/v1/reports", json={"kind": "demand", "id": demand.id, "reason": "x"}).status_code == 401
    body = client.post("/api/v1/reports", json={"kind": "demand", "id": demand.id, "reason": "虚假"}, headers=headers)
    assert body.status_code == 201
    assert {k: body.get_json()[k] for k in ("kind", "target_id", "status", "reporter_id")} == \
        {"kind": "demand", "target_id": demand.id, "status": "open", "reporter_id": reporter.id}
    refused = client.post("/api/v1/reports", json={"kind": "demand", "id": demand.id}, headers=headers)
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"reason"}
    assert client.get("/api/v1/admin/reports", headers=headers).status_code == 404
    admin = api_token(client, make_user(Role.ADMIN))
    listed = client.get("/api/v1/admin/reports?status=open", headers=admin).get_json()
    assert [r["target_id"] for r in listed["items"]] == [demand.id]
    report_id = listed["items"][0]["id"]
    dismissed = client.post(f"/api/v1/admin/reports/{report_id}/dismiss", json={"note": "合规"}, headers=admin)
    assert dismissed.status_code == 200 and dismissed.get_json()["status"] == "dismissed"


def test_simultaneous_hides_hide_once(live):
    _, _, demand, _ = world()
    admin = make_user(Role.ADMIN)
    path = f"/api/v1/admin/listings/demand/{demand.id}/hide"
    headers = token_headers(live, admin.email, PASSWORD)
    answers = at_once(8, lambda i: Browser(live).post(path, json_body={"reason": f"原因 {i}"}, headers=headers))
    assert Counter(a.status for a in answers) == {200: 1, 409: 7}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "demand.hide")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.kind == NotificationKind.MODERATION)) == 1
