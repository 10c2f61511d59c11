"""Command line: ``flask --app wsgi seed``, ``create-admin``, ``users set-password``, ``match``, ``alerts``, ``pairings``,
``agreements verify``, ``engagements sweep``, ``backup``, ``restore`` (``mail`` and ``worker`` live in
cli_mail.py; ``db upgrade`` comes from Flask-Migrate)."""
from __future__ import annotations

import os
import time

import click

from models import db
from .services import audit
from .cli_mail import mail_group, worker
from .services.errors import DomainError


def init_app(app) -> None:
    """Register the commands."""
    app.cli.add_command(seed)
    app.cli.add_command(create_admin)
    app.cli.add_command(users)
    app.cli.add_command(mail_group)
    app.cli.add_command(worker)
    app.cli.add_command(match)
    app.cli.add_command(alerts)
    app.cli.add_command(pairings)
    app.cli.add_command(agreements)
    app.cli.add_command(engagements)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("seed")
@click.option("--password", help="Password of the demo accounts (default: generated and printed).")
@click.option("--synthetic", type=click.IntRange(min=0), default=0,
              help="Also add N generated demands and N results with pairings (scale tests), then rebuild the match index.")
@click.option("--if-empty", is_flag=True, help="Only seed a database that has no accounts yet.")
def seed(password: str | None, synthetic: int, if_empty: bool) -> None:
    """Load the demo data idempotently through the services and print the demo accounts."""
    from flask import current_app

    from seeds.loader import database_is_empty, load_demo
    from seeds.synthetic import load_synthetic

    if if_empty and not database_is_empty():
        click.echo("Database already has accounts; demo data not loaded (run `flask seed` to top it up).")
        return
    from .mail import unmailed

    try:
        with audit.suppressed(), unmailed():  # the demo data is nobody's action, and nobody's mail
            report = load_demo(password, index=current_app.extensions["match_index"],
                               secret=current_app.config["AGREEMENT_SECRET"])
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.message} {error.fields}") from error
    click.echo(report.describe())
    if synthetic:
        started = time.monotonic()
        with audit.suppressed(), unmailed():
            added = load_synthetic(synthetic, progress=True, response_days=current_app.config["PAIRING_RESPONSE_DAYS"])
        click.echo(f"Synthetic data: {added} demands and {added} results added, with pairings "
                   f"({time.monotonic() - started:.0f} s).")
        # The bulk load records no listing changes (seeds/synthetic.py says why): rebuild instead.
        started, index = time.monotonic(), current_app.extensions["match_index"]
        count = index.rebuild(progress=True, workers=os.cpu_count() or 1)
        index.save()
        click.echo(f"Match index rebuilt: {count} listings" + (f", saved to {index.path}" if index.path else "")
                   + f" ({time.monotonic() - started:.0f} s); restart running workers to load it.")


def committed(operation):
    """Run a service call and commit; a refusal becomes the command's error message (exit 1)."""
    try:
        result = operation()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        raise click.ClickException(details or error.message) from error
    return result


@click.command("create-admin")
@click.argument("email")
@click.password_option("--password", prompt="Password", help="The administrator's password.")
def create_admin(email: str, password: str) -> None:
    """Create a platform operator account."""
    from .services.accounts import create_admin as create

    user = committed(lambda: create(email, password))
    click.echo(f"Administrator {user.email} created.")


@click.group("users")
def users() -> None:
    """Accounts from the command line."""


@users.command("set-password")
@click.argument("email")
@click.password_option("--password", prompt="New password", help="The new password (asked twice if not given).")
def set_password(email: str, password: str) -> None:
    """Give any account a new password; its sessions and API tokens end (the demo accounts' way back)."""
    from .services.accounts import set_password as set_it

    user = committed(lambda: set_it(email, password))
    click.echo(f"Password of {user.email} set; its sessions and API tokens have ended.")


@click.group("alerts")
def alerts() -> None:
    """Saved searches and match alerts."""


@alerts.command("check")
def check_alerts() -> None:
    """Notify watch owners of new or edited listings above their threshold (cron-safe, idempotent)."""
    from flask import current_app

    from .services.watches import check_watches

    sent = check_watches(current_app.extensions["match_index"])
    db.session.commit()
    click.echo(f"Alerts checked: {sent} notification(s) sent.")


@click.command("backup")
@click.argument("path", type=click.Path(file_okay=False))
def backup_command(path: str) -> None:
    """Back up the database, uploaded files and match index into the new folder PATH."""
    from .backup import BackupError, backup

    try:
        summary = backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup of the {summary.backend} database (schema {summary.revision}) written to {summary.path}: "
               f"{sum(summary.rows.values())} rows in {len(summary.rows)} tables, {summary.files} files.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database, uploaded files and match index with the backup in PATH."""
    from .backup import BackupError, read_manifest, restore

    try:
        manifest = read_manifest(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if not yes:
        click.confirm(f"Replace everything in the configured database, uploads and match index with the backup "
                      f"of {manifest['created_at']} ({sum(manifest['rows'].values())} rows)? Stop the web workers "
                      f"first.", abort=True)
    try:
        summary = restore(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {sum(summary.rows.values())} rows in {len(summary.rows)} tables and {summary.files} "
               f"uploaded files from {summary.path} (schema {summary.revision}). Run `flask db upgrade` if this "
               f"release is newer than the backup, then start the workers.")


@click.group("match")
def match() -> None:
    """The match index: rebuild it, re-fit its weights."""


@match.command("rebuild")
@click.option("--if-missing", is_flag=True, help="Only build when no saved index exists.")
def rebuild(if_missing: bool) -> None:
    """Fit the index on every published listing and save it for the workers to load."""
    from flask import current_app

    index = current_app.extensions["match_index"]
    if if_missing and index.path and (index.path / "state.json").exists():
        click.echo(f"Match index present at {index.path}; not rebuilt.")
        return
    count = index.rebuild(progress=True, workers=os.cpu_count() or 1)
    index.save()
    click.echo(f"Match index rebuilt: {count} listings" + (f", saved to {index.path}." if index.path else "."))


@match.command("tune")
@click.option("--dry-run", is_flag=True, help="Report the metrics without saving the new weights.")
def tune(dry_run: bool) -> None:
    """Re-fit the blend weights from recorded outcomes plus the labelled seed pairs."""
    from flask import current_app

    from seeds.loader import labelled_pairs
    from .services.tuning import collect_evidence, fit_weights

    index = current_app.extensions["match_index"]
    evidence = collect_evidence(index, labelled_pairs())
    if not evidence.ranked and not evidence.connected:
        raise click.ClickException("No evidence: load the demo data (flask seed) or record some pairing outcomes.")
    weights, before, after = fit_weights(evidence, index.weights)
    click.echo(f"Evidence: {before['labelled_demands']} labelled demands, {before['outcomes']} decided pairings.")
    for name in ("mrr@10", "r@1", "r@5", "auc"):
        click.echo(f"  {name:<7} before {before[name]!s:<8} after {after[name]!s}")
    click.echo("Weights: " + ", ".join(f"{k}={weights.get(k)}" for k in ("word", "char", "keywords", "title", "structured")))
    if weights == index.weights:
        click.echo("The current weights are already the best on this evidence; nothing changed.")
    elif dry_run:
        click.echo("Dry run: weights not saved.")
    else:
        index.save_weights(weights)
        click.echo(f"Saved to {index.path or 'this process only'}; workers pick them up at their next start.")


@click.group("pairings")
def pairings() -> None:
    """Pairings (对接): housekeeping."""


@pairings.command("sweep")
def sweep() -> None:
    """Flag proposals past their response window (both sides and operators are told) and expire
    those still unanswered a grace period later; close demands past their deadline, ask owners to
    confirm listings unconfirmed for 180 days and take off those still unconfirmed 30 days later
    (services/freshness.py); drop idempotency keys past their 24 hours. Safe to run from cron at
    any frequency."""
    from models import utcnow
    from .services.freshness import sweep_listings
    from .services.idempotency import purge_expired
    from .services.pairing_sweep import sweep as run_sweep

    now = utcnow()
    report = run_sweep(now)
    fresh = sweep_listings(now)
    purged = purge_expired(now)
    db.session.commit()
    click.echo(f"Pairings swept: {report.expired} expired, {report.flagged} flagged overdue; "
               f"listings: {fresh.closed_past_deadline} demands closed past their deadline, "
               f"{fresh.asked_to_confirm} owners asked to confirm, {fresh.taken_off} taken off unconfirmed; "
               f"{purged} expired idempotency keys dropped.")


@click.group("agreements")
def agreements() -> None:
    """The chained, signed PoC agreements (协议存证)."""


@agreements.command("verify")
def verify_agreements() -> None:
    """Recompute every agreement's hash, chain link and signatures; print one line per agreement
    and each problem found; exit non-zero when anything was edited, deleted or reordered."""
    from .services.poc.agreements import verify_chain

    checks = verify_chain()
    for check in checks:
        click.echo(f"Agreement #{check.sequence} (id {check.agreement_id}): "
                   f"{'valid' if check.valid else 'INVALID'}  hash {check.hash[:16]}…")
        for problem in check.problems:
            click.echo(f"  - {problem}")
    broken = sum(not check.valid for check in checks)
    if broken:
        raise click.ClickException(f"{broken} of {len(checks)} agreement(s) failed verification.")
    click.echo(f"{len(checks)} agreement(s) verified: the chain is intact." if checks else "No agreements yet.")


@click.group("engagements")
def engagements() -> None:
    """PoC engagements (验证项目): housekeeping."""


@engagements.command("sweep")
def sweep_engagements() -> None:
    """Flag milestones past their due date and not delivered; the three parties are told once
    (safe to run from cron at any frequency)."""
    from models import utcnow
    from .services.poc.milestones import flag_overdue

    flagged = flag_overdue(utcnow())
    db.session.commit()
    click.echo(f"Engagements swept: {len(flagged)} overdue milestone(s) flagged.")
