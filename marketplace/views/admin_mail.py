"""The console's mail page: how outgoing e-mail is doing — queued, sent, failed with the error —
the job queue's failed jobs when jobs run through Redis, and 重新发送 for a failed message."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from models import MailStatus, Role
from .. import jobs
from ..security import actor, role_required
from ..services import outbound_mail
from . import page_args, run_action

bp = Blueprint("admin_mail", __name__, url_prefix="/admin/mail")


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    """Counts by state and one state's messages (failed first)."""
    status = request.args.get("status", "failed")
    page = outbound_mail.list_mail(actor(), status, *page_args(request.args))
    return render_template("admin/mail.html", page=page, status=status, counts=outbound_mail.counts(actor()),
                           retrying=outbound_mail.retrying(actor()), statuses=MailStatus, mode=jobs.mode(),
                           server=current_app.config.get("MAIL_SERVER"), failed_jobs=jobs.failed_jobs())


@bp.post("/<int:mail_id>/retry")
@role_required(Role.ADMIN)
def retry(mail_id: int):
    """Put a failed message back in the queue; it is sent after this commit."""
    def requeue():
        outbound_mail.requeue(actor(), mail_id)
        jobs.after_commit("mail.send")
    return run_action(requeue, "已重新加入发送队列。", url_for("admin_mail.index", status="failed"))
