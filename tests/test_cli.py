"""Command line: seed, create-admin, match rebuild and tune."""
from models import User, db


def test_seed_prints_accounts_and_is_idempotent(ctx):
    runner = ctx.test_cli_runner()
    first = runner.invoke(args=["seed", "--password", "cli-seed-pass-1"])
    assert first.exit_code == 0, first.output
    assert "enterprise@demo.innobridge.cn" in first.output and "cli-seed-pass-1" in first.output
    second = runner.invoke(args=["seed"])
    assert "0 demands" in second.output and "password unchanged" in second.output
    assert runner.invoke(args=["seed", "--if-empty"]).output.startswith("Database already has accounts")


def test_create_admin_validates_password(ctx):
    runner = ctx.test_cli_runner()
    bad = runner.invoke(args=["create-admin", "ops@example.com", "--password", "short"])
    assert bad.exit_code != 0 and db.session.scalar(db.select(User).where(User.email == "ops@example.com")) is None
    good = runner.invoke(args=["create-admin", "ops@example.com", "--password", "a-long-operator-pass"])
    assert good.exit_code == 0, good.output
    assert db.session.scalar(db.select(User).where(User.email == "ops@example.com")).is_admin


def test_match_rebuild_and_tune(ctx, tmp_path):
    runner = ctx.test_cli_runner()
    assert runner.invoke(args=["match", "tune"]).exit_code != 0  # no evidence yet
    runner.invoke(args=["seed", "--password", "cli-seed-pass-1"])
    rebuilt = runner.invoke(args=["match", "rebuild"])
    assert rebuilt.exit_code == 0 and "Match index rebuilt" in rebuilt.output
    tuned = runner.invoke(args=["match", "tune", "--dry-run"])
    assert tuned.exit_code == 0, tuned.output
    assert "labelled demands" in tuned.output and "mrr@10" in tuned.output
