"""Web blueprints, one per feature."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template

from models import db
from ..forms import apply_errors
from ..services.errors import Conflict, ValidationFailed


def register_views(app) -> None:
    """Register every web blueprint."""
    from . import account, admin, auth, demands, main, notifications, pairings, results, stats, watches

    for module in (main, auth, account, demands, results, pairings, notifications, watches, stats, admin):
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


def save_listing(form, operation, *, template: str, context: dict, message: str, redirect_to):
    """Run a listing service; on rule errors re-show the form with each message on its field."""
    try:
        saved = operation()
    except ValidationFailed as error:
        db.session.rollback()
        for leftover in apply_errors(form, error.fields):
            flash(leftover, "error")
        return render_template(template, form=form, **context), 422
    db.session.commit()
    flash(message, "success")
    return redirect(redirect_to(saved))


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
