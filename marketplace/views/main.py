"""Home page and cross-listing search."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from models import Demand, DemandStatus, Result, ResultStatus
from ..services import browse
from . import page_args

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Home: what the platform holds, the newest demands and results."""
    return render_template(
        "main/index.html",
        counts=browse.counts(),
        demands=browse.latest(Demand, DemandStatus.PUBLISHED),
        results=browse.latest(Result, ResultStatus.PUBLISHED),
    )


@bp.get("/search")
def search():
    """Keyword search over published demands or results (jieba tokens)."""
    filters = browse.ListingFilters.from_args(request.args)
    kind = "result" if request.args.get("kind") == "result" else "demand"
    page, per_page = page_args(request.args)
    found = None
    if filters.q:
        search = browse.search_results if kind == "result" else browse.search_demands
        found = search(filters, page, per_page)
    return render_template("main/search.html", filters=filters, kind=kind, found=found)


@bp.get("/healthz")
def health():
    """Liveness probe for load balancers."""
    return {"status": "ok"}
