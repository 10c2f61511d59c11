"""Demands: validation, life-cycle, PATCH semantics, ownership, visibility, disclosure, DB constraints."""
from marketplace.localtime import local_today
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.services import demands
from marketplace.services.visibility import disclosure
from marketplace.services.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from models import (
    Demand,
    DemandStatus,
    Event,
    EventKind,
    ListingChange,
    Role,
    Visibility,
    db,
)

from ..factories import demand_data, make_demand, make_user

TODAY = local_today()
D, P, C = DemandStatus.DRAFT, DemandStatus.PUBLISHED, DemandStatus.CLOSED
ALLOWED = {(D, P), (P, C), (C, P)}


def count(model) -> int:
    """Rows in the table as the database sees them (autoflushes anything pending)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored(demand_id: int, column):
    """One column of one demand, read with SQL rather than from the identity map."""
    return db.session.scalar(sa.select(column).where(Demand.id == demand_id))


def refused(call, *args, error=ValidationFailed) -> dict:
    """Run ``call``, expect ``error``, return its fields."""
    with pytest.raises(error) as info:
        call(*args)
    return info.value.fields


def in_state(user, status: DemandStatus, **overrides) -> Demand:
    """A committed demand of ``user`` brought to ``status`` through the services."""
    demand = make_demand(user, status="draft" if status is D else "published", **overrides)
    if status is C:
        demands.update_demand(user, demand.id, {"status": "closed"})
        db.session.commit()
    if status is DemandStatus.HIDDEN:  # only an operator leads here (services/moderation.py)
        from marketplace.services import moderation
        moderation.hide(make_user(Role.ADMIN), "demand", demand.id, "测试隐藏")
        db.session.commit()
    if status is DemandStatus.FULFILLED:  # only an accepted validation report leads here
        demands.LIFECYCLE.finish(demand)
        db.session.commit()
    return demand


def expire_deadline(demand: Demand, days_ago: int = 10) -> None:
    """Move the deadline into the past behind the services' back (time passed)."""
    db.session.execute(sa.update(Demand).where(Demand.id == demand.id)
                       .values(deadline=TODAY - timedelta(days=days_ago)))
    db.session.commit()
    db.session.expire_all()


# --- create ---------------------------------------------------------------------------------

def test_create_is_a_draft_by_default(ctx):
    user = make_user()
    demand = demands.create_demand(user, demand_data())
    db.session.commit()
    assert demand.status is D and demand.published_at is None
    assert demand.organization_id == user.organization_id and demand.created_by_id == user.id
    assert demand.field_code == "new_energy" and demand.keywords == ["锂离子电池", "热失控", "储能"]
    assert (demand.budget_min, demand.budget_max, demand.trl_target) == (50, 200, 6)
    assert demand.deadline == TODAY + timedelta(days=90)
    assert count(Event) == 0 and count(ListingChange) == 1


def test_create_published_on_request(ctx):
    user = make_user()
    demand = demands.create_demand(user, demand_data(status="published"))
    db.session.commit()
    assert demand.status is P and demand.published_at is not None
    event = db.session.scalar(sa.select(Event))
    assert event.kind is EventKind.DEMAND_PUBLISHED and event.demand_id == demand.id


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.CENTER, Role.ADMIN])
def test_only_enterprises_create_demands(ctx, role):
    user = make_user(role)
    refused(demands.create_demand, user, demand_data(), error=PermissionDenied)
    assert count(Demand) == 0 and count(ListingChange) == 0


def test_create_as_closed_is_a_conflict(ctx):
    user = make_user()
    assert set(refused(demands.create_demand, user, demand_data(status="closed"), error=Conflict)) == {"status"}
    assert count(Demand) == 0


def test_create_with_unknown_status(ctx):
    user = make_user()
    assert set(refused(demands.create_demand, user, demand_data(status="archived"))) == {"status"}
    assert count(Demand) == 0


# --- field validation -------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, field", [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": None}, "title"),
    ({"title": "题" * 121}, "title"),
    ({"description": ""}, "description"),
    ({"description": "字" * 10_001}, "description"),
    ({"summary": "摘" * 501}, "summary"),
    ({"field": ""}, "field"),
    ({"field": "quantum_computing"}, "field"),
    ({"budget_min": -1}, "budget_min"),
    ({"budget_min": "abc"}, "budget_min"),
    ({"budget_min": None}, "budget_min"),
    ({"budget_min": True}, "budget_min"),
    ({"budget_min": float("nan")}, "budget_min"),
    ({"budget_max": ""}, "budget_max"),
    ({"budget_max": "二百"}, "budget_max"),
    ({"budget_max": 20_000_000}, "budget_max"),
    ({"budget_min": 300, "budget_max": 200}, "budget_max"),
    ({"budget_min": "200.01", "budget_max": "200"}, "budget_max"),
    ({"deadline": TODAY.isoformat()}, "deadline"),
    ({"deadline": (TODAY - timedelta(days=1)).isoformat()}, "deadline"),
    ({"deadline": TODAY}, "deadline"),
    ({"deadline": "2030-02-30"}, "deadline"),
    ({"deadline": "明年三月"}, "deadline"),
    ({"deadline": ""}, "deadline"),
    ({"cooperation_mode": "sponsorship"}, "cooperation_mode"),
    ({"cooperation_mode": ""}, "cooperation_mode"),
    ({"trl_target": 0}, "trl_target"),
    ({"trl_target": 10}, "trl_target"),
    ({"trl_target": -1}, "trl_target"),
    ({"trl_target": "abc"}, "trl_target"),
    ({"trl_target": 3.5}, "trl_target"),
    ({"trl_target": "3.5"}, "trl_target"),
    ({"trl_target": None}, "trl_target"),
    ({"trl_target": True}, "trl_target"),
    ({"region": "区" * 81}, "region"),
    ({"visibility": "secret"}, "visibility"),
    ({"visibility": ""}, "visibility"),
    ({"visibility": "confidential", "summary": ""}, "summary"),
    ({"visibility": "confidential", "summary": "   "}, "summary"),
    ({"keywords": [f"词{i}" for i in range(11)]}, "keywords"),
    ({"keywords": "、".join(f"词{i}" for i in range(11))}, "keywords"),
    ({"keywords": ["长" * 31]}, "keywords"),
    ({"keywords": [1, 2]}, "keywords"),
    ({"keywords": {"电池": 1}}, "keywords"),
])
def test_invalid_field_is_named_and_nothing_is_written(ctx, overrides, field):
    user = make_user()
    fields = refused(demands.create_demand, user, demand_data(**overrides))
    assert set(fields) == {field}
    assert fields[field]  # a message to show
    assert count(Demand) == 0 and count(ListingChange) == 0 and count(Event) == 0


def test_missing_fields_are_all_required(ctx):
    user = make_user()
    fields = refused(demands.create_demand, user, {})
    assert set(fields) == {"title", "description", "field", "budget_min", "budget_max", "deadline",
                           "cooperation_mode", "trl_target", "visibility"}


def test_every_error_is_reported_at_once(ctx):
    user = make_user()
    fields = refused(demands.create_demand, user, demand_data(
        title="题" * 121, field="nope", budget_min=300, budget_max=100, deadline=TODAY.isoformat(),
        trl_target=10, cooperation_mode="x", visibility="confidential", summary="", keywords=["长" * 31],
        status="published"))
    assert set(fields) == {"title", "field", "budget_max", "deadline", "trl_target", "cooperation_mode",
                           "summary", "keywords"}
    assert count(Demand) == 0


@pytest.mark.parametrize("overrides, attribute, expected", [
    ({"title": "题" * 120}, "title", "题" * 120),
    ({"title": "  带空格的标题  "}, "title", "带空格的标题"),
    ({"description": "字" * 10_000}, "description", "字" * 10_000),
    ({"budget_min": 0, "budget_max": 0}, "budget_max", 0),
    ({"budget_min": 80, "budget_max": 80}, "budget_max", 80),
    ({"budget_min": "50", "budget_max": "200.5"}, "budget_max", 200.5),
    ({"deadline": (TODAY + timedelta(days=1)).isoformat()}, "deadline", TODAY + timedelta(days=1)),
    ({"deadline": TODAY + timedelta(days=30)}, "deadline", TODAY + timedelta(days=30)),
    ({"trl_target": 1}, "trl_target", 1),
    ({"trl_target": 9}, "trl_target", 9),
    ({"trl_target": "7"}, "trl_target", 7),
    ({"trl_target": 5.0}, "trl_target", 5),
    ({"cooperation_mode": "challenge"}, "cooperation_mode", "challenge"),
    ({"visibility": "anonymous"}, "visibility", "anonymous"),
    ({"visibility": "confidential", "summary": "一项新能源储能安全需求"}, "visibility", "confidential"),
    ({"keywords": "锂电池、热失控,储能"}, "keywords", ["锂电池", "热失控", "储能"]),
    ({"keywords": "锂电池，热失控；储能\n隔膜"}, "keywords", ["锂电池", "热失控", "储能", "隔膜"]),
    ({"keywords": ["GaN", "gan", " 功率器件 ", ""]}, "keywords", ["GaN", "功率器件"]),
    ({"keywords": [f"词{i}" for i in range(10)]}, "keywords", [f"词{i}" for i in range(10)]),
    ({"keywords": ["长" * 30]}, "keywords", ["长" * 30]),
    ({"keywords": []}, "keywords", []),
    ({"keywords": None}, "keywords", []),
    ({"region": ""}, "region", ""),
])
def test_accepted_edge_values(ctx, overrides, attribute, expected):
    user = make_user()
    demand = make_demand(user, **overrides)
    db.session.expire_all()
    assert getattr(db.session.get(Demand, demand.id), attribute) == expected


# --- life-cycle -------------------------------------------------------------------------------

@pytest.mark.parametrize("start, target", [(a, b) for a in DemandStatus for b in DemandStatus if a is not b])
def test_transition_table(ctx, start, target):
    user = make_user()
    demand = in_state(user, start)
    if (start, target) in ALLOWED:
        assert demands.change_demand_status(user, demand.id, target).status is target
        db.session.commit()
        assert stored(demand.id, Demand.status) is target
    else:
        fields = refused(demands.change_demand_status, user, demand.id, target, error=Conflict)
        assert set(fields) == {"status"}
        assert stored(demand.id, Demand.status) is start


def test_transition_table_is_the_documented_one():
    assert {(a, b) for a, targets in demands.TRANSITIONS.items() for b in targets} == ALLOWED


def test_asking_only_for_the_current_status_is_a_conflict_but_an_edit_may_repeat_it(ctx):
    """A repeated publish (a second click, a retried script) changes nothing and says so: of twenty
    simultaneous publishes exactly one succeeds; an edit that echoes the status is just an edit."""
    user = make_user()
    demand = in_state(user, P)
    changes = db.session.scalar(sa.select(sa.func.count()).select_from(ListingChange))
    with pytest.raises(Conflict) as error:
        demands.update_demand(user, demand.id, {"status": "published"})
    assert "status" in error.value.fields
    db.session.rollback()
    edited = demands.update_demand(user, demand.id, {"status": "published", "title": "新标题：热失控预警"})
    assert edited.status is P and edited.title == "新标题：热失控预警"
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ListingChange)) == changes + 1


def test_patch_with_unknown_status(ctx):
    user = make_user()
    demand = in_state(user, D)
    assert set(refused(demands.update_demand, user, demand.id, {"status": "deleted"})) == {"status"}


def test_published_at_is_set_on_first_publish_only(ctx):
    user = make_user()
    demand = in_state(user, D)
    assert demand.published_at is None
    demands.change_demand_status(user, demand.id, P)
    db.session.commit()
    first = stored(demand.id, Demand.published_at)
    assert first is not None
    demands.change_demand_status(user, demand.id, C)
    demands.change_demand_status(user, demand.id, P)
    db.session.commit()
    assert stored(demand.id, Demand.published_at) == first


def test_refused_transition_writes_nothing_even_with_field_changes(ctx):
    user = make_user()
    demand = in_state(user, D)
    changes = count(ListingChange)
    refused(demands.update_demand, user, demand.id, {"status": "closed", "title": "新标题"}, error=Conflict)
    assert stored(demand.id, Demand.title) == demand_data()["title"]
    assert count(ListingChange) == changes


def test_publishing_revalidates_a_draft(ctx):
    user = make_user()
    demand = in_state(user, D)
    expire_deadline(demand)
    assert set(refused(demands.change_demand_status, user, demand.id, P)) == {"deadline"}
    assert stored(demand.id, Demand.status) is D


# --- PATCH semantics --------------------------------------------------------------------------

def test_absent_fields_keep_their_values(ctx):
    user = make_user()
    demand = in_state(user, P, visibility="anonymous", summary="摘要")
    demands.update_demand(user, demand.id, {"title": "新的标题", "budget_max": 500})
    db.session.commit()
    db.session.expire_all()
    demand = db.session.get(Demand, demand.id)
    original = demand_data()
    assert (demand.title, demand.budget_max) == ("新的标题", 500)
    assert demand.description == original["description"] and demand.keywords == original["keywords"]
    assert (demand.budget_min, demand.trl_target, demand.field_code) == (50, 6, "new_energy")
    assert demand.visibility is Visibility.ANONYMOUS and demand.summary == "摘要"
    assert demand.status is P


def test_patch_is_validated_against_the_merged_values(ctx):
    user = make_user()
    demand = in_state(user, D)  # budget 50–200
    assert set(refused(demands.update_demand, user, demand.id, {"budget_max": 10})) == {"budget_max"}
    assert set(refused(demands.update_demand, user, demand.id, {"visibility": "confidential"})) == {"summary"}
    assert stored(demand.id, Demand.budget_max) == 200
    assert stored(demand.id, Demand.visibility) is Visibility.PUBLIC


def test_failed_patch_writes_nothing(ctx):
    user = make_user()
    demand = in_state(user, P)
    changes = count(ListingChange)
    fields = refused(demands.update_demand, user, demand.id, {"title": "新标题", "trl_target": 0, "field": "x"})
    assert set(fields) == {"trl_target", "field"}
    assert stored(demand.id, Demand.title) == demand_data()["title"]
    assert count(ListingChange) == changes


def test_editing_an_old_demand_without_touching_the_deadline(ctx):
    user = make_user()
    demand = in_state(user, P)
    expire_deadline(demand)
    demands.update_demand(user, demand.id, {"title": "更新后的标题"})
    db.session.commit()
    assert stored(demand.id, Demand.title) == "更新后的标题"
    # The edit form sends every field back: an unchanged (stale) deadline is not re-checked...
    form = demand_data(title="表单提交的标题", deadline=(TODAY - timedelta(days=10)).isoformat())
    demands.update_demand(user, demand.id, form)
    db.session.commit()
    assert stored(demand.id, Demand.title) == "表单提交的标题"
    # ...but changing it to another past date is refused.
    other_past = (TODAY - timedelta(days=3)).isoformat()
    assert set(refused(demands.update_demand, user, demand.id, {"deadline": other_past})) == {"deadline"}
    assert set(refused(demands.update_demand, user, demand.id, {"deadline": TODAY.isoformat()})) == {"deadline"}
    # Closing is always possible.
    demands.change_demand_status(user, demand.id, C)
    db.session.commit()
    assert stored(demand.id, Demand.status) is C


def test_republishing_a_closed_demand_whose_deadline_passed(ctx):
    user = make_user()
    demand = in_state(user, C)
    expire_deadline(demand)
    assert set(refused(demands.change_demand_status, user, demand.id, P)) == {"deadline"}
    assert stored(demand.id, Demand.status) is C
    new_deadline = (TODAY + timedelta(days=60)).isoformat()
    demands.update_demand(user, demand.id, {"status": "published", "deadline": new_deadline})
    db.session.commit()
    assert stored(demand.id, Demand.status) is P
    assert stored(demand.id, Demand.deadline) == TODAY + timedelta(days=60)


# --- ownership --------------------------------------------------------------------------------

def test_colleague_in_the_same_organization_may_edit_publish_and_delete(ctx):
    owner = make_user()
    colleague = make_user(organization=owner.organization)
    demand = in_state(owner, D)
    demands.update_demand(colleague, demand.id, {"title": "同事修改的标题", "status": "published"})
    db.session.commit()
    assert stored(demand.id, Demand.title) == "同事修改的标题"
    draft = in_state(owner, D)
    demands.delete_demand(colleague, draft.id)
    db.session.commit()
    assert db.session.get(Demand, draft.id) is None


@pytest.mark.parametrize("status", [P, C])
def test_another_organization_may_not_edit_what_it_sees(ctx, status):
    owner, stranger = make_user(), make_user()
    demand = in_state(owner, status)
    refused(demands.update_demand, stranger, demand.id, {"title": "篡改"}, error=PermissionDenied)
    refused(demands.change_demand_status, stranger, demand.id, C if status is P else P, error=PermissionDenied)
    refused(demands.delete_demand, stranger, demand.id, error=PermissionDenied)
    refused(demands.update_demand, None, demand.id, {"title": "篡改"}, error=PermissionDenied)
    assert stored(demand.id, Demand.title) == demand_data()["title"]
    assert stored(demand.id, Demand.status) is status


def test_another_organizations_draft_is_not_found(ctx):
    owner, stranger = make_user(), make_user()
    demand = in_state(owner, D)
    refused(demands.update_demand, stranger, demand.id, {"title": "篡改"}, error=NotFound)
    refused(demands.change_demand_status, stranger, demand.id, P, error=NotFound)
    refused(demands.delete_demand, stranger, demand.id, error=NotFound)
    refused(demands.update_demand, None, demand.id, {"title": "篡改"}, error=NotFound)
    assert stored(demand.id, Demand.title) == demand_data()["title"]


def test_admin_sees_a_draft_but_may_not_edit_it(ctx):
    owner, admin = make_user(), make_user(Role.ADMIN)
    demand = in_state(owner, D)
    assert demands.get_demand(admin, demand.id).id == demand.id
    refused(demands.update_demand, admin, demand.id, {"title": "运营修改"}, error=PermissionDenied)


def test_unknown_demand_is_not_found(ctx):
    user = make_user()
    refused(demands.get_demand, user, 987_654, error=NotFound)
    refused(demands.update_demand, user, 987_654, {"title": "x"}, error=NotFound)
    refused(demands.delete_demand, user, 987_654, error=NotFound)


# --- delete -----------------------------------------------------------------------------------

def test_delete_a_draft(ctx):
    user = make_user()
    demand = in_state(user, D)
    demands.delete_demand(user, demand.id)
    db.session.commit()
    assert count(Demand) == 0


@pytest.mark.parametrize("status", [P, C])
def test_only_drafts_can_be_deleted(ctx, status):
    user = make_user()
    demand = in_state(user, status)
    refused(demands.delete_demand, user, demand.id, error=Conflict)
    assert count(Demand) == 1


# --- visibility and disclosure ----------------------------------------------------------------

def viewers(owner) -> dict:
    """Every kind of viewer of ``owner``'s demands."""
    return {"owner": owner, "colleague": make_user(organization=owner.organization),
            "admin": make_user(Role.ADMIN), "other enterprise": make_user(),
            "researcher": make_user(Role.RESEARCHER), "anonymous": None}


@pytest.mark.parametrize("status, visible_to", [
    (D, {"owner", "colleague", "admin"}),
    (P, {"owner", "colleague", "admin", "other enterprise", "researcher", "anonymous"}),
    (C, {"owner", "colleague", "admin", "other enterprise", "researcher", "anonymous"}),
])
def test_who_sees_a_demand(ctx, status, visible_to):
    owner = make_user()
    demand = in_state(owner, status)
    for name, viewer in viewers(owner).items():
        if name in visible_to:
            assert demands.get_demand(viewer, demand.id).id == demand.id, name
        else:
            with pytest.raises(NotFound):
                demands.get_demand(viewer, demand.id)


@pytest.mark.parametrize("visibility, organization, details", [
    ("public", True, True),
    ("anonymous", False, True),
    ("confidential", True, False),
])
def test_disclosure_to_owner_and_others(ctx, visibility, organization, details):
    owner = make_user()
    demand = in_state(owner, P, visibility=visibility, summary="公开摘要")
    for name, viewer in viewers(owner).items():
        seen = disclosure(demand, viewer)
        if name in ("owner", "colleague"):
            assert (seen.organization, seen.details) == (True, True), name
        else:
            assert (seen.organization, seen.details) == (organization, details), name


# --- the database holds the invariants --------------------------------------------------------

def raw_demand(user, **overrides) -> Demand:
    """A Demand row built without the services."""
    values = {"title": "直接写入", "description": "绕过服务层", "field_code": "ai", "keywords": [],
              "budget_min": 10, "budget_max": 20, "deadline": TODAY + timedelta(days=30),
              "cooperation_mode": "development", "trl_target": 5, "organization_id": user.organization_id,
              "created_by_id": user.id}
    return Demand(**(values | overrides))


def test_raw_insert_of_a_valid_row_works(ctx):
    user = make_user()
    db.session.add(raw_demand(user))
    db.session.commit()
    assert count(Demand) == 1


@pytest.mark.parametrize("overrides", [
    {"budget_min": 300, "budget_max": 200},
    {"budget_min": -5, "budget_max": 20},
    {"trl_target": 0},
    {"trl_target": 10},
    {"field_code": "no_such_field"},     # foreign key (SQLite only enforces it with the pragma)
    {"organization_id": 999_999},
])
def test_database_constraints_hold_without_the_services(ctx, overrides):
    user = make_user()
    db.session.add(raw_demand(user, **overrides))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert count(Demand) == 0


def test_sqlite_foreign_keys_are_on(ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragma")
    assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_status_change_with_a_stale_expectation_is_a_conflict(ctx):
    """A 'reopen' button on a page rendered before the demand was published again must not act."""
    from marketplace.services.demands import change_demand_status
    from marketplace.services.errors import Conflict
    from models import DemandStatus

    owner = make_user(Role.ENTERPRISE)
    draft = make_demand(owner)
    with pytest.raises(Conflict):
        change_demand_status(owner, draft.id, DemandStatus.PUBLISHED, expected=DemandStatus.CLOSED)
    db.session.rollback()
    assert db.session.get(Demand, draft.id).status is DemandStatus.DRAFT
    change_demand_status(owner, draft.id, DemandStatus.PUBLISHED, expected=DemandStatus.DRAFT)
    assert db.session.get(Demand, draft.id).status is DemandStatus.PUBLISHED


def test_nul_characters_are_refused_in_text(ctx):
    from marketplace.services.demands import create_demand
    from marketplace.services.errors import ValidationFailed

    owner = make_user(Role.ENTERPRISE)
    with pytest.raises(ValidationFailed) as caught:
        create_demand(owner, demand_data(title="带\x00控制字符"))
    assert set(caught.value.fields) == {"title"}
