"""listing freshness: when the owners last confirmed a listing is still current (backfilled from
its publication) and when the platform asked them (both indexed with the status, for the sweep);
"listing_freshness" joins the notification kinds

Revision ID: c3d8e0f4a692
Revises: b2c7d9e3f581
Create Date: 2026-11-28 19:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d8e0f4a692'
down_revision = 'b2c7d9e3f581'
branch_labels = None
depends_on = None

KINDS = ["pairing_proposed", "pairing_accepted", "pairing_declined", "pairing_withdrawn", "pairing_expired",
         "pairing_overdue", "message", "new_match", "validation_request", "bid_received", "bid_update",
         "bid_selected", "bid_rejected", "agreement_sign", "engagement_update", "milestone_overdue", "report_update",
         "moderation"]


def _notification_kinds(codes: list[str]) -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_notification_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notifications_notification_kind"),
                                         f"kind IN ({', '.join(repr(code) for code in codes)})")


def upgrade():
    _notification_kinds(KINDS + ["listing_freshness"])
    for table in ("demands", "results"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("stale_notified_at", sa.DateTime(), nullable=True))
        op.execute(f"UPDATE {table} SET confirmed_at = published_at")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_status_confirmed", ["status", "confirmed_at"], unique=False)
            batch_op.create_index(f"ix_{table}_status_stale", ["status", "stale_notified_at"], unique=False)


def downgrade():
    for table in ("demands", "results"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_status_stale")
            batch_op.drop_index(f"ix_{table}_status_confirmed")
            batch_op.drop_column("stale_notified_at")
            batch_op.drop_column("confirmed_at")
    op.execute("DELETE FROM notifications WHERE kind = 'listing_freshness'")
    _notification_kinds(KINDS)
