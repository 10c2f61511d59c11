"""Research results: validation (patents, transfer modes), life-cycle, PATCH, ownership, visibility."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.services import results
from marketplace.services.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from models import (
    Event,
    EventKind,
    ListingChange,
    Maturity,
    OrgKind,
    Patent,
    PatentStatus,
    Result,
    ResultStatus,
    Role,
    db,
)

from ..factories import make_org, make_result, make_user, result_data

D, P, W = ResultStatus.DRAFT, ResultStatus.PUBLISHED, ResultStatus.WITHDRAWN
ALLOWED = {(D, P), (P, W), (W, P)}


def count(model) -> int:
    """Rows in the table as the database sees them (autoflushes anything pending)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def stored(result_id: int, column):
    """One column of one result, read with SQL."""
    return db.session.scalar(sa.select(column).where(Result.id == result_id))


def stored_patents(result_id: int) -> list[tuple[str, str, int]]:
    """(number, status, position) of a result's patents, in position order."""
    rows = db.session.execute(sa.select(Patent.number, Patent.status, Patent.position)
                              .where(Patent.result_id == result_id).order_by(Patent.position))
    return [(n, s.value, p) for n, s, p in rows]


def refused(call, *args, error=ValidationFailed) -> dict:
    """Run ``call``, expect ``error``, return its fields."""
    with pytest.raises(error) as info:
        call(*args)
    return info.value.fields


def researcher(**overrides):
    """A researcher in a new university."""
    return make_user(Role.RESEARCHER, **overrides)


def in_state(user, status: ResultStatus, **overrides) -> Result:
    """A committed result of ``user`` brought to ``status`` through the services."""
    result = make_result(user, status="draft" if status is D else "published", **overrides)
    if status is W:
        results.update_result(user, result.id, {"status": "withdrawn"})
        db.session.commit()
    if status is ResultStatus.HIDDEN:  # only an operator leads here (services/moderation.py)
        from marketplace.services import moderation
        moderation.hide(make_user(Role.ADMIN), "result", result.id, "测试隐藏")
        db.session.commit()
    if status is ResultStatus.VALIDATED:  # only an accepted validation report leads here
        results.LIFECYCLE.finish(result)
        db.session.commit()
    return result


# --- create -----------------------------------------------------------------------------------

def test_create_is_a_draft_by_default(ctx):
    user = researcher()
    result = results.create_result(user, result_data())
    db.session.commit()
    assert result.status is D and result.published_at is None
    assert result.organization_id == user.organization_id and result.created_by_id == user.id
    assert (result.trl, result.maturity, result.asking_price) == (5, Maturity.BENCH, 120)
    assert result.transfer_modes == ["license", "assignment"]
    assert stored_patents(result.id) == [("CN202310456789.1", "pending", 0)]
    assert count(Event) == 0 and count(ListingChange) == 1


def test_create_published_on_request(ctx):
    user = researcher()
    result = results.create_result(user, result_data(status="published"))
    db.session.commit()
    assert result.status is P and result.published_at is not None
    event = db.session.scalar(sa.select(Event))
    assert event.kind is EventKind.RESULT_PUBLISHED and event.result_id == result.id


def test_researcher_of_an_institute_may_create(ctx):
    user = researcher(organization=make_org(OrgKind.INSTITUTE))
    assert results.create_result(user, result_data()).organization_id == user.organization_id


def test_region_defaults_to_the_organization_region(ctx):
    user = researcher(organization=make_org(OrgKind.UNIVERSITY, region="湖北省武汉市"))
    assert make_result(user).region == "湖北省武汉市"
    assert make_result(user, region="深圳市", title="另一项成果").region == "深圳市"


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.CENTER, Role.ADMIN])
def test_only_researchers_create_results(ctx, role):
    user = make_user(role)
    refused(results.create_result, user, result_data(), error=PermissionDenied)
    assert count(Result) == 0 and count(Patent) == 0


def test_create_as_withdrawn_is_a_conflict(ctx):
    user = researcher()
    assert set(refused(results.create_result, user, result_data(status="withdrawn"), error=Conflict)) == {"status"}
    assert count(Result) == 0


def test_create_with_unknown_status(ctx):
    assert set(refused(results.create_result, researcher(), result_data(status="sold"))) == {"status"}
    assert count(Result) == 0


# --- field validation -------------------------------------------------------------------------

@pytest.mark.parametrize("overrides, field", [
    ({"title": ""}, "title"),
    ({"title": "题" * 121}, "title"),
    ({"abstract": ""}, "abstract"),
    ({"abstract": "字" * 10_001}, "abstract"),
    ({"field": "alchemy"}, "field"),
    ({"field": None}, "field"),
    ({"trl": 0}, "trl"),
    ({"trl": 10}, "trl"),
    ({"trl": "abc"}, "trl"),
    ({"trl": 3.5}, "trl"),
    ({"trl": None}, "trl"),
    ({"maturity": "mass_market"}, "maturity"),
    ({"maturity": ""}, "maturity"),
    ({"asking_price": -1}, "asking_price"),
    ({"asking_price": "面议"}, "asking_price"),
    ({"region": "区" * 81}, "region"),
    ({"keywords": [f"k{i}" for i in range(11)]}, "keywords"),
    ({"keywords": ["长" * 31]}, "keywords"),
    ({"transfer_modes": []}, "transfer_modes"),
    ({"transfer_modes": None}, "transfer_modes"),
    ({"transfer_modes": ["sale"]}, "transfer_modes"),
    ({"transfer_modes": ["license", "donation"]}, "transfer_modes"),
    ({"transfer_modes": {"license": True}}, "transfer_modes"),
    ({"patents": "CN202310456789.1"}, "patents"),
    ({"patents": [{"number": f"CN2023104567{i:02d}.1", "status": "pending"} for i in range(21)]}, "patents"),
])
def test_invalid_field_is_named_and_nothing_is_written(ctx, overrides, field):
    user = researcher()
    fields = refused(results.create_result, user, result_data(**overrides))
    assert set(fields) == {field}
    assert count(Result) == 0 and count(Patent) == 0 and count(ListingChange) == 0


def test_missing_fields_are_all_required(ctx):
    fields = refused(results.create_result, researcher(), {})
    assert set(fields) == {"title", "abstract", "field", "trl", "maturity", "transfer_modes"}


def test_every_error_is_reported_at_once(ctx):
    fields = refused(results.create_result, researcher(), result_data(
        title="", trl=0, maturity="x", transfer_modes=[], asking_price=-5,
        patents=[{"number": "ABC", "status": "pending"}, {"number": "CN116123456A", "status": "lapsed"}]))
    assert set(fields) == {"title", "trl", "maturity", "transfer_modes", "asking_price",
                           "patents.0.number", "patents.1.status"}
    assert count(Result) == 0


@pytest.mark.parametrize("raw, normalized", [
    ("CN202310456789.1", "CN202310456789.1"),     # Chinese application number
    ("cn202310456789.x", "CN202310456789.X"),
    ("CN 202310456789.1", "CN202310456789.1"),
    ("CN201010123456.7", "CN201010123456.7"),
    ("CN02123456.7", "CN02123456.7"),             # old 8-digit application number
    ("ZL202310456789.1", "ZL202310456789.1"),     # granted (专利号)
    ("ZL 2023 1045 6789.1", "ZL202310456789.1"),
    ("CN116123456A", "CN116123456A"),             # publication numbers
    ("CN 116123456 A", "CN116123456A"),
    ("CN218765432U", "CN218765432U"),
    ("CN112345678B", "CN112345678B"),
    ("PCT/CN2024/081234", "PCT/CN2024/081234"),
    ("PCT／CN2024／081234", "PCT/CN2024/081234"),  # full-width slashes
    ("pct/us2023/12345", "PCT/US2023/12345"),
    ("US11876543B2", "US11876543B2"),
    ("US 2023/0123456 A1", "US2023/0123456A1"),
    ("US20230123456A1", "US20230123456A1"),
    ("US10123456", "US10123456"),
    ("USRE49123", "USRE49123"),
    ("EP4123456A1", "EP4123456A1"),
    ("EP 3 456 789 B1", "EP3456789B1"),
    ("ＣＮ２０２３１０４５６７８９．１", "CN202310456789.1"),   # typed with a full-width input method
    ("CN２０２３１０４５６７８９.1", "CN202310456789.1"),
    ("ＥＰ４１２３４５６Ａ１", "EP4123456A1"),
])
def test_patent_numbers_accepted(ctx, raw, normalized):
    result = make_result(researcher(), patents=[{"number": raw, "status": "granted"}])
    assert stored_patents(result.id) == [(normalized, "granted", 0)]


@pytest.mark.parametrize("raw", [
    "", "12345678", "CN12", "CN202310456789.12", "JP2020123456A", "WO2024123456", "PCT/CN24/1",
    "US12", "EP123", "EP12345678901", "专利CN202310456789.1", "CN-202310456789", "ABC",
    "CN٢٠٢٣١٠٤٥٦٧٨٩.١",  # digits of another script
])
def test_garbage_patent_numbers_refused(ctx, raw):
    patents = [{"number": "CN202310456789.1", "status": "pending"}, {"number": raw, "status": "pending"}]
    fields = refused(results.create_result, researcher(), result_data(patents=patents))
    assert set(fields) == {"patents.1.number"}
    assert count(Patent) == 0


@pytest.mark.parametrize("item, field", [
    ({"number": "CN202310456789.1", "status": "expired"}, "patents.0.status"),
    ({"number": "CN202310456789.1", "status": ""}, "patents.0.status"),
    ({"number": "CN202310456789.1"}, "patents.0.status"),
])
def test_bad_patent_status(ctx, item, field):
    assert set(refused(results.create_result, researcher(), result_data(patents=[item]))) == {field}


def test_patent_that_is_not_an_object(ctx):
    fields = refused(results.create_result, researcher(), result_data(patents=["CN202310456789.1"]))
    assert set(fields) == {"patents.0.number", "patents.0.status"}


def test_duplicate_patents_refused_after_normalization(ctx):
    patents = [{"number": "CN202310456789.1", "status": "pending"},
               {"number": "cn 202310456789.1", "status": "granted"}]
    assert set(refused(results.create_result, researcher(), result_data(patents=patents))) == {"patents.1.number"}


@pytest.mark.parametrize("overrides, attribute, expected", [
    ({"transfer_modes": ["equity", "license"]}, "transfer_modes", ["license", "equity"]),
    ({"transfer_modes": "assignment"}, "transfer_modes", ["assignment"]),
    ({"transfer_modes": ["equity", "equity"]}, "transfer_modes", ["equity"]),
    ({"asking_price": None}, "asking_price", None),
    ({"asking_price": ""}, "asking_price", None),
    ({"asking_price": 0}, "asking_price", 0),
    ({"asking_price": "88.5"}, "asking_price", 88.5),
    ({"trl": 1}, "trl", 1),
    ({"trl": "9"}, "trl", 9),
    ({"patents": []}, "patents", []),
    ({"keywords": "钙钛矿、叠层电池,封装"}, "keywords", ["钙钛矿", "叠层电池", "封装"]),
    ({"title": "题" * 120}, "title", "题" * 120),
])
def test_accepted_edge_values(ctx, overrides, attribute, expected):
    result = make_result(researcher(), **overrides)
    db.session.expire_all()
    assert getattr(db.session.get(Result, result.id), attribute) == expected


# --- life-cycle -------------------------------------------------------------------------------

@pytest.mark.parametrize("start, target", [(a, b) for a in ResultStatus for b in ResultStatus if a is not b])
def test_transition_table(ctx, start, target):
    user = researcher()
    result = in_state(user, start)
    if (start, target) in ALLOWED:
        assert results.change_result_status(user, result.id, target).status is target
        db.session.commit()
        assert stored(result.id, Result.status) is target
    else:
        assert set(refused(results.change_result_status, user, result.id, target, error=Conflict)) == {"status"}
        assert stored(result.id, Result.status) is start


def test_transition_table_is_the_documented_one():
    assert {(a, b) for a, targets in results.TRANSITIONS.items() for b in targets} == ALLOWED


def test_published_at_is_set_on_first_publish_only(ctx):
    user = researcher()
    result = in_state(user, D)
    results.change_result_status(user, result.id, P)
    db.session.commit()
    first = stored(result.id, Result.published_at)
    assert first is not None
    results.change_result_status(user, result.id, W)
    results.change_result_status(user, result.id, P)
    db.session.commit()
    assert stored(result.id, Result.published_at) == first


def test_delete_a_draft_removes_its_patents(ctx):
    user = researcher()
    result = in_state(user, D)
    results.delete_result(user, result.id)
    db.session.commit()
    assert count(Result) == 0 and count(Patent) == 0


@pytest.mark.parametrize("status", [P, W])
def test_only_drafts_can_be_deleted(ctx, status):
    user = researcher()
    result = in_state(user, status)
    refused(results.delete_result, user, result.id, error=Conflict)
    assert count(Result) == 1


# --- PATCH semantics --------------------------------------------------------------------------

def test_absent_fields_keep_their_values(ctx):
    user = researcher()
    result = in_state(user, P)
    results.update_result(user, result.id, {"title": "新的成果标题"})
    db.session.commit()
    db.session.expire_all()
    result = db.session.get(Result, result.id)
    original = result_data()
    assert result.title == "新的成果标题" and result.abstract == original["abstract"]
    assert (result.trl, result.maturity.value, result.asking_price) == (5, "bench", 120)
    assert result.keywords == original["keywords"] and result.transfer_modes == ["license", "assignment"]
    assert stored_patents(result.id) == [("CN202310456789.1", "pending", 0)]
    assert result.status is P


def test_patch_patents_updates_status_adds_removes_and_reorders(ctx):
    user = researcher()
    result = in_state(user, D, patents=[{"number": "CN202310456789.1", "status": "pending"},
                                        {"number": "US11876543B2", "status": "granted"}])
    results.update_result(user, result.id, {"patents": [
        {"number": "EP4123456A1", "status": "pending"},
        {"number": "CN202310456789.1", "status": "granted"}]})
    db.session.commit()
    assert stored_patents(result.id) == [("EP4123456A1", "pending", 0), ("CN202310456789.1", "granted", 1)]


def test_failed_patch_writes_nothing(ctx):
    user = researcher()
    result = in_state(user, P)
    changes = count(ListingChange)
    fields = refused(results.update_result, user, result.id, {
        "title": "新标题", "patents": [{"number": "bogus", "status": "pending"}], "transfer_modes": []})
    assert set(fields) == {"patents.0.number", "transfer_modes"}
    assert stored(result.id, Result.title) == result_data()["title"]
    assert stored_patents(result.id) == [("CN202310456789.1", "pending", 0)]
    assert count(ListingChange) == changes


def test_refused_transition_writes_nothing(ctx):
    user = researcher()
    result = in_state(user, D)
    refused(results.update_result, user, result.id, {"status": "withdrawn", "title": "新标题"}, error=Conflict)
    assert stored(result.id, Result.title) == result_data()["title"]


# --- ownership and visibility -----------------------------------------------------------------

def test_colleague_in_the_same_organization_may_edit(ctx):
    owner = researcher()
    colleague = researcher(organization=owner.organization)
    result = in_state(owner, D)
    results.update_result(colleague, result.id, {"asking_price": 99, "status": "published"})
    db.session.commit()
    assert (stored(result.id, Result.asking_price), stored(result.id, Result.status)) == (99, P)


def test_another_organization_may_not_edit_a_published_result(ctx):
    owner, stranger = researcher(), researcher()
    result = in_state(owner, P)
    refused(results.update_result, stranger, result.id, {"title": "篡改"}, error=PermissionDenied)
    refused(results.change_result_status, stranger, result.id, W, error=PermissionDenied)
    refused(results.delete_result, stranger, result.id, error=PermissionDenied)
    refused(results.update_result, None, result.id, {"title": "篡改"}, error=PermissionDenied)
    assert stored(result.id, Result.title) == result_data()["title"]
    assert stored(result.id, Result.status) is P


@pytest.mark.parametrize("status", [D, W])
def test_another_organizations_hidden_result_is_not_found(ctx, status):
    owner, stranger = researcher(), researcher()
    result = in_state(owner, status)
    refused(results.update_result, stranger, result.id, {"title": "篡改"}, error=NotFound)
    refused(results.delete_result, stranger, result.id, error=NotFound)
    refused(results.update_result, None, result.id, {"title": "篡改"}, error=NotFound)
    assert stored(result.id, Result.title) == result_data()["title"]


def test_unknown_result_is_not_found(ctx):
    user = researcher()
    refused(results.get_result, user, 987_654, error=NotFound)
    refused(results.update_result, user, 987_654, {"title": "x"}, error=NotFound)


@pytest.mark.parametrize("status, visible_to", [
    (D, {"owner", "colleague", "admin"}),
    (W, {"owner", "colleague", "admin"}),
    (P, {"owner", "colleague", "admin", "other researcher", "enterprise", "anonymous"}),
])
def test_who_sees_a_result(ctx, status, visible_to):
    owner = researcher()
    result = in_state(owner, status)
    viewers = {"owner": owner, "colleague": researcher(organization=owner.organization),
               "admin": make_user(Role.ADMIN), "other researcher": researcher(),
               "enterprise": make_user(), "anonymous": None}
    for name, viewer in viewers.items():
        if name in visible_to:
            assert results.get_result(viewer, result.id).id == result.id, name
        else:
            with pytest.raises(NotFound):
                results.get_result(viewer, result.id)


# --- the database holds the invariants --------------------------------------------------------

def raw_result(user, **overrides) -> Result:
    """A Result row built without the services."""
    values = {"title": "直接写入", "abstract": "绕过服务层", "field_code": "ai", "keywords": [], "trl": 5,
              "maturity": Maturity.LAB, "transfer_modes": ["license"], "organization_id": user.organization_id,
              "created_by_id": user.id}
    return Result(**(values | overrides))


@pytest.mark.parametrize("overrides", [{"trl": 0}, {"trl": 10}, {"asking_price": -1}, {"field_code": "nope"}])
def test_database_constraints_hold_without_the_services(ctx, overrides):
    user = researcher()
    db.session.add(raw_result(user, **overrides))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert count(Result) == 0


def test_patent_numbers_are_unique_per_result_in_the_database(ctx):
    user = researcher()
    result = raw_result(user)
    result.patents = [Patent(number="CN116123456A", status=PatentStatus.PENDING),
                      Patent(number="CN116123456A", status=PatentStatus.GRANTED, position=1)]
    db.session.add(result)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert count(Patent) == 0
