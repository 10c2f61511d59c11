"""The audit log: what is recorded (state changes with before/after, named operator actions,
security events with actor and address), what is kept out (secrets, content), its filters and CSV
export on the console and the API, operators only, and its append-only guarantee — in the
application on every backend and, on PostgreSQL, in the database itself."""
from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

from marketplace.localtime import local_date
from marketplace.services import accounts, audit, audit_log, user_admin
from marketplace.services.errors import NotFound, ValidationFailed
from marketplace.services.visibility import RESTRICTED_DEMAND_FIELDS
from models import AuditEntry, Role, db
from tests.factories import PASSWORD, api_token, csrf_token, login, make_demand, make_org, make_user


def entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def test_the_redaction_lists_follow_what_confidential_demands_hide():
    assert audit.DEMAND_RESTRICTED == frozenset(RESTRICTED_DEMAND_FIELDS)


def test_an_update_is_recorded_with_before_and_after_of_the_changed_fields_only(ctx):
    user = make_user(Role.ENTERPRISE)
    demand = make_demand(user, title="旧标题")
    db.session.commit()
    demand.title = "新标题"
    db.session.commit()
    [entry] = [e for e in entries("demand.update") if e.object_id == demand.id]
    assert entry.object_kind == "demand"
    assert entry.changes == {"title": ["旧标题", "新标题"]}  # updated_at changed too, but is bookkeeping


def test_a_flush_touching_only_bookkeeping_records_nothing(ctx):
    demand = make_demand(make_user(Role.ENTERPRISE))
    db.session.commit()
    before = len(entries())
    demand.updated_at = demand.updated_at.replace(year=2020)
    db.session.commit()
    assert len(entries()) == before


def test_creates_and_deletes_are_recorded(ctx):
    user = make_user(Role.ENTERPRISE)
    demand = make_demand(user)
    db.session.commit()
    [created] = [e for e in entries("demand.create") if e.object_id == demand.id]
    assert created.changes["title"] == [None, demand.title]
    demand_id = demand.id
    db.session.delete(demand)
    db.session.commit()
    assert [e.object_id for e in entries("demand.delete")] == [demand_id]


def test_secrets_and_content_are_recorded_as_changed_never_copied(ctx):
    user = make_user(Role.ENTERPRISE)
    demand = make_demand(user, visibility="confidential", summary="储能热管理需求", description="绝密工艺参数：熔点 1234 度，需要在量产线上稳定控制在正负两度以内，并给出在线监测方案。")
    db.session.commit()
    accounts.change_password(user, PASSWORD, "another-Passw0rd-9")
    demand.description = "新的绝密工艺：温度 5678"
    demand.budget_max = 999
    db.session.commit()
    dumped = json.dumps([e.changes for e in entries()], ensure_ascii=False)
    for secret in ("绝密", "1234", "5678", "999", user.password_hash):
        assert secret not in dumped
    [password] = [e for e in entries("user.update") if "password_hash" in e.changes]
    assert password.changes["password_hash"] == ["‹已隐去›", "‹已隐去›"]
    [update] = [e for e in entries("demand.update") if e.object_id == demand.id]
    assert update.changes["description"][1].startswith("‹内容")
    assert set(update.changes) == {"description", "budget_max"}


def test_operator_actions_are_named_with_the_reason_and_the_actor(client):
    admin, org = make_user(Role.ADMIN), make_org()
    headers = api_token(client, admin)
    client.post(f"/api/v1/organizations/{org.id}/reject", json={"reason": "资料不全"}, headers=headers)
    [entry] = entries("organization.reject")
    assert (entry.actor_id, entry.object_kind, entry.object_id, entry.note) == (admin.id, "organization", org.id, "资料不全")
    assert entry.changes["review_note"] == ["", "资料不全"] and entry.ip == "127.0.0.1"
    assert not entries("organization.update")  # one entry, named, not a second anonymous one


def test_a_refused_action_leaves_no_label_for_the_next_change(ctx):
    org = make_org()
    db.session.commit()
    db.session.execute(sa.select(1))  # inside a transaction, as a service's refused change is
    audit.label(org, "organization.reject", "never happened")
    db.session.rollback()
    org = db.session.get(type(org), org.id)
    org.region = "北京"
    db.session.commit()
    assert entries("organization.reject") == [] and len(entries("organization.update")) == 1


def test_sign_ins_are_recorded_failures_included_and_survive_the_failed_request(client):
    user = make_user(Role.ENTERPRISE)
    token = csrf_token(client, "/auth/login")
    assert client.post("/auth/login", data={"csrf_token": token, "email": user.email, "password": "wrong-pass-1"}).status_code == 401
    assert client.post("/auth/login", data={"csrf_token": token, "email": "nobody@example.com", "password": "x" * 10}).status_code == 401
    failed = entries("auth.login_failed")
    assert [(e.object_id, e.note, e.actor_id) for e in failed] == [(user.id, user.email, None), (None, "nobody@example.com", None)]
    login(client, user)
    [success] = entries("auth.login")
    assert (success.actor_id, success.object_id, success.ip) == (user.id, user.id, "127.0.0.1")
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": "nope-nope-1"}).status_code == 401
    assert len(entries("auth.login_failed")) == 3


def test_denied_access_csrf_failures_and_rate_limits_are_recorded(client):
    member = make_user(Role.ENTERPRISE)
    login(client, member)
    assert client.get("/admin/").status_code == 403
    [denied] = entries("access.denied")
    assert (denied.actor_id, denied.note) == (member.id, "GET /admin/")
    assert client.post("/me/profile", data={"display_name": "x"}).status_code == 400
    [csrf] = entries("security.csrf_failed")
    assert csrf.actor_id == member.id and csrf.note == "POST /me/profile"
    for _ in range(40):
        if client.post("/api/v1/tokens", json={"email": "a@b.cn", "password": "x"}).status_code == 429:
            break
    else:
        pytest.fail("the sign-in limit never answered 429")
    assert entries("security.rate_limited")[0].note == "POST /api/v1/tokens"


def test_the_application_cannot_rewrite_or_delete_an_entry(ctx):
    audit.record("test.event", kind="user", object_id=1, note="kept")
    db.session.commit()
    entry = entries("test.event")[0]
    entry.note = "rewritten"
    with pytest.raises(audit.AppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(audit.AppendOnly):
        db.session.commit()
    db.session.rollback()
    for statement in (sa.update(AuditEntry).values(note="x"), sa.delete(AuditEntry),
                      sa.update(AuditEntry.__table__).values(note="x"), sa.delete(AuditEntry.__table__)):
        with pytest.raises(audit.AppendOnly):
            db.session.execute(statement)
        db.session.rollback()
    assert [e.note for e in entries("test.event")] == ["kept"]


def test_postgresql_refuses_rewrites_in_the_database(ctx):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite is the embedded default (the application guard holds there)")
    audit.record("test.event", note="kept")
    db.session.commit()
    for statement in ("UPDATE audit_log SET note = 'x'", "DELETE FROM audit_log"):
        with db.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="append-only"):
            conn.execute(sa.text(statement))
    assert [e.note for e in entries("test.event")] == ["kept"]


@pytest.mark.parametrize("raw,error", [
    ({"actor": "abc"}, "actor"), ({"actor": str(2**31)}, "actor"), ({"object": "planet"}, "object"),
    ({"object": "user:x"}, "object"), ({"from": "2026-13-01"}, "from"), ({"from": "2026-11-02", "to": "2026-11-01"}, "to"),
    ({"action": "a" * 61}, "action"),
])
def test_malformed_filters_are_refused_by_name(raw, error):
    with pytest.raises(ValidationFailed) as refused:
        audit_log.clean_filters(raw)
    assert error in refused.value.fields


def test_filters_select_by_actor_action_prefix_object_and_day(ctx):
    admin, other = make_user(Role.ADMIN), make_user(Role.ADMIN)
    victim = make_user(Role.ENTERPRISE)
    db.session.commit()
    user_admin.disable_user(admin, victim.id, "广告")
    db.session.commit()
    user_admin.enable_user(other, victim.id, "误判")
    db.session.commit()

    def actions(**raw):
        page = audit_log.list_entries(admin, audit_log.clean_filters(raw), 1, 50)
        return [e.action for e in page.items]

    assert actions(actor=str(admin.id)) == ["user.disable"]
    assert actions(action="user.enable") == ["user.enable"]
    assert actions(action="user.", object=f"user:{victim.id}") == ["user.enable", "user.disable", "user.create"]
    assert actions(action="user") == []  # exact unless it ends in "."
    today = local_date(entries()[-1].at).isoformat()  # the reader's calendar day (TIMEZONE)
    assert "user.disable" in actions(**{"from": today, "to": today})
    assert actions(**{"to": "2000-01-01"}) == []


def test_only_operators_read_the_log(ctx):
    for role in (Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER):
        with pytest.raises(NotFound):
            audit_log.list_entries(make_user(role), {}, 1, 20)
        with pytest.raises(NotFound):
            audit_log.csv_text(make_user(role), {})


def test_the_console_page_filters_and_exports_csv(client):
    admin = make_user(Role.ADMIN)
    victim = make_user(Role.ENTERPRISE, display_name="=HYPERLINK(1)")
    login(client, admin)
    token = csrf_token(client, f"/admin/users/{victim.id}")
    client.post(f"/admin/users/{victim.id}/disable", data={"csrf_token": token, "reason": "=cmd|' /C calc'!A0"})
    page = client.get("/admin/audit?action=user.disable")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<code>user.disable</code>" in text and "<code>auth.login</code>" not in text
    assert client.get("/admin/audit?from=yesterday").status_code == 422
    export = client.get("/admin/audit.csv?action=user.")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == list(audit_log.CSV_HEADER)
    assert [r[2] for r in rows[1:]] == ["user.disable", "user.create", "user.create"]
    assert rows[1][8] == "'=cmd|' /C calc'!A0"  # a formula is defused
    assert client.get("/admin/audit.csv?object=planet").status_code == 422


def test_the_api_lists_entries_with_the_contract_fields(client):
    admin = make_user(Role.ADMIN)
    victim = make_user(Role.ENTERPRISE)
    headers = api_token(client, admin)
    client.post(f"/api/v1/admin/users/{victim.id}/disable", json={"reason": "广告"}, headers=headers)
    body = client.get(f"/api/v1/admin/audit?action=user.disable&actor={admin.id}", headers=headers).get_json()
    assert body["total"] == 1
    [entry] = body["items"]
    assert entry["action"] == "user.disable" and entry["actor_id"] == admin.id and entry["ip"] == "127.0.0.1"
    assert entry["object"] == {"kind": "user", "id": victim.id} and entry["at"].endswith("Z")
    assert entry["changes"]["is_active"] == [True, False] and entry["note"] == "广告"
    member = api_token(client, make_user(Role.ENTERPRISE))
    assert client.get("/api/v1/admin/audit", headers=member).status_code == 404
    assert client.get("/api/v1/admin/audit").status_code == 401
    assert client.get("/api/v1/admin/audit?object=planet", headers=headers).status_code == 422
