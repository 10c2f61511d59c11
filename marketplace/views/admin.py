"""The operators' console: its home (queues), organizations and their review (verify, reject
with a reason, revoke), users (find, disable, enable, move), moderation (reports,
hiding and restoring listings), the taxonomy of fields, the audit log (filter, export) and the
platform's settings."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from models import OrgKind, Role, db, utcnow
from ..forms import ActionForm
from ..security import actor, role_required
from ..services import console, join_requests, moderation, organization_review, settings, taxonomy, user_admin
from ..services import audit_log as log_reading  # the view below is called audit_log
from ..services.errors import ValidationFailed
from . import run_action, page_args
from .notifications import same_site_link

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@role_required(Role.ADMIN)
def home():
    """What waits for the operators."""
    return render_template("admin/home.html", queues=console.queues(actor()))


@bp.get("/organizations")
@role_required(Role.ADMIN)
def organizations():
    """Organizations, unverified first; filtered by review status, kind and name."""
    status, kind, q = (request.args.get(name, "") for name in ("status", "kind", "q"))
    page = organization_review.list_organizations(actor(), *page_args(request.args), status=status, kind=kind, q=q)
    return render_template("admin/organizations.html", page=page, action_form=ActionForm(),
                           status=status, kind=kind, q=q, kinds=list(OrgKind),
                           statuses=organization_review.REVIEW_STATUSES)


def _back_to_the_list() -> str:
    """The page of the organization list the action was taken on, with its filters."""
    args = {name: request.args[name] for name in ("page", "status", "kind", "q") if request.args.get(name)}
    return url_for("admin.organizations", **args)


@bp.post("/organizations/<int:organization_id>/verify")
@role_required(Role.ADMIN)
def verify(organization_id: int):
    """Mark an organization verified."""
    return run_action(lambda: organization_review.verify_organization(actor(), organization_id), "机构已认证。",
                      _back_to_the_list())


@bp.post("/organizations/<int:organization_id>/reject")
@role_required(Role.ADMIN)
def reject(organization_id: int):
    """Refuse an organization's verification, with the reason it reads."""
    return run_action(lambda: organization_review.reject_organization(actor(), organization_id, request.form.get("reason")),
                      "已驳回该机构的认证，机构会看到原因。",
                      _back_to_the_list())


@bp.post("/organizations/<int:organization_id>/revoke")
@role_required(Role.ADMIN)
def revoke(organization_id: int):
    """Take a verification back, with the reason the organization reads."""
    return run_action(lambda: organization_review.revoke_verification(actor(), organization_id, request.form.get("reason")),
                      "已撤销该机构的认证，机构会看到原因。",
                      _back_to_the_list())


# --- users ------------------------------------------------------------------------------------

@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    """Users, newest first; search by e-mail, name or organization, filter by role and status."""
    q, role, status = (request.args.get(name, "") for name in ("q", "role", "status"))
    page = user_admin.list_users(actor(), q, role, status, *page_args(request.args))
    return render_template("admin/users.html", page=page, q=q, role=role, status=status, roles=list(Role),
                           statuses=user_admin.USER_STATUSES, join_requests=join_requests.pending_for(actor()))


def _user_page(user_id: int, status: int = 200, membership_errors: dict | None = None, form: dict | None = None):
    user = user_admin.get_user(actor(), user_id)
    return render_template("admin/user.html", user=user, roles=list(Role),
                           entries=log_reading.recent_for_user(actor(), user_id),
                           membership_errors=membership_errors or {}, form=form or {}), status


@bp.get("/users/<int:user_id>")
@role_required(Role.ADMIN)
def user(user_id: int):
    """One user: account, organization, status, and the latest audit entries by or about them."""
    return _user_page(user_id)


@bp.post("/users/<int:user_id>/disable")
@role_required(Role.ADMIN)
def disable_user(user_id: int):
    """Disable an account (its sessions and tokens end now), with the reason the user reads."""
    return run_action(lambda: user_admin.disable_user(actor(), user_id, request.form.get("reason")),
                      "账号已停用：其所有登录会话和 API 令牌已失效。", url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/enable")
@role_required(Role.ADMIN)
def enable_user(user_id: int):
    """Let a disabled account sign in again."""
    return run_action(lambda: user_admin.enable_user(actor(), user_id, request.form.get("reason")),
                      "账号已恢复，用户可以重新登录。", url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/membership")
@role_required(Role.ADMIN)
def membership(user_id: int):
    """Move a user to another organization or role; a refusal shows the form again, as typed."""
    try:
        user_admin.change_membership(actor(), user_id, request.form.to_dict())
    except ValidationFailed as error:
        db.session.rollback()
        flash(error.message, "error")
        return _user_page(user_id, 422, error.fields, request.form.to_dict())
    db.session.commit()
    flash("已调整该用户的机构和角色。", "success")
    return redirect(url_for("admin.user", user_id=user_id))


# --- the audit log ----------------------------------------------------------------------------

_FILTERS = ("actor", "action", "object", "from", "to")


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log():
    """The audit log, newest first, filtered by actor, action, object and dates."""
    given = {name: request.args.get(name, "").strip() for name in _FILTERS}
    try:
        filters = log_reading.clean_filters(given)
    except ValidationFailed as error:
        return render_template("admin/audit.html", page=None, given=given, errors=error.fields,
                               kinds=log_reading.OBJECT_KINDS), 422
    page = log_reading.list_entries(actor(), filters, *page_args(request.args))
    return render_template("admin/audit.html", page=page, given=given, errors={}, kinds=log_reading.OBJECT_KINDS)


@bp.get("/audit.csv")
@role_required(Role.ADMIN)
def audit_csv():
    """The filtered log as a CSV download (UTF-8 with a byte order mark, newest first, at most
    audit_log.CSV_LIMIT rows)."""
    filters = log_reading.clean_filters({name: request.args.get(name, "") for name in _FILTERS})
    text = log_reading.csv_text(actor(), filters)
    name = f"innobridge-audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- platform settings ------------------------------------------------------------------------

@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def platform_settings():
    """The platform's settings, each with its choices; a change needs a reason for the log."""
    errors = {}
    if request.method == "POST":
        try:
            changed = settings.change(actor(), request.form.to_dict())
        except ValidationFailed as error:
            db.session.rollback()
            errors = error.fields
            flash(error.message, "error")
        else:
            db.session.commit()
            flash("设置已保存。" if changed else "设置没有变化。", "success" if changed else "info")
            return redirect(url_for("admin.platform_settings"))
    return render_template("admin/settings.html", values=settings.current(actor()), settings=settings.SETTINGS,
                           errors=errors), 422 if errors else 200


# --- moderation -------------------------------------------------------------------------------

@bp.get("/reports")
@role_required(Role.ADMIN)
def reports():
    """Reports (open first) and the hidden listings (appealed first)."""
    status = request.args.get("status", "open")
    page = moderation.list_reports(actor(), status, *page_args(request.args))
    return render_template("admin/reports.html", page=page, status=status, target_of=moderation.target_of,
                           hidden=moderation.hidden_listings(actor()))


def _back_to_reports() -> str:
    return same_site_link(request.form.get("next", "")) or url_for("admin.reports")


@bp.post("/reports/<int:report_id>/dismiss")
@role_required(Role.ADMIN)
def dismiss_report(report_id: int):
    """Close a report without action."""
    return run_action(lambda: moderation.dismiss(actor(), report_id, request.form.get("note")),
                      "举报已驳回，内容保持不变。", _back_to_reports())


@bp.post("/listings/<any(demand, result):kind>/<int:listing_id>/hide")
@role_required(Role.ADMIN)
def hide_listing(kind: str, listing_id: int):
    """Hide a listing, with the reason its owner reads."""
    return run_action(lambda: moderation.hide(actor(), kind, listing_id, request.form.get("reason")),
                      "内容已隐藏：已从列表、搜索、推荐和提醒中移除，发布方会看到原因。", _back_to_reports())


@bp.post("/listings/<any(demand, result):kind>/<int:listing_id>/restore")
@role_required(Role.ADMIN)
def restore_listing(kind: str, listing_id: int):
    """Show a hidden listing again."""
    return run_action(lambda: moderation.restore(actor(), kind, listing_id, request.form.get("note")),
                      "内容已恢复显示。", _back_to_reports())


# --- the taxonomy -----------------------------------------------------------------------------

@bp.get("/taxonomy")
@role_required(Role.ADMIN)
def fields():
    """The fields in display order with their listings' counts; add, rename, reorder, retire."""
    return render_template("admin/taxonomy.html", fields=taxonomy.fields(actor()), usage=taxonomy.usage(),
                           errors={}, form={})


@bp.post("/taxonomy")
@role_required(Role.ADMIN)
def add_field():
    """A new field at the end of the order; a refusal shows the form again, as typed."""
    try:
        field = taxonomy.add(actor(), request.form.to_dict())
    except ValidationFailed as error:
        db.session.rollback()
        flash(error.message, "error")
        return render_template("admin/taxonomy.html", fields=taxonomy.fields(actor()), usage=taxonomy.usage(),
                               errors=error.fields, form=request.form.to_dict()), 422
    db.session.commit()
    flash(f"已添加领域“{field.name_zh}”。", "success")
    return redirect(url_for("admin.fields"))


@bp.post("/taxonomy/<code>/rename")
@role_required(Role.ADMIN)
def rename_field(code: str):
    """New Chinese and English names for a field."""
    return run_action(lambda: taxonomy.rename(actor(), code, request.form.to_dict()), "名称已保存。",
                      url_for("admin.fields"))


@bp.post("/taxonomy/<code>/<any(up, down):direction>")
@role_required(Role.ADMIN)
def move_field(code: str, direction: str):
    """Move a field up or down the display order."""
    return run_action(lambda: taxonomy.move(actor(), code, direction), "顺序已调整。", url_for("admin.fields"))


@bp.post("/taxonomy/<code>/retire")
@role_required(Role.ADMIN)
def retire_field(code: str):
    """Stop offering a field in forms (its listings keep it)."""
    return run_action(lambda: taxonomy.retire(actor(), code), "领域已停用：表单不再提供，已有条目保持不变。",
                      url_for("admin.fields"))


@bp.post("/taxonomy/<code>/restore")
@role_required(Role.ADMIN)
def restore_field(code: str):
    """Offer a retired field again."""
    return run_action(lambda: taxonomy.restore(actor(), code), "领域已恢复启用。", url_for("admin.fields"))


@bp.get("/organizations/<int:organization_id>")
@role_required(Role.ADMIN)
def organization(organization_id: int):
    """One organization: review, members, every listing, pairings, engagements, history."""
    view = console.organization_file(actor(), organization_id)
    return render_template("admin/organization.html", view=view, org=view.organization)
