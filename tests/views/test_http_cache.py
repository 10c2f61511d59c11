"""HTTP caching: what a visitor without cookies sees is public for seconds with a weak ETag and
a 304 on a repeat; a signed-in answer is private and revalidated; workspaces and confidential
details are never stored; errors and writes are not cached."""
from __future__ import annotations

import pytest

from tests.clients import isolated_client
from models import Role
from tests.factories import api_token, login, make_demand, make_result, make_user

PUBLIC_PAGES = ["/", "/demands/", "/results/", "/demands/{demand}", "/results/{result}", "/stats/", "/search?q=电池", "/api/v1/demands", "/api/v1/results",
                "/api/v1/stats", "/api/v1/fields"]


@pytest.fixture
def published(ctx):
    owner = make_user()
    return owner, make_demand(owner, title="电池热失控预警", status="published")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_visitor_gets_a_public_copy_and_a_304_on_repeat(client, published, path):
    result = make_result(make_user(Role.RESEARCHER), title="热失控预警模型", status="published")
    path = path.format(demand=published[1].id, result=result.id)
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=5"
    assert {"Cookie", "Authorization"} <= set(first.vary)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_a_changed_page_gets_a_new_etag(client, published):
    owner, _ = published
    etag = client.get("/demands/").headers["ETag"]
    make_demand(owner, title="氢燃料电池双极板", status="published")
    response = client.get("/demands/", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "氢燃料电池双极板" in response.get_data(as_text=True)
    assert response.headers["ETag"] != etag


def test_a_signed_in_page_is_private_and_revalidated(client, published):
    owner, _ = published
    login(client, owner)
    response = client.get("/demands/")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert response.headers["ETag"]  # its forms' CSRF tokens are signed afresh: a page rarely repeats


def test_a_page_that_starts_a_session_is_not_public(client):
    response = client.get("/auth/register")  # its form's CSRF token lives in the new session
    assert response.status_code == 200
    assert "public" not in response.headers["Cache-Control"]


def test_an_api_token_answer_is_private(client, published):
    owner, _ = published
    headers = api_token(client, owner)
    other = isolated_client(client.application)
    response = other.get("/api/v1/demands?mine=1", headers=headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    again = other.get("/api/v1/demands?mine=1", headers={**headers, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/me/", "/notifications/"])
def test_workspaces_are_never_stored(client, published, path):
    owner, _ = published
    login(client, owner)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_confidential_details_are_never_stored(client, ctx):
    owner = make_user()
    secret = make_demand(owner, title="保密项目", visibility="confidential", region="秘密城市甲",
                         summary="一项电池相关的合作。", status="published")
    anonymous = client.get(f"/demands/{secret.id}")  # details hidden: an ordinary public page
    assert anonymous.headers["Cache-Control"] == "public, max-age=5"
    login(client, owner)
    page = client.get(f"/demands/{secret.id}")
    assert "秘密城市甲" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    api = isolated_client(ctx).get(f"/api/v1/demands/{secret.id}", headers=api_token(isolated_client(ctx), owner))
    assert api.get_json()["region"] == "秘密城市甲"
    assert api.headers["Cache-Control"] == "no-store"


def test_an_open_demand_is_cacheable_for_its_owner(client, published):
    owner, demand = published
    login(client, owner)
    assert client.get(f"/demands/{demand.id}").headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("path", ["/demands/999999", "/api/v1/demands/999999"])
def test_errors_are_not_stored(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_writes_are_not_stored(client):
    response = client.post("/api/v1/tokens", json={"email": "nobody@example.com", "password": "x"})
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert "public, max-age=5" != response.headers.get("Cache-Control")
    assert response.headers.get("ETag")
    response.close()
