"""Reporting a listing or a message to the operators (any signed-in user)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for

from models import db
from ..ratelimits import report_limit
from ..security import actor, role_required
from ..services import moderation
from ..services.errors import Conflict, ValidationFailed
from .notifications import same_site_link

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.post("/")
@role_required()
@report_limit
def create():
    """File a report; back to the page it was filed from, saying what happens next."""
    back = same_site_link(request.form.get("next", "")) or url_for("main.index")
    try:
        moderation.report(actor(), request.form.to_dict())
    except (Conflict, ValidationFailed) as error:
        db.session.rollback()
        flash(" ".join([error.message, *error.fields.values()]), "error")
    else:
        db.session.commit()
        flash("举报已提交，平台运营人员会尽快核查。谢谢您帮助维护平台秩序。", "success")
    return redirect(back)
