"""No request can stall the others: a statement cut off after DB_STATEMENT_TIMEOUT_MS (503 with
Retry-After, on both backends), an over-long query string refused (414), a keyword filter of too
many words refused (422) — on the web and the API alike; the command line is not limited."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.services import browse
from models import db
from tests.factories import make_demand, make_user


def slow_statement() -> sa.TextClause:
    """A statement that takes many seconds unless it is cut off."""
    if db.engine.dialect.name == "postgresql":
        return sa.text("SELECT pg_sleep(30)")
    return sa.text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) "
                   "SELECT count(*) FROM c")


@pytest.fixture
def slow_list(monkeypatch):
    """The demand list runs a statement that never ends in time."""
    def search(*args, **kwargs):
        db.session.execute(slow_statement())
        raise AssertionError("the statement was not cut off")
    monkeypatch.setattr(browse, "search_demands", search)


@pytest.fixture
def short_timeout(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "DB_STATEMENT_TIMEOUT_MS", 500)  # far below the slow statements, far above the others


def test_a_slow_statement_is_cut_off_with_a_clear_api_error(client, short_timeout, slow_list):
    response = client.get("/api/v1/demands")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    error = response.get_json()["error"]
    assert error["code"] == "timeout" and "查询耗时过长" in error["message"]


def test_a_slow_statement_is_cut_off_with_an_error_page(client, short_timeout, slow_list):
    response = client.get("/demands/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "暂时无法完成" in page and "查询耗时过长" in page


def test_the_connection_is_usable_after_a_cut_off(client, short_timeout, slow_list, monkeypatch):
    assert client.get("/api/v1/demands").status_code == 503
    monkeypatch.undo()  # the real list again, the default limit
    owner = make_user()
    make_demand(owner, title="热失控预警", status="published")
    for _ in range(3):  # whichever pooled connection answers
        response = client.get("/api/v1/demands")
        assert response.status_code == 200
        assert [item["title"] for item in response.get_json()["items"]] == ["热失控预警"]


def test_other_database_errors_stay_server_errors(client, monkeypatch):
    def broken(*args, **kwargs):
        db.session.execute(sa.text("SELECT * FROM no_such_table"))
    monkeypatch.setattr(browse, "search_demands", broken)
    response = client.get("/api/v1/demands")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "server_error"
    assert "Retry-After" not in response.headers


@pytest.mark.parametrize("limit, shown", [(1234, "1234ms"), (0, "0")])
def test_the_limit_applies_to_each_request_transaction(client, ctx, monkeypatch, limit, shown):
    """PostgreSQL: SET LOCAL in the request's transaction (none when switched off), gone with it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    monkeypatch.setitem(ctx.config, "DB_STATEMENT_TIMEOUT_MS", limit)
    seen = []

    def search(*args, **kwargs):
        seen.append(db.session.scalar(sa.text("SHOW statement_timeout")))
        raise browse.ValidationFailed("stop", {})
    monkeypatch.setattr(browse, "search_demands", search)
    client.get("/api/v1/demands")
    assert seen == [shown]
    with db.engine.connect() as conn:  # a connection back in the pool carries no limit
        assert conn.scalar(sa.text("SHOW statement_timeout")) == "0"


def test_work_outside_requests_is_not_limited(ctx, monkeypatch):
    """Migrations, seeding and rebuilding the index run as long as they need."""
    monkeypatch.setitem(ctx.config, "DB_STATEMENT_TIMEOUT_MS", 1)
    if db.engine.dialect.name == "postgresql":
        assert db.session.execute(sa.text("SELECT pg_sleep(0.2), 1")).all()[0][1] == 1
    else:
        count = sa.text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) "
                        "SELECT count(*) FROM c")
        assert db.session.scalar(count) == 2000000
    db.session.rollback()


@pytest.mark.parametrize("path", ["/demands/", "/results/", "/search", "/api/v1/demands", "/api/v1/search"])
def test_an_over_long_query_string_is_refused(client, path):
    ok = client.get(path, query_string={"q": "电" * 450})  # 4,050 bytes: within the limit
    assert ok.status_code in (200, 422)
    response = client.get(path, query_string={"q": "电" * 460})  # 4,142 bytes
    assert response.status_code == 414
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "query_too_long"
    else:
        assert "查询参数过长" in response.get_data(as_text=True)


def test_the_query_string_limit_is_configurable(client, ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "MAX_QUERY_STRING", 100)
    assert client.get("/demands/", query_string={"q": "a" * 90}).status_code == 200
    assert client.get("/demands/", query_string={"q": "a" * 100}).status_code == 414


def words(n: int, sep: str = " ") -> str:
    return sep.join(f"电池{i}" for i in range(n))


@pytest.mark.parametrize("path", ["/demands/", "/results/", "/api/v1/demands", "/api/v1/results"])
def test_a_keyword_filter_of_too_many_words_is_refused(client, path):
    owner = make_user()
    make_demand(owner, title="电池1 热管理", status="published")
    assert client.get(path, query_string={"q": words(browse.MAX_KEYWORD_TERMS)}).status_code == 200
    for sep in (" ", "，", ",", "、"):
        response = client.get(path, query_string={"q": words(browse.MAX_KEYWORD_TERMS + 1, sep)})
        assert response.status_code == 422, sep
        if path.startswith("/api/"):
            error = response.get_json()["error"]
            assert error["code"] == "validation_error"
            assert error["fields"]["q"] == "最多 24 个词（现有 25 个）。"
        else:
            assert "关键词过多" in response.get_data(as_text=True)


def test_keyword_terms_split_on_spaces_and_punctuation():
    assert browse.keyword_terms("电池 热失控，预警、储能;BMS") == ["电池", "热失控", "预警", "储能", "BMS"]
    assert browse.keyword_terms("锂离子电池热失控预警") == ["锂离子电池热失控预警"]
    assert browse.keyword_terms("  ") == []


def test_the_statistics_are_computed_outside_the_limit_on_a_cold_cache(client, ctx, monkeypatch):
    """At a million listings the statistics take seconds: computed once (then kept), never cut off."""
    from marketplace.services import stats

    monkeypatch.setitem(ctx.config, "DB_STATEMENT_TIMEOUT_MS", 300)  # the request's other statements fit
    real = stats.funnel
    seen = []

    def slow_funnel(*args, **kwargs):  # well over 200 ms: cut off unless the limit is lifted
        if db.engine.dialect.name == "postgresql":
            seen.append(db.session.scalar(sa.text("SHOW statement_timeout")))
            db.session.execute(sa.text("SELECT pg_sleep(0.6)"))
        else:
            count = sa.text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) "
                            "SELECT count(*) FROM c")
            assert db.session.scalar(count) == 2000000
        return real(*args, **kwargs)
    monkeypatch.setattr(stats, "funnel", slow_funnel)
    response = client.get("/api/v1/stats")
    assert response.status_code == 200 and "demands" in response.get_json()
    if db.engine.dialect.name == "postgresql":
        assert seen == ["0"]


def test_the_limit_returns_after_the_unlimited_work(client, ctx, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    from marketplace.request_limits import unlimited

    monkeypatch.setitem(ctx.config, "DB_STATEMENT_TIMEOUT_MS", 4321)
    seen = []

    def search(*args, **kwargs):
        seen.append(db.session.scalar(sa.text("SHOW statement_timeout")))
        with unlimited():
            seen.append(db.session.scalar(sa.text("SHOW statement_timeout")))
        seen.append(db.session.scalar(sa.text("SHOW statement_timeout")))
        raise browse.ValidationFailed("stop", {})
    monkeypatch.setattr(browse, "search_demands", search)
    client.get("/api/v1/demands")
    assert seen == ["4321ms", "0", "4321ms"]
