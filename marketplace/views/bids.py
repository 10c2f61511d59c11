"""Bids (验证方案): a center submits a term sheet on an open request, revises it (the form carries
the revision it was opened at; a stale one is refused) or withdraws it; each party accepts one."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from models import BidStatus, Role, db
from ..forms.poc_bids import BidForm
from ..security import actor, role_required
from ..services.errors import Conflict, PermissionDenied, ValidationFailed
from ..services.poc import bids, selection
from ..services.poc.parties import get_bid
from ..services.poc.request_views import request_page
from ..services.poc.terms import terms_of
from . import claim_submission, remember_submission, run_action
from .validation import detail_url

bp = Blueprint("bids", __name__, url_prefix="/validation")


def _render(form: BidForm, request_id: int, bid=None, status: int = 200):
    page = request_page(actor(), request_id)
    return render_template("validation/bid_form.html", form=form, page=page, req=page.request, bid=bid), status


def _refused(form: BidForm, request_id: int, error, bid=None):
    """Re-show the form with the service's refusal: field errors on their fields, the rest on top."""
    db.session.rollback()
    leftover = form.apply_errors(error.fields) if isinstance(error, ValidationFailed) else list(error.fields.values())
    for message in dict.fromkeys([error.message, *leftover]):
        flash(message, "error")
    return _render(form, request_id, bid, error.status)


@bp.route("/requests/<int:request_id>/bids/new", methods=["GET", "POST"])
@role_required(Role.CENTER)
def new(request_id: int):
    """The term sheet form for a new bid (or the reason the center cannot bid)."""
    page = request_page(actor(), request_id)
    if page.own_bid is not None:
        flash("本中心在这项请求上已有方案，可以在这里修改。", "info")
        return redirect(url_for("bids.edit", bid_id=page.own_bid.id))
    form = BidForm()
    if not form.validate_on_submit():
        return _render(form, request_id, status=422 if form.errors else 200)
    claim, repeated = claim_submission()
    if repeated is not None:
        return repeated
    try:
        bid = bids.submit_bid(actor(), request_id, form.to_service_data())
    except (ValidationFailed, PermissionDenied, Conflict) as error:
        return _refused(form, request_id, error)
    location = remember_submission(claim, detail_url(request_id, f"bid-{bid.id}"))
    db.session.commit()
    flash("验证方案已提交，需求企业和成果方会收到通知。截止前可以修改或撤回。", "success")
    return redirect(location)


@bp.route("/bids/<int:bid_id>/edit", methods=["GET", "POST"])
@role_required(Role.CENTER)
def edit(bid_id: int):
    """Revise a live bid; the form carries the revision it showed (a stale one is a 409)."""
    bid = get_bid(actor(), bid_id)
    if bid.status is not BidStatus.SUBMITTED:
        flash(f"方案当前为“{bid.status.label}”，不能再修改。", "error")
        return redirect(detail_url(bid.request_id))
    form = BidForm()
    if not form.validate_on_submit():
        form = form if form.is_submitted() else BidForm.from_terms(terms_of(bid), bid.revision)
        return _render(form, bid.request_id, bid, 422 if form.errors else 200)
    try:
        bids.revise_bid(actor(), bid_id, form.to_service_data(), form.revision.data)
    except (ValidationFailed, PermissionDenied, Conflict) as error:
        return _refused(form, bid.request_id, error, bid)
    db.session.commit()
    flash(f"方案已更新为第 {bid.revision} 版。", "success")
    return redirect(detail_url(bid.request_id, f"bid-{bid.id}"))


@bp.post("/bids/<int:bid_id>/withdraw")
@role_required(Role.CENTER)
def withdraw(bid_id: int):
    """The bidding center withdraws its bid before the deadline."""
    bid = get_bid(actor(), bid_id)
    return run_action(lambda: bids.withdraw_bid(actor(), bid_id), "方案已撤回。", detail_url(bid.request_id))


@bp.post("/bids/<int:bid_id>/accept")
@role_required()
def accept(bid_id: int):
    """The enterprise or the researcher accepts a bid; the second acceptance engages it."""
    bid = get_bid(actor(), bid_id)
    back = detail_url(bid.request_id, f"bid-{bid.id}")
    try:
        done = selection.accept_bid(actor(), bid_id)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    if done.engagement is None:
        flash(f"已代表{done.party.label}选定 {bid.center.name} 的方案，正在等待另一方确认。", "success")
        return redirect(back)
    flash("双方已选定同一方案：验证项目已建立，请三方签署协议。", "success")
    return redirect(url_for("engagements.detail", engagement_id=done.engagement.id))
