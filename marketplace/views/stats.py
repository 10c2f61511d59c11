"""The public statistics page: the funnel counted from recorded events, drawn as charts, with
its tables, its definitions and a CSV download."""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from models import utcnow
from .. import charts
from ..localtime import to_local, zone
from ..public_figures import statistics
from ..services import stats_export

bp = Blueprint("stats", __name__, url_prefix="/stats")


@bp.get("/")
def index():
    """Listings, pairings and the PoC stage, the funnel from publication to validation; per field and month."""
    figures = statistics()
    poc_fields = [row for row in figures["by_field"]
                  if row["validation_requests"] or row["bids"] or any(row["engagements"].values())]
    drawn = {"funnel": charts.funnel_chart(figures["funnel"]), "fields": charts.field_chart(figures["by_field"]),
             "months": charts.month_chart(figures["by_month"])}
    return render_template("stats/index.html", figures=figures, charts=drawn, poc_fields=poc_fields,
                           zone=zone().key)


@bp.get("/export.csv")
def export_csv():
    """The overview, funnel, by-field and by-month tables as a CSV download (UTF-8 with a byte
    order mark, so Excel reads the Chinese): the page's own figures."""
    text = stats_export.csv_text(statistics(), zone().key)
    name = f"innobridge-stats-{to_local(utcnow()):%Y%m%d}.csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})
