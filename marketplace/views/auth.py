"""Sign-up, sign-in, sign-out, and a forgotten password reset through a mailed link."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from models import db
from .. import account_mail
from ..ratelimits import login_limits, password_reset_limits, registration_limit
from ..forms import ActionForm, apply_errors
from ..forms.auth import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from ..security import end_session, start_session
from ..services import accounts, credentials, join_requests
from ..services.errors import Unauthorized, ValidationFailed
from ..tokens import keep_private, read_password_reset_token
from .notifications import same_site_link

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login (no open redirect)."""
    return same_site_link(target or "") or url_for("account.workspace")


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login():
    """Sign in with email and password; one message for every failure."""
    form = LoginForm()
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except Unauthorized as error:
            form.password.errors.append(error.message)
            status = 401
        else:
            start_session(user)
            db.session.commit()
            flash(f"欢迎回来，{user.display_name}。", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@registration_limit
def register():
    """Create an account and its organization, then sign in."""
    form = RegisterForm()
    if form.validate_on_submit() and form.join.data:
        try:
            join_requests.request_to_join(form.to_service_data())
        except ValidationFailed as error:
            db.session.rollback()
            for message in apply_errors(form, on_the_form(error.fields)):
                flash(message, "error")
        else:
            db.session.commit()
            flash(f"加入“{form.organization_name.data.strip()}”的申请已提交。机构负责人或平台运营人员批准后，"
                  "即可用此邮箱和密码登录。", "success")
            return redirect(url_for("auth.login"))
    elif form.validate_on_submit():
        try:
            user = accounts.register_user(form.to_service_data())
        except ValidationFailed as error:
            db.session.rollback()
            for message in apply_errors(form, on_the_form(error.fields)):
                flash(message, "error")
        else:
            start_session(user)
            db.session.commit()
            flash("注册成功，欢迎加入创新桥。", "success")
            if user.organization.similar_to is not None:
                flash(f"可能已存在：{user.organization.similar_to.name}。如果这是您所在的机构，请联系平台运营人员"
                      "将您加入该机构，不要重复注册；平台运营人员认证前会核对。", "warning")
            return redirect(url_for("account.workspace"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


def on_the_form(fields: dict[str, str]) -> dict[str, str]:
    """The service's role and organization-kind errors belong to the form's one 我是 question."""
    return {("account_type" if name in ("role", "organization.kind") else name): message
            for name, message in fields.items()}


@bp.post("/logout")
def logout():
    """End the session on the server and in the browser."""
    form = ActionForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        end_session()
        db.session.commit()
        flash("您已退出登录。", "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@password_reset_limits
def forgot():
    """Ask for a reset link: one answer whether or not the address has an (active) account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            account_mail.send_password_reset(form.email.data)
        except ValidationFailed as error:
            db.session.rollback()
            form.email.errors.append(error.fields.get("email") or error.message)
        else:
            db.session.commit()
            return render_template("auth/forgot.html", form=None, answer=account_mail.RESET_ANSWER)
    return render_template("auth/forgot.html", form=form), 400 if request.method == "POST" else 200


def invalid_link(again_url: str, again_label: str):
    """The page of a link that is tampered with, expired or already used (400)."""
    page = render_template("auth/link_invalid.html", again_url=again_url, again_label=again_label)
    return keep_private(make_response(page, 400))


@bp.route("/reset/<reset_token>", methods=["GET", "POST"])
def reset_password(reset_token: str):
    """Set a new password through a mailed link; every session and API token of the account ends."""
    found = read_password_reset_token(reset_token) or (None, None)
    form = ResetPasswordForm()
    try:
        user = credentials.reset_account(*found)
        if form.validate_on_submit():
            credentials.reset_password(*found, form.new_password.data)
            db.session.commit()
            flash("密码已重设，所有设备上的登录和 API 令牌均已失效。请用新密码登录。", "success")
            return redirect(url_for("auth.login"))
    except credentials.InvalidLink:
        db.session.rollback()
        return invalid_link(url_for("auth.forgot"), "重新获取重设链接")
    except ValidationFailed as error:
        db.session.rollback()
        apply_errors(form, error.fields)
    page = render_template("auth/reset.html", form=form, email=user.email)
    return keep_private(make_response(page, 400 if request.method == "POST" else 200))
