"""MAX_CONTENT_LENGTH holds for chunked bodies too (no Content-Length: the server marks the
stream terminated, as gunicorn does): 413 before the body is read past the limit, for JSON and
form posts alike; within the limit a chunked body is read as usual."""
from __future__ import annotations

import io
import json

import pytest

from tests.factories import make_user

CHUNKED = {"Transfer-Encoding": "chunked"}


def chunked_post(client, path: str, body: bytes, content_type: str):
    return client.post(path, input_stream=io.BytesIO(body), content_type=content_type, headers=CHUNKED,
                       environ_overrides={"wsgi.input_terminated": True})


@pytest.mark.parametrize("path", ["/api/v1/tokens", "/api/v1/demands"])
def test_a_chunked_json_body_over_the_limit_is_413(client, path):
    body = json.dumps({"email": "a@example.com", "password": "x" * (2 * 1024 * 1024)}).encode()
    response = chunked_post(client, path, body, "application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_a_chunked_form_over_the_limit_is_413(client):
    body = ("email=a%40example.com&password=" + "x" * (2 * 1024 * 1024)).encode()
    response = chunked_post(client, "/auth/login", body, "application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "请求内容过大" in response.get_data(as_text=True)


def test_a_chunked_body_within_the_limit_is_read(client, ctx):
    user = make_user()
    from tests.factories import PASSWORD
    body = json.dumps({"email": user.email, "password": PASSWORD}).encode()
    response = chunked_post(client, "/api/v1/tokens", body, "application/json")
    assert response.status_code == 201 and response.get_json()["token"]
