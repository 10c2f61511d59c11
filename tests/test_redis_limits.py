"""Rate limits across worker processes: with Redis (REDIS_URL) every worker counts against one
limit; without a usable Redis the app still starts, says in its log that limits are per worker,
and limits each worker on its own. Each "worker" is a separate Python process, as under gunicorn."""
from __future__ import annotations

import json
import secrets
import subprocess
import sys

import pytest

from marketplace.ratelimits import redis_problem
from tests.factories import PASSWORD, make_user

REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_SKIP = "Redis leg skipped: no Redis answers at 127.0.0.1:6379 (CI runs one)"

WORKER = """
import json, sys
from marketplace import create_app
uri, redis_url, prefix, email, password, attempts = sys.argv[1:7]
config = {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "worker-test", "MATCH_INDEX_DIR": "",
          "RATELIMIT_KEY_PREFIX": prefix}
if redis_url:
    config["REDIS_URL"] = redis_url
app = create_app(config)
client = app.test_client()
statuses = [client.post("/api/v1/tokens", json={"email": email, "password": password}).status_code
            for _ in range(int(attempts))]
from marketplace.ratelimits import storage_note
print(storage_note(app), file=sys.stderr)  # what gunicorn.conf.py logs as each worker starts
print(json.dumps({"statuses": statuses, "storage": app.config["RATELIMIT_STORAGE_URI"]}))
"""


def run_worker(app, redis_url: str, prefix: str, email: str, password: str, attempts: int) -> tuple[dict, str]:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, app.config["SQLALCHEMY_DATABASE_URI"], redis_url, prefix, email, password,
         str(attempts)], capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.fixture
def sqlite_ctx(ctx):
    if not ctx.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("worker-process tests run once, against the SQLite file")
    return ctx


@pytest.fixture
def prefix():
    """A key prefix of this test's own; its keys are deleted afterwards."""
    value = f"test-{secrets.token_hex(6)}"
    yield value
    if redis_problem(REDIS_URL) is None:
        import redis
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{value}*"):
            client.delete(key)
        client.close()


def test_two_workers_share_one_limit_through_redis(sqlite_ctx, prefix):
    if redis_problem(REDIS_URL):
        pytest.skip(REDIS_SKIP)
    user = make_user()
    first, log = run_worker(sqlite_ctx, REDIS_URL, prefix, user.email, "wrong-password-1", 6)
    second, _ = run_worker(sqlite_ctx, REDIS_URL, prefix, user.email, PASSWORD, 5)
    assert first["storage"] == REDIS_URL and "shared by every worker through Redis" in log
    assert first["statuses"] == [401] * 6
    assert second["statuses"] == [201] * 4 + [429]  # 10 attempts a minute per account and address, in all


def test_an_unreachable_redis_is_a_log_line_and_a_per_worker_fallback(sqlite_ctx, prefix):
    user = make_user()
    result, log = run_worker(sqlite_ctx, "redis://127.0.0.1:1/0", prefix, user.email, "wrong-password-1", 11)
    assert result["storage"] == "memory://"
    assert "is not usable" in log and "per-worker" in log
    assert result["statuses"] == [401] * 10 + [429]


def test_without_redis_the_log_says_limits_are_per_worker(sqlite_ctx, prefix):
    user = make_user()
    result, log = run_worker(sqlite_ctx, "", prefix, user.email, PASSWORD, 1)
    assert result == {"statuses": [201], "storage": "memory://"}
    assert "rate limits are counted per worker process" in log
