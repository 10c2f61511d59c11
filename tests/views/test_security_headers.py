"""Security headers on every response, Secure cookies over HTTPS, no inline script or style in
any template (the Content-Security-Policy allows this origin's files only)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from marketplace.headers import CONTENT_SECURITY_POLICY, HSTS
from tests.factories import PASSWORD, make_demand, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/", "/demands/", "/auth/login", "/stats/", "/demands/999999", "/api/v1/demands",
                                  "/api/v1/demands/999999", "/api/v1/openapi.json", "/static/app.css", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (path, name)
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would be ignored
    response.close()


def test_the_policy_allows_only_this_origin():
    policy = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_https_gets_hsts_and_secure_cookies(client):
    response = client.get("/auth/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == HSTS
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("innobridge_session=") and "Secure" in cookie and "HttpOnly" in cookie


def test_plain_http_cookies_are_not_secure_in_development(client):
    cookie = client.get("/auth/login").headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_login_over_https_sets_a_secure_session(client, ctx):
    user = make_user()
    page = client.get("/auth/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", base_url="https://localhost",
                           headers={"Referer": "https://localhost/auth/login"},  # checked over HTTPS
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert "Secure" in response.headers["Set-Cookie"]


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts(tmp_path):
    from marketplace import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "TRUSTED_PROXIES": 1, "MATCH_INDEX_DIR": "",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/proxy.db"})
    proxied = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["Strict-Transport-Security"] == HSTS
    untrusted = create_app({"TESTING": True, "SECRET_KEY": "x", "MATCH_INDEX_DIR": "",
                            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/direct.db"})
    direct = untrusted.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in direct.headers  # anyone could send the header


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize("template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_no_template_holds_inline_script_or_style(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert found == [], f"{template}: {found} (blocked by the Content-Security-Policy)"


def test_confirmations_are_data_attributes_run_by_the_static_script(client, ctx):
    owner = make_user()
    demand = make_demand(owner, title="电池热失控预警")
    from tests.factories import login
    login(client, owner)
    page = client.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert 'data-confirm="' in page
    assert '<script src="/static/app.js" defer></script>' in page
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "data-confirm" in script.get_data(as_text=True)
    script.close()


def test_bar_widths_are_classes(client, ctx):
    page = client.get("/stats/").get_data(as_text=True)
    assert '<svg class="chart chart-funnel"' in page and "style=" not in page  # charts: SVG attributes, classes
    css = client.get("/static/app.css")
    text = css.get_data(as_text=True)
    css.close()
    assert ".w-0{width:0%}" in text and ".w-37{width:37%}" in text and ".w-100{width:100%}" in text


def test_markup_in_what_people_write_comes_back_escaped(client, ctx):
    owner = make_user()
    markup = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    demand = make_demand(owner, title=f"电池{markup}", description=f"热失控预警。{markup}", keywords=["电池"],
                         status="published")
    for path in (f"/demands/{demand.id}", "/demands/", "/demands/?q=电池", "/search?q=电池", "/"):
        page = client.get(path).get_data(as_text=True)
        assert "电池" in page, path
        assert '<script>alert("x")' not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;" in page, path
