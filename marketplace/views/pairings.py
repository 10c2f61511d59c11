"""Pairings (对接): my pairings, propose, answer, withdraw, the message thread; the confidentiality
undertaking and the access log of confidential demands."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from models import Side, commit_keeping_loaded, db, utcnow
from ..extensions import match_index
from ..forms import ActionForm, apply_errors
from ..forms.pairings import DeclineForm, MessageForm, ProposeForm
from ..ratelimits import message_limit, proposal_limit
from ..security import actor, role_required
from ..services import confidentiality, pairing_messages, pairing_views, pairings
from ..services.errors import Conflict, ValidationFailed
from ..services.poc.engagements import validation_state
from . import claim_submission, page_args, remember_submission, run_action

bp = Blueprint("pairings", __name__)
_OWN_LABEL = {Side.DEMAND: "用本机构的哪项需求对接", Side.RESULT: "用本机构的哪项成果对接"}


def _detail_url(pairing_id: int, anchor: str | None = None) -> str:
    return url_for("pairings.detail", pairing_id=pairing_id, _anchor=anchor)


def _arg_id(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None  # "²".isdigit() is True


@bp.get("/pairings/")
@role_required()
def list_pairings():
    """我的对接: incoming and outgoing proposals by status, overdue ones flagged (sweeps first)."""
    direction, status = request.args.get("direction", "all"), request.args.get("status", "")
    page = pairing_views.list_pairings(actor(), direction, status, *page_args(request.args))
    commit_keeping_loaded()  # the lazy sweep's expiries and overdue flags; the rows stay loaded
    return render_template("pairings/list.html", page=page, direction=direction, status=status,
                           now=utcnow(), directions=pairing_views.DIRECTIONS)


@bp.route("/pairings/new", methods=["GET", "POST"])
@role_required()
@proposal_limit
def new():
    """Propose a pairing (reached with ?demand_id= and/or ?result_id= from a listing or a suggestion)."""
    choice = pairing_views.proposal_context(actor(), _arg_id("demand_id"), _arg_id("result_id"))
    form = ProposeForm(own_id=choice.selected).set_own(choice.own, _OWN_LABEL[choice.side])
    if form.validate_on_submit():
        pair = (form.own_id.data, choice.target.id) if choice.side is Side.DEMAND else (choice.target.id, form.own_id.data)
        return _propose(form, choice, *pair)
    return render_template("pairings/form.html", form=form, choice=choice,
                           days=current_app.config["PAIRING_RESPONSE_DAYS"]), 422 if form.errors else 200


def _propose(form, choice, demand_id: int, result_id: int):
    """Create the proposal; a pair that already has one leads to it, other refusals re-show the form."""
    days = current_app.config["PAIRING_RESPONSE_DAYS"]
    claim, repeated = claim_submission()
    if repeated is not None:
        return repeated
    try:
        pairing = pairings.propose_pairing(actor(), demand_id, result_id, form.message.data, match_index(), days)
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        existing = pairing_views.existing_pairing(actor(), demand_id, result_id)
        if isinstance(error, Conflict) and existing is not None:
            flash(error.message, "info")
            return redirect(_detail_url(existing.id))
        for message in apply_errors(form, error.fields) or [error.message]:
            flash(message, "error")
        return render_template("pairings/form.html", form=form, choice=choice, days=days), error.status
    location = remember_submission(claim, _detail_url(pairing.id))
    db.session.commit()
    flash(f"对接请求已发送，对方需在 {days} 天内回复。", "success")
    return redirect(location)


@bp.get("/pairings/<int:pairing_id>")
@role_required()
def detail(pairing_id: int):
    """One pairing: status, proposer, score at proposal, answer buttons and the message thread."""
    viewer = actor()
    shown = pairing_views.pairing_detail(viewer, pairing_id)
    page, per_page = page_args(request.args)
    if "page" not in request.args:  # a thread opens on its newest messages
        page = pairing_messages.last_page(viewer, pairing_id, per_page)
    thread = pairing_messages.list_messages(viewer, pairing_id, page, per_page)
    return render_template("pairings/detail.html", shown=shown, pairing=shown.pairing, thread=thread,
                           decline_form=DeclineForm(), message_form=MessageForm(), action_form=ActionForm(),
                           expires_at=pairings.expires_at(shown.pairing),
                           validation=validation_state(viewer, shown.pairing))


@bp.post("/pairings/<int:pairing_id>/accept")
@role_required()
def accept(pairing_id: int):
    """The other side accepts."""
    return run_action(lambda: pairings.accept_pairing(actor(), pairing_id),
                      "已接受对接，可以在下方与对方沟通。", _detail_url(pairing_id))


@bp.post("/pairings/<int:pairing_id>/decline")
@role_required()
def decline(pairing_id: int):
    """The other side declines with a reason the proposer sees."""
    form = DeclineForm()
    return run_action(lambda: pairings.decline_pairing(actor(), pairing_id, form.reason.data, form.reason_text.data),
                      "已婉拒，对方会看到您选择的原因。", _detail_url(pairing_id))


@bp.post("/pairings/<int:pairing_id>/withdraw")
@role_required()
def withdraw(pairing_id: int):
    """The proposer's side withdraws an unanswered proposal."""
    return run_action(lambda: pairings.withdraw_pairing(actor(), pairing_id), "对接请求已撤回。",
                      _detail_url(pairing_id))


@bp.post("/pairings/<int:pairing_id>/messages")
@role_required()
@message_limit
def post_message(pairing_id: int):
    """A party writes in the thread."""
    form = MessageForm()
    thread = _detail_url(pairing_id, "thread")
    claim, repeated = claim_submission()
    if repeated is not None:
        return repeated

    def post():
        pairing_messages.post_message(actor(), pairing_id, form.body.data)
        remember_submission(claim, thread)
    return run_action(post, "消息已发送。", thread)


@bp.post("/demands/<int:demand_id>/undertaking")
@role_required()
def undertaking(demand_id: int):
    """Accept the confidentiality undertaking of a confidential demand (one click)."""
    return run_action(lambda: confidentiality.accept_undertaking(actor(), demand_id),
                      "已签署保密承诺：需求详情对本机构开放后（对接成功，或参与其概念验证征集），每次查看都会记录在发布方的访问日志中。",
                      url_for("demands.detail", demand_id=demand_id))


@bp.get("/demands/<int:demand_id>/access-log")
@role_required()
def access_log(demand_id: int):
    """Who read the confidential details of the owner's demand, newest first."""
    demand, page = confidentiality.access_log(actor(), demand_id, *page_args(request.args))
    return render_template("pairings/access_log.html", demand=demand, page=page)
