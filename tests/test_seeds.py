"""Demo data: loaded through the services' rules, idempotent, pairs resolvable (synthetic data:
test_seeds_synthetic.py)."""
import json

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from marketplace.services import accounts
from models import (
    SEED_FIELDS,
    AgreementSignature,
    Bid,
    BidRevision,
    CenterProfile,
    Demand,
    DemandStatus,
    Engagement,
    Event,
    MilestoneSubmission,
    Notification,
    Organization,
    OrgKind,
    Pairing,
    Result,
    ResultStatus,
    Role,
    User,
    ValidationReport,
    ValidationRequest,
    db,
)
from seeds import loader



@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """The loader creates ~30 accounts; a low-cost scrypt keeps this module fast. Verification
    still goes through the real check (the parameters travel inside the hash)."""
    monkeypatch.setattr(accounts, "hash_password", lambda p: generate_password_hash(p, method="scrypt:1024:8:1"))

DEMO_PASSWORD = "demo-bridge-2026"
DEMO_ACCOUNTS = {"admin": Role.ADMIN, "enterprise": Role.ENTERPRISE, "researcher": Role.RESEARCHER,
                 "center": Role.CENTER}


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def table_counts() -> dict[str, int]:
    """Rows of every table the loader writes to (a second run must leave each unchanged)."""
    models = (Organization, User, Demand, Result, CenterProfile, Pairing, ValidationRequest, Bid, BidRevision,
              Engagement, AgreementSignature, MilestoneSubmission, ValidationReport, Event, Notification)
    return {model.__name__: count(model) for model in models} | {
        "organizations": count(Organization), "users": count(User), "demands": count(Demand),
        "results": count(Result)}


def load_demo(password=DEMO_PASSWORD):
    report = loader.load_demo(password)
    db.session.commit()
    return report


def test_data_files_are_big_enough_and_consistent():
    orgs, demand_items, result_items = (loader.read(n) for n in ("organizations.json", "demands.json", "results.json"))
    kinds = [o["kind"] for o in orgs]
    assert len(orgs) >= 12 and kinds.count("center") >= 6
    assert {"enterprise", "university", "institute", "center"} <= set(kinds)
    assert len(demand_items) >= 40 and len(result_items) >= 60
    org_keys = {o["key"] for o in orgs}
    assert all(item["org"] in org_keys for item in demand_items + result_items)
    for items in (demand_items, result_items):
        assert len({i["key"] for i in items}) == len(items)
        assert len({i["title"] for i in items}) == len(items)  # seed_keys() looks listings up by title
    codes = {code for code, _, _ in SEED_FIELDS}
    assert {i["field"] for i in demand_items + result_items} <= codes


def test_load_demo_creates_everything_and_the_demo_accounts_sign_in(ctx):
    report = load_demo()
    counts = table_counts()
    assert counts["organizations"] >= 12 and counts["demands"] >= 40 and counts["results"] >= 60
    # Every listing of the data files (and of the PoC story) passed the services' validation.
    story = loader.read("validation.json")["listings"]
    assert report.created["demands"] == len(loader.read("demands.json")) + len(story["demands"]) == counts["demands"]
    assert report.created["results"] == len(loader.read("results.json")) + len(story["results"]) == counts["results"]
    assert report.password == DEMO_PASSWORD and DEMO_PASSWORD in report.describe()
    assert count(Demand, Demand.status == DemandStatus.PUBLISHED) >= 40
    assert count(Result, Result.status == ResultStatus.PUBLISHED) >= 60
    assert count(Organization, Organization.kind == OrgKind.CENTER) >= 6
    for name, role in DEMO_ACCOUNTS.items():
        email = f"{name}@{loader.DEMO_DOMAIN}"
        assert (role.value, email) in report.accounts
        user = accounts.authenticate(email, DEMO_PASSWORD)
        assert user.role is role
    demand_roles = set(db.session.scalars(sa.select(User.role).join(Demand, Demand.created_by_id == User.id)))
    result_roles = set(db.session.scalars(sa.select(User.role).join(Result, Result.created_by_id == User.id)))
    assert demand_roles == {Role.ENTERPRISE} and result_roles == {Role.RESEARCHER}


def test_loading_twice_adds_nothing(ctx):
    load_demo()
    before = table_counts()
    second = load_demo("a-different-password-9")
    assert second.created == dict.fromkeys(loader.COUNTED, 0) and second.notes == []
    assert second.password is None  # existing accounts keep their password
    assert "password unchanged" in second.describe()
    assert table_counts() == before
    assert accounts.authenticate(f"enterprise@{loader.DEMO_DOMAIN}", DEMO_PASSWORD)


def test_load_demo_generates_a_password_when_none_is_given(ctx):
    accounts.create_admin("someone@example.com", "operator-pass-31")  # an operator already exists
    report = load_demo(password=None)
    assert report.password and len(report.password) >= 8
    assert accounts.authenticate(f"admin@{loader.DEMO_DOMAIN}", report.password).is_admin


def test_listings_end_in_the_status_their_data_file_asks_for(ctx):
    load_demo()
    keys = loader.seed_keys()
    for kind, model in (("demands", Demand), ("results", Result)):
        items = loader.read(f"{kind}.json")
        assert set(keys[kind]) == {item["key"] for item in items}
        for item in items:
            listing = db.session.get(model, keys[kind][item["key"]])
            assert listing.status.value == item.get("status", "draft"), item["key"]
            # Closed and withdrawn listings were published first.
            assert (listing.published_at is None) == (listing.status.value == "draft"), item["key"]


def test_every_labelled_pair_resolves_to_published_listings(ctx):
    load_demo()
    keys = loader.seed_keys()
    pairs = json.loads((loader.DATA / "pairs.json").read_text("utf-8"))
    assert len({p["demand"] for p in pairs}) >= 25
    for pair in pairs:
        demand = db.session.get(Demand, keys["demands"][pair["demand"]])
        assert demand.status is DemandStatus.PUBLISHED, pair["demand"]
        assert pair["results"], pair["demand"]
        for key in pair["results"]:
            result = db.session.get(Result, keys["results"][key])
            assert result.status is ResultStatus.PUBLISHED, key
