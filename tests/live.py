"""A live HTTP server over the test app (either backend) and a small HTTP client, for tests that
need real concurrent requests: each request runs on its own server thread, with its own app
context and database connection, as under gunicorn."""
from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass


@dataclass
class Answer:
    """What the server answered."""

    status: int
    headers: dict
    text: str

    def json(self):
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report 3xx as they are


class Browser:
    """An HTTP client with its own cookie jar (a browser) or none (an API script)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, method: str, path: str, *, json_body=None, form=None, headers=None) -> Answer:
        data, headers = None, dict(headers or {})
        if json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode())

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Answer:
        return self.request("POST", path, **kwargs)

    def form_fields(self, path: str) -> dict:
        """The hidden fields (CSRF and one-time submission tokens) of the first POST form on a page."""
        page = self.get(path).text
        found = {}
        for tag in re.findall(r"<input [^>]*>", page):
            name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
            if name and value and name.group(1) in ("csrf_token", "submission_token"):
                found.setdefault(name.group(1), value.group(1))
        return found

    def sign_in(self, email: str, password: str) -> None:
        fields = self.form_fields("/auth/login")
        answer = self.post("/auth/login", form={"email": email, "password": password, **fields})
        assert answer.status == 302, answer.text[:300]


def token_headers(base: str, email: str, password: str) -> dict:
    answer = Browser(base).post("/api/v1/tokens", json_body={"email": email, "password": password})
    assert answer.status == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def at_once(count: int, call) -> list:
    """Run ``call(i)`` for i in range(count) on as many threads, released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(i: int):
        barrier.wait(timeout=30)
        return call(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def serve(app):
    """Start a threaded server for ``app`` on a free local port; returns (base URL, stop)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
    return f"http://127.0.0.1:{server.server_port}", stop
