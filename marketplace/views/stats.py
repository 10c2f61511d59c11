"""The public statistics page: the funnel counted from recorded events, with its definitions."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..public_figures import statistics

bp = Blueprint("stats", __name__, url_prefix="/stats")


@bp.get("/")
def index():
    """Listings, pairings and the PoC stage, the funnel from publication to validation; per field and month."""
    figures = statistics()
    peak = max([1, *(max(m["demands"], m["results"], m["pairings"]) for m in figures["by_month"])])
    poc_fields = [row for row in figures["by_field"]
                  if row["validation_requests"] or row["bids"] or any(row["engagements"].values())]
    return render_template("stats/index.html", figures=figures, peak=peak, poc_fields=poc_fields)
