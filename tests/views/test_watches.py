"""我的订阅 pages: save a search, watch a listing, delete, validation, and alerts fired by publishing
through the web and the API."""
import pytest

from marketplace.services import watches
from models import Notification, NotificationKind, Role, Watch, db

from ..clients import isolated_client
from ..factories import api_token, csrf_token, demand_data, login, make_demand, make_result, make_user, result_data


@pytest.fixture
def client(ctx):
    """Each request in its own app context, like separate browser requests."""
    return isolated_client(ctx)


QUERY = "锂电池 热失控 预警"


def _watches(user) -> list[Watch]:
    db.session.rollback()
    return list(db.session.scalars(db.select(Watch).where(Watch.user_id == user.id)))


def _alerts(user) -> list[Notification]:
    db.session.rollback()
    return list(db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == NotificationKind.NEW_MATCH)))


def test_detail_pages_offer_the_alert_button(client):
    demand = make_demand(make_user(), status="published")
    assert "后可订阅这条需求" in client.get(f"/demands/{demand.id}").get_data(as_text=True)
    login(client, make_user(Role.RESEARCHER))
    html = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert f'name="demand_id" value="{demand.id}"' in html and "订阅新匹配" in html


def test_watch_a_listing_from_its_page(client):
    user = make_user(Role.RESEARCHER)
    result = make_result(make_user(Role.RESEARCHER), status="published")
    login(client, user)
    token = csrf_token(client, f"/results/{result.id}")
    response = client.post("/watches/", data={"csrf_token": token, "result_id": result.id, "min_score": "70",
                                              "next": f"/results/{result.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/results/{result.id}"
    (watch,) = _watches(user)
    assert (watch.result_id, watch.min_score, watch.target.value) == (result.id, 0.7, "demand")


def test_creating_needs_csrf(client):
    user = make_user()
    login(client, user)
    response = client.post("/watches/", data={"query": QUERY, "target": "result", "min_score": "60"})
    assert response.status_code == 400 and _watches(user) == []


def test_save_a_search_from_the_search_page(client):
    user = make_user()
    login(client, user)
    html = client.get("/search?q=热失控&kind=result").get_data(as_text=True)
    assert 'name="query" value="热失控"' in html and "订阅这个搜索" in html
    assert "订阅这个搜索" in client.get("/results/?q=热失控").get_data(as_text=True)
    assert "订阅这个搜索" not in client.get("/results/").get_data(as_text=True)
    token = csrf_token(client, "/search?q=热失控&kind=result")
    client.post("/watches/", data={"csrf_token": token, "query": "热失控", "target": "result", "field": "",
                                   "min_score": "50", "next": "/search?q=热失控&kind=result"})
    (watch,) = _watches(user)
    assert (watch.query_text, watch.target.value, watch.field_code, watch.min_score) == ("热失控", "result", None, 0.5)
    assert "热失控" in client.get("/watches/").get_data(as_text=True)


def test_bad_input_on_the_watches_page_is_shown_on_the_form(client):
    user = make_user()
    login(client, user)
    token = csrf_token(client, "/watches/")
    response = client.post("/watches/", data={"csrf_token": token, "query": "  ", "target": "result", "min_score": "60"})
    assert response.status_code == 422 and "请输入要订阅的关键词" in response.get_data(as_text=True)
    response = client.post("/watches/", data={"csrf_token": token, "query": "电池", "target": "result", "min_score": "150"})
    assert response.status_code == 422 and _watches(user) == []


def test_bad_input_from_another_page_comes_back_there(client):
    user = make_user()
    login(client, user)
    token = csrf_token(client, "/watches/")
    response = client.post("/watches/", data={"csrf_token": token, "demand_id": "99999", "min_score": "60",
                                              "next": "/demands/"})
    assert response.status_code == 302 and response.headers["Location"] == "/demands/"
    assert "不存在或无权查看" in client.get("/demands/").get_data(as_text=True) and _watches(user) == []


def test_next_never_leaves_the_site(client):
    login(client, make_user())
    token = csrf_token(client, "/watches/")
    response = client.post("/watches/", data={"csrf_token": token, "query": "电池", "target": "result",
                                              "min_score": "60", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/watches/"


def test_delete_own_watch_only(client):
    owner, other = make_user(), make_user()
    watch = watches.create_watch(owner, {"query": QUERY, "target": "result"})
    db.session.commit()
    login(client, other)
    token = csrf_token(client, "/watches/")
    assert client.post(f"/watches/{watch.id}/delete", data={"csrf_token": token}).status_code == 404
    assert len(_watches(owner)) == 1
    client.post("/auth/logout", data={"csrf_token": token})
    login(client, owner)
    token = csrf_token(client, "/watches/")
    assert client.post(f"/watches/{watch.id}/delete").status_code == 400  # no CSRF token
    assert client.post(f"/watches/{watch.id}/delete", data={"csrf_token": token}).status_code == 302
    assert _watches(owner) == []


def test_publishing_on_the_web_alerts_at_once(client):
    watcher, researcher = make_user(), make_user(Role.RESEARCHER)
    watches.create_watch(watcher, {"query": QUERY, "target": "result", "min_score": 0.5})
    db.session.commit()
    login(client, researcher)
    draft = make_result(researcher)
    token = csrf_token(client, f"/results/{draft.id}")
    assert client.post(f"/results/{draft.id}/publish", data={"csrf_token": token}).status_code == 302
    (note,) = _alerts(watcher)
    assert note.link.startswith(f"/results/{draft.id}?watch=")


def test_publishing_through_the_api_alerts_at_once(client):
    watcher, enterprise = make_user(Role.RESEARCHER), make_user()
    result = make_result(watcher, status="published")
    watches.create_watch(watcher, {"result_id": result.id, "min_score": 0.3})
    db.session.commit()
    headers = api_token(client, enterprise)
    response = client.post("/api/v1/demands", json=demand_data(status="published"), headers=headers)
    assert response.status_code == 201
    (note,) = _alerts(watcher)
    assert note.link.startswith(f"/demands/{response.get_json()['id']}?watch=")
    draft = client.post("/api/v1/demands", json=demand_data(), headers=headers).get_json()
    assert len(_alerts(watcher)) == 1  # drafts are not alerted ...
    client.patch(f"/api/v1/demands/{draft['id']}", json={"status": "published"}, headers=headers)
    assert len(_alerts(watcher)) == 2  # ... until published


def test_a_failing_alert_check_does_not_break_publishing(client, monkeypatch):
    def broken(index):
        raise RuntimeError("matcher unavailable")

    monkeypatch.setattr(watches, "check_watches", broken)
    researcher = make_user(Role.RESEARCHER)
    headers = api_token(client, researcher)
    response = client.post("/api/v1/results", json=result_data(status="published"), headers=headers)
    assert response.status_code == 201 and response.get_json()["status"] == "published"


def test_absurd_numbers_are_refused_not_crashed(client):
    user = make_user()
    login(client, user)
    token = csrf_token(client, "/watches/")
    for data in ({"demand_id": str(10**20), "min_score": "60"},
                 {"query": "电池", "target": "result", "min_score": "9" * 400}):
        assert client.post("/watches/", data={"csrf_token": token, **data}).status_code == 422
    assert _watches(user) == []
