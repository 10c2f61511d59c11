"""Server-side web sessions and API tokens: issue, resolve, expire, revoke."""
import hashlib
from datetime import timedelta

import pytest

from marketplace.services.sessions import (
    issue_token,
    resolve_token,
    revoke_all_tokens,
    revoke_token,
)
from models import AuthToken, TokenKind, db, utcnow

from ..factories import make_user

HOUR = timedelta(hours=1)


def test_issued_token_resolves_to_its_user(ctx):
    user = make_user()
    secret, row = issue_token(user, TokenKind.API, HOUR)
    db.session.commit()
    assert row.user_id == user.id and row.kind is TokenKind.API and row.revoked_at is None
    assert resolve_token(secret, TokenKind.API) == user


def test_web_token_is_remembered_on_the_user_for_the_session_cookie(ctx):
    user = make_user()
    secret, _ = issue_token(user, TokenKind.WEB, HOUR)
    assert resolve_token(secret, TokenKind.WEB).get_id() == secret
    api_secret, _ = issue_token(user, TokenKind.API, HOUR)
    assert resolve_token(api_secret, TokenKind.API).get_id() is None  # API tokens are not cookies


def test_each_token_is_distinct(ctx):
    user = make_user()
    secrets = {issue_token(user, TokenKind.WEB, HOUR)[0] for _ in range(5)}
    assert len(secrets) == 5


def test_only_the_hash_is_stored(ctx):
    user = make_user()
    secret, _ = issue_token(user, TokenKind.API, HOUR)
    db.session.commit()
    rows = db.session.execute(db.select(AuthToken.__table__)).all()
    assert len(rows) == 1
    assert all(secret not in str(value) for value in rows[0])
    assert rows[0].token_hash == hashlib.sha256(secret.encode()).hexdigest()


@pytest.mark.parametrize("issued, asked", [(TokenKind.WEB, TokenKind.API), (TokenKind.API, TokenKind.WEB)])
def test_token_of_one_kind_is_not_accepted_as_the_other(ctx, issued, asked):
    user = make_user()
    secret, _ = issue_token(user, issued, HOUR)
    assert resolve_token(secret, asked) is None
    assert resolve_token(secret, issued) == user


def test_expired_token_is_rejected(ctx):
    user = make_user()
    secret, row = issue_token(user, TokenKind.API, HOUR)
    assert resolve_token(secret, TokenKind.API, now=row.expires_at - timedelta(seconds=1)) == user
    assert resolve_token(secret, TokenKind.API, now=row.expires_at) is None
    assert resolve_token(secret, TokenKind.API, now=utcnow() + 2 * HOUR) is None


def test_revoked_token_is_rejected(ctx):
    user = make_user()
    secret, _ = issue_token(user, TokenKind.WEB, HOUR)
    assert revoke_token(secret) is True
    db.session.commit()
    assert resolve_token(secret, TokenKind.WEB) is None
    assert revoke_token(secret) is False  # already revoked


def test_revoking_one_token_leaves_the_others(ctx):
    user = make_user()
    first, _ = issue_token(user, TokenKind.WEB, HOUR)
    second, _ = issue_token(user, TokenKind.WEB, HOUR)
    revoke_token(first)
    assert resolve_token(second, TokenKind.WEB) == user


@pytest.mark.parametrize("secret", [None, "", "not-a-token", "x" * 500])
def test_unknown_or_malformed_tokens(ctx, secret):
    make_user()
    assert resolve_token(secret, TokenKind.API) is None
    assert revoke_token(secret) is False


def test_inactive_user_is_rejected(ctx):
    user = make_user()
    secret, _ = issue_token(user, TokenKind.API, HOUR)
    user.is_active = False
    db.session.commit()
    assert resolve_token(secret, TokenKind.API) is None


def test_revoke_all_tokens_of_one_user_and_kind(ctx):
    user, other = make_user(), make_user()
    web, _ = issue_token(user, TokenKind.WEB, HOUR)
    api, _ = issue_token(user, TokenKind.API, HOUR)
    others, _ = issue_token(other, TokenKind.API, HOUR)
    assert revoke_all_tokens(user, TokenKind.WEB) == 1
    assert resolve_token(web, TokenKind.WEB) is None
    assert resolve_token(api, TokenKind.API) == user
    assert revoke_all_tokens(user) == 1
    assert resolve_token(api, TokenKind.API) is None
    assert resolve_token(others, TokenKind.API) == other
    assert revoke_all_tokens(user) == 0
