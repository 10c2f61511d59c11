"""API: engagements — the caller's list, one engagement with its milestones, agreement, report and
progress; signing the agreement (password re-entered, rate-limited); verifying an agreement; the
validation report (filed by the center, accepted or returned by the parties)."""
from __future__ import annotations

from flask import current_app, request

from models import EngagementStatus, User, db
from ..ratelimits import signing_limit
from ..services.errors import ValidationFailed
from ..services.poc import agreements, engagements, milestones, parties, reports
from . import api_bp, current_api_user, json_body, page_json, page_params, token_required
from .poc_engagement_serializers import engagement_json, report_json, verification_json


def engagement_body(engagement, user: User) -> dict:
    """The full engagement JSON (agreement, report and progress looked up here)."""
    return engagement_json(engagement, user, agreements.agreement_of(engagement), reports.report_of(engagement),
                           milestones.progress(engagement))


@api_bp.get("/engagements")
@token_required()
def list_engagements():
    """The engagements the caller's organization is a party to (operators: all), newest first."""
    user = current_api_user()
    status = request.args.get("status", "").strip()
    if status and status not in EngagementStatus.codes():
        raise ValidationFailed("未知的状态。", {"status": "应为 " + " / ".join(EngagementStatus.codes()) + " 之一。"})
    page = engagements.engagements_of(user, *page_params(), status=status)
    return page_json(page, lambda engagement: engagement_body(engagement, user))


@api_bp.get("/engagements/<int:engagement_id>")
@token_required()
def get_engagement(engagement_id: int):
    """One engagement (the three parties, operators; others 404)."""
    user = current_api_user()
    return engagement_body(parties.get_engagement(user, engagement_id), user)


@api_bp.post("/engagements/<int:engagement_id>/sign")
@token_required()
@signing_limit
def sign_agreement(engagement_id: int):
    """The caller signs the agreement for its party, re-entering its password {password}; the
    third signature makes the engagement active."""
    user = current_api_user()
    agreements.sign_agreement(user, engagement_id, json_body().get("password"),
                              current_app.config["AGREEMENT_SECRET"])
    db.session.commit()
    return engagement_body(parties.get_engagement(user, engagement_id), user)


@api_bp.get("/agreements/<int:agreement_id>/verify")
@token_required()
def verify_agreement(agreement_id: int):
    """Recompute the agreement's hash, its links in the chain and its signatures."""
    return verification_json(agreements.verify_agreement(current_api_user(), agreement_id))


@api_bp.post("/engagements/<int:engagement_id>/report")
@token_required()
def file_report(engagement_id: int):
    """The center files (or re-files after a return) the validation report, all milestones approved."""
    user = current_api_user()
    report = reports.file_report(user, engagement_id, json_body())
    db.session.commit()
    return report_json(report, parties.get_engagement(user, engagement_id))


@api_bp.post("/engagements/<int:engagement_id>/report/accept")
@token_required()
def accept_report(engagement_id: int):
    """The enterprise or the institution accepts the report; the second acceptance completes."""
    engagement, report = reports.accept_report(current_api_user(), engagement_id)
    db.session.commit()
    return {"status": report.status.value, "engagement_status": engagement.status.value,
            "deal_amount": engagement.deal_amount, "report": report_json(report, engagement)}


@api_bp.post("/engagements/<int:engagement_id>/report/return")
@token_required()
def return_report(engagement_id: int):
    """A party sends the report back to the center with a comment {comment}."""
    user = current_api_user()
    report = reports.return_report(user, engagement_id, json_body().get("comment"))
    db.session.commit()
    return report_json(report, parties.get_engagement(user, engagement_id))
