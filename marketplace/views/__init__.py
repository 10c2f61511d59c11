"""Web blueprints, one per feature."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request

from models import db
from ..forms import apply_errors
from ..security import actor
from ..services import idempotency
from ..services.errors import Conflict, ValidationFailed

SUBMISSION_FIELD = "submission_token"  # a one-time token in every form that creates something


def register_views(app) -> None:
    """Register every web blueprint."""
    from . import (
        account, admin, admin_mail, attachments, auth, bids, centers, demands, email_change, engagements, mail,
        main, milestones, notifications, organizations, pairings, reports, results, stats, validation, watches,
    )

    for module in (main, auth, account, demands, results, pairings, notifications, watches, stats, admin, centers,
                   validation, bids, engagements, milestones, organizations, reports, mail, admin_mail, email_change,
                   attachments):
        app.register_blueprint(module.bp)


def page_args(args) -> tuple[int, int]:
    """(page, per_page) from query arguments, clamped to sane bounds."""
    def number(name: str, default: int) -> int:
        try:
            return int(args.get(name, default))
        except (TypeError, ValueError):
            return default

    per_page = min(max(number("per_page", current_app.config["PER_PAGE"]), 1),
                   current_app.config["MAX_PER_PAGE"])
    return min(max(number("page", 1), 1), 100_000), per_page  # a bigger offset overflows the database


def claim_submission():
    """Claim the form's one-time submission token: ``(claim, None)`` to go on (claim None when the
    form has no token), or ``(None, redirect)`` to the page the first submission with it led to —
    a double click or a resent form creates one row."""
    raw = request.form.get(SUBMISSION_FIELD, "")
    try:
        key = "form:" + idempotency.clean_key(raw[:200])
    except ValidationFailed:
        return None, None
    claimed = idempotency.claim(actor(), key, idempotency.fingerprint("POST", request.path, b""))
    if isinstance(claimed, idempotency.Replay):
        db.session.rollback()
        flash("这份表单已经提交过，以下是第一次提交的结果。", "info")
        return None, redirect(claimed.location)
    return claimed, None


def remember_submission(claim, location: str) -> str:
    """Store where a first submission led, with the create it made (same unit of work)."""
    if claim is not None:
        idempotency.record(claim, 303, location=location)
    return location


def save_listing(form, operation, *, template: str, context: dict, message: str, redirect_to, once: bool = False):
    """Run a listing service; on rule errors re-show the form with each message on its field.
    ``once``: a create, run at most once per one-time submission token."""
    claim, repeated = claim_submission() if once else (None, None)
    if repeated is not None:
        return repeated
    try:
        saved = operation()
    except ValidationFailed as error:
        db.session.rollback()
        for leftover in apply_errors(form, error.fields):
            flash(leftover, "error")
        return render_template(template, form=form, **context), 422
    location = remember_submission(claim, redirect_to(saved))
    db.session.commit()
    flash(message, "success")
    return redirect(location)


def run_action(operation, message: str, back_url: str):
    """Run a state change (status, answer, message); refusals come back as a flash message."""
    try:
        operation()
    except (Conflict, ValidationFailed) as error:
        db.session.rollback()
        flash(" ".join([error.message, *error.fields.values()]), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(back_url)
