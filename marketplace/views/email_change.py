"""The link mailed to a new sign-in address (/account/email/confirm/<confirm_token>): a GET shows
what will change and a button (mail scanners follow links, so a GET changes nothing); the POST
makes the change. The signed link is the authority, so it works signed in or not — on the phone that
reads the new mailbox, say."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, url_for

from models import db

from ..forms import ActionForm
from ..security import actor
from ..services import credentials
from ..services.errors import ValidationFailed
from ..tokens import keep_private, read_email_change_token
from .auth import invalid_link

bp = Blueprint("email_change", __name__, url_prefix="/account/email")


def _page(status: int, **context):
    """The confirmation page (``done``: the change made; ``problem``: why it cannot be)."""
    page = render_template("email_change/confirm.html", **({"form": None, "problem": None, "done": False} | context))
    return keep_private(make_response(page, status))


@bp.route("/confirm/<confirm_token>", methods=["GET", "POST"])
def confirm(confirm_token: str):
    """Confirm the new address; afterwards only it signs in (the link then no longer works)."""
    found = read_email_change_token(confirm_token) or (None, None, None, None)
    form = ActionForm()
    try:
        user = credentials.email_change_account(*found)
        if form.validate_on_submit():
            credentials.confirm_email_change(*found)
            db.session.commit()
            if actor() is None or actor().id != user.id:  # read elsewhere (the phone): say so there
                return _page(200, done=True, new_email=user.email)
            flash(f"登录邮箱已更换为 {user.email}，今后请用它登录。", "success")
            return redirect(url_for("account.profile"))
    except credentials.InvalidLink:
        db.session.rollback()
        return invalid_link(url_for("account.profile"), "到个人资料页重新申请")
    except ValidationFailed as error:  # the address was registered by someone else meanwhile
        db.session.rollback()
        return _page(409, user=user, new_email=found[2], problem=error.message)
    return _page(200, user=user, new_email=found[2], form=form)
