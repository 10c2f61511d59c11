"""API: notifications (list, unread filter, pagination, mark read, read-all) and watches."""
import pytest

from marketplace.services.activity import notify
from models import NotificationKind, Role, db

from ..clients import isolated_client
from ..factories import api_token, make_demand, make_user


@pytest.fixture
def client(ctx):
    """Each request in its own app context, like separate browser requests."""
    return isolated_client(ctx)


def _notes(user, count=1):
    notes = [notify([user], NotificationKind.MESSAGE, f"新消息 {i}", f"/pairings/{i}")[0] for i in range(count)]
    db.session.commit()
    return notes


def test_needs_a_token(client):
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/1/read").status_code == 401
    assert client.get("/api/v1/watches").status_code == 401


def test_list_shape_and_pagination(client):
    user = make_user()
    notes = _notes(user, 3)
    _notes(make_user())
    headers = api_token(client, user)
    body = client.get("/api/v1/notifications?per_page=2", headers=headers).get_json()
    assert (body["page"], body["per_page"], body["total"], body["unread"]) == (1, 2, 3, 3)
    first = body["items"][0]
    assert set(first) == {"id", "kind", "text", "link", "read", "created_at"}
    assert (first["id"], first["kind"], first["link"], first["read"]) == (notes[2].id, "message", "/pairings/2", False)
    assert first["created_at"].endswith("Z")
    assert [n["id"] for n in client.get("/api/v1/notifications?per_page=2&page=2", headers=headers).get_json()["items"]] \
        == [notes[0].id]
    assert client.get("/api/v1/notifications?per_page=101", headers=headers).status_code == 422
    assert client.get("/api/v1/notifications?page=x", headers=headers).status_code == 422


def test_mark_read_and_unread_filter(client):
    user = make_user()
    first, second = _notes(user, 2)
    headers = api_token(client, user)
    response = client.post(f"/api/v1/notifications/{first.id}/read", headers=headers)
    assert response.status_code == 200 and response.get_json()["read"] is True
    body = client.get("/api/v1/notifications?unread=1", headers=headers).get_json()
    assert [n["id"] for n in body["items"]] == [second.id] and body["unread"] == 1


def test_another_users_notification_is_404(client):
    owner, other = make_user(), make_user(Role.RESEARCHER)
    (note,) = _notes(owner)
    response = client.post(f"/api/v1/notifications/{note.id}/read", headers=api_token(client, other))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_read_all(client):
    user, other = make_user(), make_user()
    _notes(user, 2)
    _notes(other)
    headers = api_token(client, user)
    assert client.post("/api/v1/notifications/read-all", headers=headers).get_json() == {"updated": 2, "unread": 0}
    assert client.get("/api/v1/notifications?unread=1", headers=headers).get_json()["total"] == 0
    assert client.get("/api/v1/notifications?unread=1", headers=api_token(client, other)).get_json()["total"] == 1


def test_watches_create_list_delete(client):
    user = make_user()
    headers = api_token(client, user)
    response = client.post("/api/v1/watches", json={"query": "热失控 预警", "target": "result", "field": "new_energy",
                                                     "min_score": 0.6}, headers=headers)
    assert response.status_code == 201
    watch = response.get_json()
    assert watch | {"id": 0, "created_at": ""} == {"id": 0, "target": "result", "query": "热失控 预警", "demand_id": None,
                                                  "result_id": None, "field": "new_energy", "min_score": 0.6,
                                                  "created_at": ""}
    demand = make_demand(make_user(), status="published")
    alert = client.post("/api/v1/watches", json={"demand_id": demand.id}, headers=headers).get_json()
    assert (alert["target"], alert["demand_id"], alert["min_score"]) == ("result", demand.id, 0.5)
    listed = client.get("/api/v1/watches?per_page=1", headers=headers).get_json()
    assert (listed["total"], listed["items"][0]["id"]) == (2, alert["id"])
    assert client.delete(f"/api/v1/watches/{watch['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/watches", headers=headers).get_json()["total"] == 1


def test_watch_validation_and_conflict(client):
    user = make_user()
    headers = api_token(client, user)
    response = client.post("/api/v1/watches", json={"query": "", "target": "x", "min_score": 2, "field": "nope"},
                           headers=headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"query", "target", "min_score", "field"}
    draft = make_demand(make_user())
    response = client.post("/api/v1/watches", json={"demand_id": draft.id}, headers=headers)
    assert response.status_code == 422 and "demand_id" in response.get_json()["error"]["fields"]
    assert client.post("/api/v1/watches", json=[1], headers=headers).status_code == 422
    client.post("/api/v1/watches", json={"query": "电池", "target": "demand"}, headers=headers)
    again = client.post("/api/v1/watches", json={"query": "电池", "target": "demand"}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_another_users_watch_is_404(client):
    owner, other = make_user(), make_user()
    watch = client.post("/api/v1/watches", json={"query": "电池", "target": "demand"},
                        headers=api_token(client, owner)).get_json()
    assert client.delete(f"/api/v1/watches/{watch['id']}", headers=api_token(client, other)).status_code == 404
    assert client.get("/api/v1/watches", headers=api_token(client, owner)).get_json()["total"] == 1
