"""Validation requests (申请概念验证): open one on a connected pairing, its page (the pair, the
terms asked for, the bids), cancel it, compare its bids side by side, and the open requests that
fit a center best."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from models import Role, db
from ..extensions import match_index
from ..forms import apply_errors
from ..forms.poc import ValidationRequestForm
from ..security import actor, role_required
from ..services.errors import Conflict, ValidationFailed
from ..services.pairings import get_pairing
from ..services.poc import comparison, fit, requests
from ..services.poc.engagements import validation_state
from ..services.poc.request_views import request_page
from ..services.poc.workspace import live_bids_on
from . import claim_submission, page_args, remember_submission, run_action

bp = Blueprint("validation", __name__)


def detail_url(request_id: int, anchor: str | None = None) -> str:
    return url_for("validation.detail", request_id=request_id, _anchor=anchor)


@bp.route("/pairings/<int:pairing_id>/validation/new", methods=["GET", "POST"])
@role_required()
def new_request(pairing_id: int):
    """Either party of a connected pairing opens it to PoC centers."""
    pairing = get_pairing(actor(), pairing_id)
    state = validation_state(actor(), pairing)
    if state.request is not None:
        flash(f"这项对接已有验证请求（{state.request.status.label}）。", "info")
        return redirect(detail_url(state.request.id))
    form = ValidationRequestForm()
    if form.validate_on_submit():  # the service refuses what the page would not offer
        return _open(form, pairing)
    return render_template("validation/request_form.html", form=form, pairing=pairing, state=state), (
        422 if form.errors else 200)


def _open(form: ValidationRequestForm, pairing):
    claim, repeated = claim_submission()
    if repeated is not None:
        return repeated
    try:
        opened = requests.open_request(actor(), pairing.id, form.to_service_data(), match_index())
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        for message in [error.message, *apply_errors(form, error.fields)]:
            flash(message, "error")
        return render_template("validation/request_form.html", form=form, pairing=pairing,
                               state=validation_state(actor(), pairing)), error.status
    location = remember_submission(claim, detail_url(opened.id))
    db.session.commit()
    flash("已申请概念验证：符合条件的验证中心会收到通知，方案会显示在这里。", "success")
    return redirect(location)


@bp.get("/validation/requests/<int:request_id>")
@role_required()
def detail(request_id: int):
    """The request with its bids (parties: all; a center: its own) and what the viewer may do."""
    return render_template("validation/detail.html", page=request_page(actor(), request_id))


@bp.post("/validation/requests/<int:request_id>/cancel")
@role_required()
def cancel(request_id: int):
    """Either party cancels an open request; live bids are rejected with a notice."""
    return run_action(lambda: requests.cancel_request(actor(), request_id), "验证请求已取消。", detail_url(request_id))


@bp.get("/validation/requests/<int:request_id>/compare")
@role_required()
def compare(request_id: int):
    """The bids side by side, term by term (the two parties only)."""
    table = comparison.compare_bids(actor(), request_id)
    return render_template("validation/compare.html", table=table, page=request_page(actor(), request_id))


@bp.get("/validation/requests")
@role_required(Role.CENTER)
def open_requests():
    """Open requests, best fit to the viewer's center first, with the reasons."""
    page = fit.open_requests_for(actor(), match_index(), *page_args(request.args))
    bid_on = live_bids_on(actor(), (item.request.id for item in page.items))
    return render_template("validation/list.html", page=page, bid_on=bid_on)
