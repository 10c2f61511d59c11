"""Work that follows a commit — e-mail, alert checks — without holding up or breaking the request.

A unit of work names its follow-up jobs with ``after_commit(name)``; they are dispatched only when
its transaction commits (a rollback drops them), each name once per commit. Where they run is
``JOBS``:

- ``redis`` (the default when ``REDIS_URL`` is set): pushed to an RQ queue in Redis and run by
  ``flask worker`` processes, with retries and backoff; failed jobs stay in RQ's failed registry,
  which the console's mail page shows.
- ``after_response`` (the default otherwise): run in this process once the response has been sent
  (WSGI ``close``), so the embedded default needs no extra service.
- ``inline``: run before the response is returned (the tests, where nothing closes a response).

Outside a request (the command line, a worker, a job itself) the jobs run when the app context
ends, or are pushed to Redis. A job is a registered function of no arguments that does its own
commit and finds its own work in the database, so running it twice does no harm.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from flask_sqlalchemy.session import Session

from models import db

log = logging.getLogger(__name__)

JOBS: dict[str, Callable[[], object]] = {}
_PENDING = "jobs_pending"  # session.info: names asked for by the open transaction
QUEUE = "innobridge"  # the default name of the RQ queue (JOBS_QUEUE: several deployments on one Redis)
RETRY_INTERVALS = [10, 60, 300]  # seconds between RQ's retries of a job that raised


def job(name: str):
    """Register ``fn`` under ``name`` (a job takes no arguments)."""
    def register(fn):
        JOBS[name] = fn
        return fn
    return register


def after_commit(name: str, session=None) -> None:
    """Run job ``name`` once the current transaction commits."""
    (session or db.session).info.setdefault(_PENDING, []).append(name)


def soon(name: str) -> None:
    """Run job ``name`` as soon as this request or context is done (no transaction involved)."""
    _ready().append(name)


def _ready() -> list[str]:
    if "jobs_ready" not in g:
        g.jobs_ready = []
    return g.jobs_ready


@sa.event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    names = session.info.pop(_PENDING, None)
    if names and has_app_context():
        _ready().extend(names)


@sa.event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: its jobs will never happen
        session.info.pop(_PENDING, None)


def mode() -> str:
    """Where jobs run: ``JOBS`` if set, else ``redis`` with ``REDIS_URL``, else ``after_response``."""
    configured = current_app.config.get("JOBS") or "auto"
    if configured != "auto":
        return configured
    return "redis" if current_app.config.get("REDIS_URL") else "after_response"


def _take() -> list[str]:
    names = list(dict.fromkeys(g.pop("jobs_ready", [])))  # each name once, in order
    return names


def run(name: str) -> None:
    """Run one job now; a failure is logged and rolled back, never raised to the caller."""
    try:
        JOBS[name]()
    except Exception:  # noqa: BLE001 - a follow-up must not break what already succeeded
        db.session.rollback()
        log.exception("job %s failed; it runs again with the next commit that asks for it or from cron", name)


def run_all(names: list[str]) -> None:
    """Run ``names`` and whatever jobs their own commits ask for, until none is left."""
    rounds = 0
    while names and rounds < 10:
        for name in names:
            run(name)
        names, rounds = _take(), rounds + 1


def run_ready() -> None:
    """Run, here and now, the jobs this context's commits have asked for so far."""
    run_all(_take())


def _redis_queue():
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=5)
    return Queue(queue_name(), connection=connection)


def queue_name() -> str:
    return current_app.config.get("JOBS_QUEUE") or QUEUE


def push(names: list[str]) -> bool:
    """Put ``names`` on the Redis queue; False when Redis could not take them."""
    from rq import Retry

    try:
        queue = _redis_queue()
        for name in names:
            queue.enqueue("marketplace.jobs.perform", name, retry=Retry(max=len(RETRY_INTERVALS),
                                                                        interval=RETRY_INTERVALS),
                          job_timeout=300, failure_ttl=int(timedelta(days=7).total_seconds()))
        return True
    except Exception:  # noqa: BLE001 - Redis down: the work still happens, in this process
        log.warning("jobs: Redis unavailable, running %s in this process", ", ".join(names), exc_info=True)
        return False


def push_later(name: str, delay: timedelta) -> None:
    """In Redis mode, run ``name`` again after ``delay`` (a retry of mail that could not be sent);
    otherwise the next run or ``flask mail send`` from cron picks it up."""
    if mode() != "redis":
        return
    try:
        _redis_queue().enqueue_in(delay, "marketplace.jobs.perform", name)
    except Exception:  # noqa: BLE001
        log.warning("jobs: Redis unavailable, %s will wait for the next run", name)


def failed_jobs(limit: int = 20) -> dict | None:
    """RQ's failed jobs (Redis mode only): how many, and the latest with their error's last line."""
    if mode() != "redis":
        return None
    try:
        from rq.job import Job
        from rq.registry import FailedJobRegistry

        queue = _redis_queue()
        registry = FailedJobRegistry(queue=queue)
        ids = registry.get_job_ids(0, limit - 1)
        found = [job for job in Job.fetch_many(ids, connection=queue.connection) if job is not None]
        return {"count": registry.count, "items": [
            {"id": job.id, "name": (job.args or ["?"])[0], "ended_at": job.ended_at,
             "error": ((job.latest_result().exc_string if job.latest_result() else "") or "").strip().splitlines()[-1:]}
            for job in found]}
    except Exception as error:  # noqa: BLE001 - Redis down: say so on the page
        log.warning("jobs: Redis unavailable, failed jobs not read (%s)", error)
        return {"count": None, "items": [], "error": "Redis 无法连接，无法读取任务队列。"}


def perform(name: str) -> None:
    """The RQ entry point (in ``flask worker``, inside the app context): run the job and dispatch
    what it asked for; an exception reaches RQ, which retries and finally keeps it as failed."""
    try:
        JOBS[name]()
        follow = _take()
        if follow and not push(follow):
            run_all(follow)
    finally:
        db.session.remove()


def init_app(app) -> None:
    """Dispatch the jobs a request's commits asked for, and those of the command line."""

    @app.after_request
    def dispatch_after_request(response):
        names = _take()
        if not names:
            return response
        where = mode()
        if where == "redis" and push(names):
            return response
        if where == "inline":
            run_all(names)
            return response
        application = current_app._get_current_object()

        def after_sent() -> None:
            with application.app_context():
                run_all(names)
                db.session.remove()

        response.call_on_close(after_sent)
        return response

    @app.teardown_appcontext
    def dispatch_at_teardown(error=None):
        names = _take() if has_app_context() else []
        if names and not (mode() == "redis" and push(names)):
            run_all(names)
