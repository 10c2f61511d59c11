"""Sign-up, sign-in and sign-out."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from models import db
from ..ratelimits import login_limits, registration_limit
from ..forms import ActionForm, apply_errors
from ..forms.auth import LoginForm, RegisterForm
from ..security import end_session, start_session
from ..services import accounts, join_requests
from ..services.errors import Unauthorized, ValidationFailed
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
            for message in apply_errors(form, error.fields):
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
            for message in apply_errors(form, error.fields):
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


@bp.post("/logout")
def logout():
    """End the session on the server and in the browser."""
    form = ActionForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        end_session()
        db.session.commit()
        flash("您已退出登录。", "info")
    return redirect(url_for("main.index"))
