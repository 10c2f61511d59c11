"""HTTP caching where it pays (docs/deployment.md, "HTTP caching"): every successful GET gets a
weak ETag and is answered 304 Not Modified when the client already holds that version.

- A visitor who sends no cookie and no token sees what every such visitor sees: ``public,
  max-age=5`` (a browser or a proxy in front of the app may reuse it for seconds), ``Vary:
  Cookie, Authorization`` so it is never handed to a signed-in user.
- A signed-in request (a session cookie or a bearer token) gets ``private, no-cache``: a browser
  keeps it but asks again, and a 304 saves the transfer.
- Workspaces (messages, agreements, engagements, account pages) and every page or API answer
  that discloses a confidential demand's details get ``no-store``: nothing is written to disk.
- A response that already says how to cache it (files, static assets) is left alone.
"""
from __future__ import annotations

from flask import current_app, g, request, session

PUBLIC_MAX_AGE = 5
PRIVATE_BLUEPRINTS = frozenset({"account", "admin", "notifications", "pairings", "engagements", "milestones",
                                "validation", "bids", "watches", "auth"})


def no_store() -> None:
    """Mark this response as not to be stored anywhere (confidential details on it)."""
    g.http_no_store = True


def disclosing(demand, shown) -> None:
    """A detail page or API answer showing a confidential demand's details is never stored."""
    from models import Visibility

    if demand.visibility is Visibility.CONFIDENTIAL and shown.details:
        no_store()


def _signed_in() -> bool:
    return bool(request.headers.get("Authorization") or current_app.config["SESSION_COOKIE_NAME"] in request.cookies)


def cache_headers(response):
    if response.headers.get("Cache-Control") or response.direct_passthrough:
        return response
    if request.method not in ("GET", "HEAD") or response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"
        return response
    if response.status_code != 200:  # redirects, 304s: as they are
        return response
    sets_cookie = session.modified or "Set-Cookie" in response.headers  # the session is saved after this
    if g.get("http_no_store") or request.blueprint in PRIVATE_BLUEPRINTS:
        response.headers["Cache-Control"] = "no-store"
        return response
    if _signed_in() or sets_cookie:
        response.headers["Cache-Control"] = "private, no-cache"
    else:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    response.vary.update(("Cookie", "Authorization"))
    response.add_etag(weak=True)
    return response.make_conditional(request)


def init_app(app) -> None:
    app.after_request(cache_headers)
