"""The signed-in person's workspace (with the requests to join their organization, for its owner),
profile, password and sign-in address."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from models import Role, db
from .. import account_mail
from ..forms import apply_errors
from ..forms.auth import EmailChangeForm, PasswordForm, ProfileForm
from ..security import actor, start_session
from ..extensions import match_index
from ..ratelimits import password_change_limit
from ..services import accounts, browse, join_requests, suggestions
from ..services.poc.workspace import center_workspace, party_workspace
from ..services.errors import ValidationFailed
from . import page_args, run_action
from .notifications import same_site_link

bp = Blueprint("account", __name__, url_prefix="/me")


@bp.get("/")
@login_required
def workspace():
    """My listings (enterprise: demands, researcher: results), each with its best suggestions, and
    the proof-of-concept stage: a center's fitting requests, bids and engagements; the parties'
    engagements and the connected pairings awaiting a validation request."""
    user = actor()
    page, per_page = page_args(request.args)
    demands = browse.my_demands(user, page, per_page) if user.role is Role.ENTERPRISE else None
    results = browse.my_results(user, page, per_page) if user.role is Role.RESEARCHER else None
    own = (demands or results).items if (demands or results) else []
    center = center_workspace(user, match_index()) if user.role is Role.CENTER else None
    poc = party_workspace(user) if user.role in (Role.ENTERPRISE, Role.RESEARCHER) else None
    return render_template("account/workspace.html", demands=demands, results=results, center=center, poc=poc,
                           suggested=suggestions.for_listings(match_index(), own, user),
                           join_requests=join_requests.pending_for(user))


@bp.post("/join-requests/<int:join_request_id>/<any(approve, decline):action>")
@login_required
def decide_join_request(join_request_id: int, action: str):
    """The organization's owner (or an operator) approves or declines a request to join it."""
    back = same_site_link(request.form.get("next", "")) or url_for("account.workspace", _anchor="join-requests")
    if action == "approve":
        return run_action(lambda: join_requests.approve(actor(), join_request_id), "已批准：对方现在可以登录了。", back)
    return run_action(lambda: join_requests.decline(actor(), join_request_id, request.form.get("note")), "已婉拒该申请。", back)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Edit the display name and the organization's region."""
    user = actor()
    form = ProfileForm(obj=user, region=user.organization.region)
    if form.validate_on_submit():
        try:
            accounts.update_profile(user, form.data)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            flash("资料已保存。", "success")
            return redirect(url_for("account.profile"))
    return profile_page(user, form=form)


def profile_page(user, **forms) -> str:
    """The profile page with its three forms; ``forms`` are the ones just submitted (with errors)."""
    forms.setdefault("form", ProfileForm(formdata=None, obj=user, region=user.organization.region))
    forms.setdefault("password_form", PasswordForm(formdata=None))
    forms.setdefault("email_form", EmailChangeForm(formdata=None, prefix="change"))
    return render_template("account/profile.html", **forms)


@bp.post("/password")
@login_required
@password_change_limit
def password():
    """Change the password; every other session and token of the account is ended."""
    user = actor()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            start_session(user)
            db.session.commit()
            flash("密码已修改，其他设备上的登录已失效。", "success")
            return redirect(url_for("account.profile"))
    return profile_page(user, password_form=form), 400


@bp.post("/email-change")
@login_required
@password_change_limit  # the current password is asked for: every attempt counts, with the password changes
def email_change():
    """Ask to change the sign-in address: a confirmation link goes to the new address and a
    notice to the current one; nothing changes until the new address confirms."""
    user = actor()
    form = EmailChangeForm(prefix="change")
    if form.validate_on_submit():
        try:
            address = account_mail.send_email_change(user, form.current_password.data, form.new_email.data)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error.fields)
        else:
            db.session.commit()
            flash(f"确认链接已发送到 {address}，24 小时内有效。确认之前，登录邮箱仍是 {user.email}。", "success")
            return redirect(url_for("account.profile"))
    return profile_page(user, email_form=form), 400
