"""Command line of outgoing e-mail and the job queue: ``flask mail send``, ``flask mail digest``,
``flask worker`` (marketplace/mail.py, marketplace/jobs.py)."""
from __future__ import annotations

import click


@click.group("mail")
def mail_group() -> None:
    """Outgoing e-mail."""


@mail_group.command("send")
def mail_send() -> None:
    """Mail new notifications and deliver every message that is due, retries included (cron-safe)."""
    from .mail import mail_notifications, send_due

    queued = mail_notifications()
    sent = send_due(limit=10_000)
    click.echo(f"{queued} notifications mailed, {sent} messages sent.")


@mail_group.command("digest")
def mail_digest() -> None:
    """Write each person's daily digest of the notifications they get that way, then send (daily)."""
    from .mail import send_digests, send_due

    written = send_digests()
    sent = send_due(limit=10_000)
    click.echo(f"{written} digests written, {sent} messages sent.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-off runs).")
def worker(burst: bool) -> None:
    """Run queued jobs from Redis (REDIS_URL): e-mail, alert checks; retries them with backoff."""
    from flask import current_app
    from redis import Redis
    from rq import SimpleWorker

    from .jobs import queue_name

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: without Redis the jobs run inside the web workers.")
    # SimpleWorker runs each job in this process, inside this app context (no fork: a forked child
    # would inherit the parent's database connections).
    SimpleWorker([queue_name()], connection=Redis.from_url(url)).work(burst=burst, with_scheduler=True)
