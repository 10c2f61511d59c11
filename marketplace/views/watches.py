"""My subscriptions (我的订阅): saved searches and listing alerts — list, create, delete."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from models import db
from ..forms import apply_errors
from ..forms.watches import THRESHOLDS, WatchForm
from ..security import actor
from ..services import watches
from ..services.errors import Conflict, ValidationFailed
from . import claim_submission, page_args, remember_submission
from .notifications import same_site_link

bp = Blueprint("watches", __name__, url_prefix="/watches")


def _render_index(form: WatchForm, status: int = 200):
    page = watches.list_watches(actor(), *page_args(request.args))
    return render_template("watches/index.html", page=page, form=form, thresholds=THRESHOLDS,
                           listings=watches.watched_listings(page.items)), status


@bp.get("/")
@login_required
def index():
    """My watches, newest first, and a form for a new saved search."""
    return _render_index(WatchForm(formdata=None, target="result"))


@bp.post("/")
@login_required
def create():
    """Save a search or a listing alert; from another page, errors come back as messages there."""
    form = WatchForm()
    back = same_site_link(form.next.data or "")
    claim, repeated = claim_submission()
    if repeated is not None:
        return repeated
    try:
        if not form.validate():
            raise ValidationFailed("订阅内容有误。", {name: errors[0] for name, errors in form.errors.items()})
        watches.create_watch(actor(), form.to_service_data())
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        if back is None:
            leftover = apply_errors(form, error.fields) if not form.errors else []
            flash(" ".join([error.message, *leftover]), "error")
            return _render_index(form, 422)
        flash(" ".join([error.message, *error.fields.values()]), "error")
        return redirect(back)
    location = remember_submission(claim, back or url_for(".index"))
    db.session.commit()
    flash("订阅已保存：有新的高匹配条目时会在“通知”中提醒您。", "success")
    return redirect(location)


@bp.post("/<int:watch_id>/delete")
@login_required
def delete(watch_id: int):
    """Delete one of my watches (the page asks for confirmation first)."""
    watches.delete_watch(actor(), watch_id)
    db.session.commit()
    flash("订阅已删除。", "success")
    return redirect(url_for(".index"))
