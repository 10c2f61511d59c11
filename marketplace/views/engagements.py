"""Engagements (验证项目): my engagements, one engagement's page (parties, progress, agreement and
signatures, milestones, report), the printable agreement, signing, and the report's answers.
Milestone actions and deliverable files are in views/milestones.py."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from models import EngagementStatus, db
from ..forms.poc import DecisionForm, DeliverForm, ReportForm, ReturnReportForm, SignForm
from ..forms import apply_errors
from ..ratelimits import signing_limit  # shared with the API: one count per person
from ..security import actor, role_required
from ..services.errors import Conflict, ValidationFailed
from ..services.poc import agreements, engagements, reports
from ..services.poc.engagement_views import agreement_view, engagement_page
from . import page_args, run_action

bp = Blueprint("engagements", __name__, url_prefix="/engagements")
# Signing re-enters the password: every attempt counts, shared with POST /api/v1/engagements/{id}/sign.


def detail_url(engagement_id: int, anchor: str | None = None) -> str:
    return url_for("engagements.detail", engagement_id=engagement_id, _anchor=anchor)


def render_engagement(engagement_id: int, status: int = 200, *, deliver: dict | None = None,
                      decide: dict | None = None, **forms):
    """The engagement page; a form sent back with errors replaces its empty twin (same prefix)."""
    page = engagement_page(actor(), engagement_id)
    ids = [m.id for m in page.engagement.milestones]
    deliver_forms = {mid: DeliverForm(formdata=None, prefix=f"deliver-{mid}") for mid in ids} | (deliver or {})
    decide_forms = {mid: DecisionForm(formdata=None, prefix=f"decide-{mid}") for mid in ids} | (decide or {})
    forms = {"sign_form": SignForm(formdata=None), "report_form": _report_form(page.report),
             "return_form": ReturnReportForm(formdata=None)} | forms
    return render_template("engagements/detail.html", page=page, e=page.engagement, deliver_forms=deliver_forms,
                           decide_forms=decide_forms, **forms), status


def _report_form(report) -> ReportForm:
    """The report form, filled with the report that was sent back (to revise it)."""
    if report is None:
        return ReportForm(formdata=None)
    return ReportForm(formdata=None, data={
        "technical_verdict": report.technical_verdict.value, "market_verdict": report.market_verdict.value,
        "trl_before": str(report.trl_before), "trl_after": str(report.trl_after),
        "recommendation": report.recommendation.value, "summary": report.summary, "evidence": report.evidence})


def refused(error, engagement_id: int, form, **forms):
    """A refusal: field errors re-show the page with ``form``; state conflicts come back as a message."""
    db.session.rollback()
    if isinstance(error, Conflict):
        flash(" ".join([error.message, *error.fields.values()]), "error")
        return redirect(detail_url(engagement_id))
    for message in [error.message, *apply_errors(form, error.fields)]:
        flash(message, "error")
    return render_engagement(engagement_id, error.status, **forms)


@bp.get("/")
@role_required()
def list_engagements():
    """The engagements my organization is a party to (operators: all), by status."""
    status = request.args.get("status", "")
    status = status if status in EngagementStatus.codes() else ""
    page = engagements.engagements_of(actor(), *page_args(request.args), status=status)
    return render_template("engagements/list.html", page=page, status=status, statuses=EngagementStatus)


@bp.get("/<int:engagement_id>")
@role_required()
def detail(engagement_id: int):
    """The engagement: parties, progress, agreement and signatures, milestones, report."""
    return render_engagement(engagement_id)


@bp.get("/<int:engagement_id>/agreement")
@role_required()
def agreement(engagement_id: int):
    """The frozen agreement, printable, with its hash, chain position and signatures."""
    return render_template("engagements/agreement.html", view=agreement_view(actor(), engagement_id))


@bp.post("/<int:engagement_id>/sign")
@role_required()
@signing_limit
def sign(engagement_id: int):
    """A party signs the agreement by re-entering its password."""
    form = SignForm()
    if not form.validate_on_submit():
        return render_engagement(engagement_id, 422, sign_form=form)
    try:
        agreements.sign_agreement(actor(), engagement_id, form.password.data,
                                  current_app.config["AGREEMENT_SECRET"])
    except (ValidationFailed, Conflict) as error:
        return refused(error, engagement_id, form, sign_form=form)
    db.session.commit()
    flash("已签署协议。三方签署后验证项目正式开始。", "success")
    return redirect(detail_url(engagement_id, "agreement"))


@bp.post("/<int:engagement_id>/report")
@role_required()
def file_report(engagement_id: int):
    """The center files the validation report once every milestone is approved."""
    form = ReportForm()
    if not form.validate_on_submit():
        return render_engagement(engagement_id, 422, report_form=form)
    try:
        reports.file_report(actor(), engagement_id, form.to_service_data())
    except (ValidationFailed, Conflict) as error:
        return refused(error, engagement_id, form, report_form=form)
    db.session.commit()
    flash("验证报告已提交，等待需求企业和成果方确认。", "success")
    return redirect(detail_url(engagement_id, "report"))


@bp.post("/<int:engagement_id>/report/accept")
@role_required()
def accept_report(engagement_id: int):
    """The enterprise or the institution accepts the report; the second acceptance completes."""
    return run_action(lambda: reports.accept_report(actor(), engagement_id), "已确认验证报告。",
                      detail_url(engagement_id, "report"))


@bp.post("/<int:engagement_id>/report/return")
@role_required()
def return_report(engagement_id: int):
    """The enterprise or the institution sends the report back with a comment."""
    form = ReturnReportForm()
    if not form.validate_on_submit():
        return render_engagement(engagement_id, 422, return_form=form)
    try:
        reports.return_report(actor(), engagement_id, form.comment.data)
    except (ValidationFailed, Conflict) as error:
        return refused(error, engagement_id, form, return_form=form)
    db.session.commit()
    flash("已退回验证报告，验证中心会看到您的意见。", "success")
    return redirect(detail_url(engagement_id, "report"))
