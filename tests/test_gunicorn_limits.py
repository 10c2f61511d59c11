"""The deployed server (gunicorn with gunicorn.conf.py) leaves an over-long query to the app, which
answers it with the site's own 414 page instead of gunicorn's bare one."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.test_crash import REPO, child_env, free_port, tail


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("gunicorn-limits")
    port = free_port()
    env = child_env(HOST="127.0.0.1", PORT=str(port), WORKERS="1", THREADS="1", SECRET_KEY="limits-test",
                    DATABASE_URL=f"sqlite:///{root}/site.db", INNOBRIDGE_MATCH_INDEX_DIR="",
                    INNOBRIDGE_UPLOAD_DIR=str(root / "uploads"))
    upgrade = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=180, check=False)
    assert upgrade.returncode == 0, upgrade.stderr
    log = root / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, tail(log)
            try:
                if fetch(base + "/healthz")[0] == 200:
                    break
            except OSError:
                assert time.monotonic() < deadline, tail(log)
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def test_a_query_past_the_apps_limit_gets_the_sites_414_page(served):
    status, page = fetch(served + "/search?q=" + "a" * 6000)  # past 4,094, gunicorn's default line limit
    assert status == 414
    assert "查询参数过长" in page and "<nav" in page  # the app's page in the site's layout


def test_a_query_within_the_limit_is_answered(served):
    status, _ = fetch(served + "/demands/?q=" + "a" * 3000)
    assert status == 200
