"""The load benchmark's preparation (bench/load/prepare.py): one account per virtual user, each able
to sign in and propose from a published listing of its own, and targets drawn from published rows."""
import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from marketplace.services import accounts
from models import Demand, DemandStatus, Result, ResultStatus, Role, User, db
from seeds import synthetic

PASSWORD = "bench-load-test-pass"


@pytest.fixture
def prepare(monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "bench_prepare", Path(__file__).resolve().parents[1] / "bench/load/prepare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(accounts, "hash_password", lambda p: generate_password_hash(p, method="scrypt:1024:8:1"))
    monkeypatch.setattr(module, "hash_password", lambda p: generate_password_hash(p, method="scrypt:1024:8:1"))
    return module


def test_each_virtual_user_gets_an_account_with_a_published_listing(ctx, prepare):
    made = prepare.bench_accounts(4, PASSWORD)
    assert [a["role"] for a in made] == ["enterprise", "researcher", "enterprise", "researcher"]
    for account in made:
        user = db.session.scalar(sa.select(User).where(User.email == account["email"]))
        assert accounts.authenticate(account["email"], PASSWORD).id == user.id
        model, published = ((Demand, DemandStatus.PUBLISHED) if user.role is Role.ENTERPRISE
                            else (Result, ResultStatus.PUBLISHED))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
            model.organization_id == user.organization_id, model.status == published)) == 1
    # A second run on a kept database reuses the accounts, under that run's password.
    again = prepare.bench_accounts(4, PASSWORD + "-2")
    assert again == made and accounts.authenticate(made[0]["email"], PASSWORD + "-2") is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 4


def test_targets_are_published_listings_and_their_words(ctx, prepare):
    synthetic.load_synthetic(300)
    made = prepare.bench_accounts(2, PASSWORD)
    targets = prepare.targets(made, PASSWORD, sample=50)
    assert len(targets["demand_ids"]) == 50 and len(targets["result_ids"]) == 50
    assert {status for status, in db.session.execute(sa.select(Demand.status).where(
        Demand.id.in_(targets["demand_ids"])))} == {DemandStatus.PUBLISHED}
    assert len(targets["words"]) > 20 and targets["regions"] and targets["fields"]
    assert targets["accounts"] == made and 1 <= targets["deepest_page"] <= 50
