"""The operators keep the taxonomy: add, rename, reorder, retire and restore fields. A retired
field keeps its listings readable (and lets them keep it on edit) but no form offers it and no new
listing or watch may choose it; operators only; every change logged."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.services import demands, taxonomy, watches
from marketplace.services.errors import Conflict, NotFound, ValidationFailed
from marketplace.templating import active_fields, all_fields
from models import AuditEntry, Field, Role, db
from tests.factories import csrf_token, demand_data, login, make_demand, make_user


def order() -> list[str]:
    db.session.expire_all()
    return [f.code for f in all_fields()]


def test_add_rename_and_reorder(ctx):
    admin = make_user(Role.ADMIN)
    field = taxonomy.add(admin, {"code": "quantum_tech", "name_zh": "量子科技", "name_en": "Quantum technology"})
    db.session.commit()
    assert order()[-1] == "quantum_tech"
    taxonomy.move(admin, "quantum_tech", "up")
    db.session.commit()
    assert order()[-2:] == ["quantum_tech", order()[-1]] and order()[-2] == "quantum_tech"
    first = order()[0]
    with pytest.raises(Conflict):
        taxonomy.move(admin, first, "up")
    taxonomy.rename(admin, "quantum_tech", {"name_zh": "量子信息", "name_en": "Quantum information"})
    db.session.commit()
    assert db.session.get(Field, field.code).name_zh == "量子信息"
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_kind == "field")
                                                    .order_by(AuditEntry.id))]
    assert actions[0] == "field.add" and "field.move" in actions and actions[-1] == "field.rename"
    renamed = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "field.rename")).one()
    assert renamed.actor_id == admin.id and renamed.note == "quantum_tech"
    assert renamed.changes == {"name_zh": ["量子科技", "量子信息"], "name_en": ["Quantum technology", "Quantum information"]}


@pytest.mark.parametrize("data, fields", [
    ({"code": "Quantum", "name_zh": "量子", "name_en": "Q"}, {"code"}),
    ({"code": "ai", "name_zh": "另一个人工智能", "name_en": "AI"}, {"code"}),
    ({"code": "x", "name_zh": "量子", "name_en": "Q"}, {"code"}),
    ({"code": "quantum", "name_zh": "人工智能", "name_en": "AI 2"}, {"name_zh"}),
    ({"code": "quantum", "name_zh": "", "name_en": ""}, {"name_zh", "name_en"}),
    ({"code": "quantum", "name_zh": "长" * 41, "name_en": "Q"}, {"name_zh"}),
])
def test_malformed_fields_are_refused_by_name(ctx, data, fields):
    with pytest.raises(ValidationFailed) as refused:
        taxonomy.add(make_user(Role.ADMIN), data)
    assert set(refused.value.fields) == fields


def test_a_retired_field_keeps_its_listings_but_is_no_longer_offered(client):
    admin, owner = make_user(Role.ADMIN), make_user(Role.ENTERPRISE)
    demand = make_demand(owner, status="published", field="ai")
    taxonomy.retire(admin, "ai")
    db.session.commit()
    assert "ai" in [f.code for f in all_fields()] and "ai" not in [f.code for f in active_fields()]
    with pytest.raises(ValidationFailed) as refused:
        demands.create_demand(owner, demand_data(field="ai"))
    assert "已停用" in refused.value.fields["field"]
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        watches.create_watch(owner, {"query": "视觉", "target": "result", "field": "ai"})
    db.session.rollback()
    demands.update_demand(owner, demand.id, {"title": "仍属人工智能领域的需求"})  # keeps its field
    with pytest.raises(ValidationFailed):
        demands.update_demand(owner, make_demand(owner, field="new_energy").id, {"field": "ai"})
    db.session.rollback()
    assert client.get(f"/demands/{demand.id}").status_code == 200
    login(client, owner)
    new_form = client.get("/demands/new").get_data(as_text=True)
    assert 'value="ai"' not in new_form
    edit_form = client.get(f"/demands/{demand.id}/edit").get_data(as_text=True)
    assert 'value="ai"' in edit_form  # its own field stays on offer to it
    listed = client.get("/api/v1/fields").get_json()["items"]
    assert {f["code"]: f["retired"] for f in listed}["ai"] is True
    taxonomy.restore(admin, "ai")
    db.session.commit()
    assert "ai" in [f.code for f in active_fields()]
    with pytest.raises(Conflict):
        taxonomy.restore(admin, "ai")


def test_the_last_active_field_cannot_be_retired(ctx):
    admin = make_user(Role.ADMIN)
    codes = [f.code for f in active_fields()]
    for code in codes[:-1]:
        taxonomy.retire(admin, code)
    with pytest.raises(Conflict):
        taxonomy.retire(admin, codes[-1])


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER])
def test_only_operators_keep_the_taxonomy(ctx, role):
    caller = make_user(role)
    for move in (lambda: taxonomy.add(caller, {"code": "quantum", "name_zh": "量子", "name_en": "Q"}),
                 lambda: taxonomy.rename(caller, "ai", {"name_zh": "x", "name_en": "x"}),
                 lambda: taxonomy.move(caller, "ai", "down"), lambda: taxonomy.retire(caller, "ai"),
                 lambda: taxonomy.restore(caller, "ai"), lambda: taxonomy.fields(caller)):
        with pytest.raises(NotFound):
            move()
    assert "ai" in [f.code for f in active_fields()] and db.session.get(Field, "quantum") is None


def test_the_console_page(client):
    login(client, make_user(Role.ADMIN))
    page = client.get("/admin/taxonomy").get_data(as_text=True)
    assert "人工智能" in page and "/admin/taxonomy/ai/retire" in page
    token = csrf_token(client, "/admin/taxonomy")
    bad = client.post("/admin/taxonomy", data={"csrf_token": token, "code": "Bad Code", "name_zh": "量子", "name_en": "Q"})
    assert bad.status_code == 422 and "量子" in bad.get_data(as_text=True)  # the form comes back as typed
    assert client.post("/admin/taxonomy", data={"csrf_token": token, "code": "quantum", "name_zh": "量子",
                                                "name_en": "Quantum"}).status_code == 302
    client.post("/admin/taxonomy/quantum/retire", data={"csrf_token": token})
    assert db.session.get(Field, "quantum").retired_at is not None
    assert client.post("/admin/taxonomy/nope/retire", data={"csrf_token": token}).status_code == 404
