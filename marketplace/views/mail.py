"""E-mail settings (/me/email: each notification kind at once, in the daily digest, or not at all)
and the one-click unsubscribe link every notification mail carries."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from models import MailDelivery, NotificationKind, db
from ..extensions import csrf
from ..mail import read_unsubscribe_token
from ..security import actor
from ..services import mail_preferences
from ..services.errors import ValidationFailed

bp = Blueprint("mail", __name__)


@bp.route("/me/email", methods=["GET", "POST"])
@login_required
def settings():
    """The signed-in person's e-mail settings, one choice per notification kind."""
    user = actor()
    if request.method == "POST":
        chosen = {kind.value: request.form.get(kind.value, "") for kind in NotificationKind
                  if kind.value in request.form}
        try:
            mail_preferences.update_preferences(user, chosen)
        except ValidationFailed as error:
            db.session.rollback()
            flash(" ".join([error.message, *error.fields.values()]), "error")
            return render_template("mail/settings.html", choices=mail_preferences.preferences(user),
                                   deliveries=list(MailDelivery)), 400
        db.session.commit()
        flash("邮件设置已保存。", "success")
        return redirect(url_for("mail.settings"))
    return render_template("mail/settings.html", choices=mail_preferences.preferences(user),
                           deliveries=list(MailDelivery))


@bp.get("/mail/unsubscribe/<unsubscribe_token>")
def unsubscribe_page(unsubscribe_token: str):
    """What the link in a mail opens: which mail stops, and a button to stop it (a GET changes
    nothing: mail scanners follow links)."""
    found = read_unsubscribe_token(unsubscribe_token)
    if found is None:
        abort(404)
    user, kind = found
    return render_template("mail/unsubscribe.html", user=user, kind=kind, token=unsubscribe_token, done=False)


@bp.post("/mail/unsubscribe/<unsubscribe_token>")
@csrf.exempt  # the signed token is the authority; RFC 8058 one-click posts come from mail programs
def unsubscribe(unsubscribe_token: str):
    """Stop that kind of mail (or the digest) for the token's person."""
    found = read_unsubscribe_token(unsubscribe_token)
    if found is None:
        abort(404)
    user, kind = found
    mail_preferences.unsubscribe(user, kind)
    db.session.commit()
    return render_template("mail/unsubscribe.html", user=user, kind=kind, token=unsubscribe_token, done=True)
