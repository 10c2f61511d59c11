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


def failed_jobs(limit: int = 20) -> dict | None:
    """RQ's failed jobs (Redis mode only): how many, and the latest with their error's last line."""
    if jobs.mode() != "redis":
        return None
    try:
        from rq.job import Job
        from rq.registry import FailedJobRegistry

        queue = jobs._redis_queue()
        registry = FailedJobRegistry(queue=queue)
        ids = registry.get_job_ids(0, limit - 1)
        found = [job for job in Job.fetch_many(ids, connection=queue.connection) if job is not None]
        return {"count": registry.count, "items": [
            {"id": job.id, "name": (job.args or ["?"])[0], "ended_at": job.ended_at,
             "error": ((job.latest_result().exc_string if job.latest_result() else "") or "").strip().splitlines()[-1:]}
            for job in found]}
    except Exception as error:  # noqa: BLE001 - Redis down: say so on the page
        current_app.logger.warning("mail page: Redis unavailable (%s)", error)
        return {"count": None, "items": [], "error": "Redis 无法连接，无法读取任务队列。"}


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    """Counts by state and one state's messages (failed first)."""
    status = request.args.get("status", "failed")
    page = outbound_mail.list_mail(actor(), status, *page_args(request.args))
    return render_template("admin/mail.html", page=page, status=status, counts=outbound_mail.counts(actor()),
                           retrying=outbound_mail.retrying(actor()), statuses=MailStatus, mode=jobs.mode(),
                           server=current_app.config.get("MAIL_SERVER"), failed_jobs=failed_jobs())


@bp.post("/<int:mail_id>/retry")
@role_required(Role.ADMIN)
def retry(mail_id: int):
    """Put a failed message back in the queue; it is sent after this commit."""
    def requeue():
        outbound_mail.requeue(actor(), mail_id)
        jobs.after_commit("mail.send")
    return run_action(requeue, "已重新加入发送队列。", url_for("admin_mail.index", status="failed"))
