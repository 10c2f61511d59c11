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


def test_users_set_password_gives_any_account_a_new_password_and_ends_its_sessions(client):
    from models import AuditEntry, Role
    from tests.factories import PASSWORD, api_token, login, make_user

    user = make_user(Role.RESEARCHER, email="lost@example.com")
    login(client, user)
    assert client.get("/me/").status_code == 200
    token = api_token(client, user)
    runner = client.application.test_cli_runner()

    done = runner.invoke(args=["users", "set-password", "LOST@example.com", "--password", "a-new-demo-pass-7"])

    assert done.exit_code == 0, done.output
    assert "lost@example.com" in done.output and "a-new-demo-pass-7" not in done.output
    assert client.get("/me/").status_code == 302  # the old web session ended
    assert client.get("/api/v1/me", headers=token).status_code == 401  # and the old token
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/tokens", json={"email": user.email, "password": "a-new-demo-pass-7"}).status_code == 201
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "user.set_password"))
    assert entry is not None and entry.object_id == user.id and "a-new-demo-pass-7" not in str(entry.changes)


def test_users_set_password_refuses_a_weak_password_and_an_unknown_address(ctx):
    from models import Role
    from tests.factories import PASSWORD, make_user
    from marketplace.services.passwords import verify_password

    user = make_user(Role.ENTERPRISE, email="keep@example.com")
    runner = ctx.test_cli_runner()
    weak = runner.invoke(args=["users", "set-password", "keep@example.com", "--password", "short"])
    assert weak.exit_code == 1 and "password" in weak.output
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, PASSWORD)
    unknown = runner.invoke(args=["users", "set-password", "nobody@example.com", "--password", "a-new-demo-pass-7"])
    assert unknown.exit_code == 1 and "nobody@example.com" in unknown.output
    malformed = runner.invoke(args=["users", "set-password", "not-an-address", "--password", "a-new-demo-pass-7"])
    assert malformed.exit_code == 1 and "email" in malformed.output


def test_users_set_password_asks_twice_when_not_given(ctx):
    from models import Role
    from tests.factories import make_user

    from marketplace.services.passwords import verify_password

    user = make_user(Role.ENTERPRISE, email="ask@example.com")
    runner = ctx.test_cli_runner()
    asked = runner.invoke(args=["users", "set-password", "ask@example.com"],
                          input="a-new-demo-pass-7\nsomething-else-1\na-new-demo-pass-7\na-new-demo-pass-7\n")
    assert asked.exit_code == 0, asked.output
    assert "do not match" in asked.output  # the mistyped repetition is asked again
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, "a-new-demo-pass-7")
