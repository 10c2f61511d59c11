"""Security headers on every response, and cookies marked ``Secure`` whenever the request came
over HTTPS (docs/deployment.md, "Headers and cookies").

The pages run no inline script and carry no inline style (confirmations live in
static/app.js, bar widths in static classes), so the Content-Security-Policy allows only this
origin's files. HSTS is sent only over HTTPS — behind a reverse proxy that terminates TLS, set
INNOBRIDGE_TRUSTED_PROXIES so the app sees the original scheme.
"""
from __future__ import annotations

from flask import request
from flask.sessions import SecureCookieSessionInterface

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when configured (production) or when this request is HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    app.after_request(security_headers)
