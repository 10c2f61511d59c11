"""Home page and cross-listing search."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from models import Demand, DemandStatus, Result, ResultStatus
from ..extensions import match_index
from ..health import readiness
from ..public_figures import home_counts
from ..services import browse, suggestions
from . import page_args

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Home: what the platform holds, the newest demands and results."""
    return render_template(
        "main/index.html",
        counts=home_counts(),
        demands=browse.latest(Demand, DemandStatus.PUBLISHED),
        results=browse.latest(Result, ResultStatus.PUBLISHED),
    )


@bp.get("/favicon.ico")
def favicon():
    """Browsers and feed readers that ask for /favicon.ico get the site's icon (pages name it)."""
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/search")
def search():
    """Search published demands or results, ranked and explained by the matcher."""
    filters = browse.ListingFilters.from_args(request.args)
    kind = "result" if request.args.get("kind") == "result" else "demand"
    found = None
    if filters.q:
        found = suggestions.search(match_index(), filters.q, kind, filters.field, *page_args(request.args))
    return render_template("main/search.html", filters=filters, kind=kind, found=found)


@bp.get("/healthz")
def health():
    """Liveness: the process answers (marketplace/health.py)."""
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}


@bp.get("/readyz")
def ready():
    """Readiness: the database, Redis when configured, the match index (marketplace/health.py)."""
    ok, checks = readiness()
    headers = {"Cache-Control": "no-store"} | ({} if ok else {"Retry-After": "5"})
    return {"status": "ready" if ok else "not ready", "checks": checks}, 200 if ok else 503, headers
