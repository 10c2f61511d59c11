"""moderation: reports of listings and messages; a listing an operator hid keeps when, why, the
status it had and when its owner last edited it since; "hidden" joins the listing statuses and
"moderation" the notification kinds (their CHECK constraints)

Revision ID: b2c7d9e3f581
Revises: a1f6b8d2c470
Create Date: 2026-11-28 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2c7d9e3f581'
down_revision = 'a1f6b8d2c470'
branch_labels = None
depends_on = None

# CHECK constraints of enum columns whose codes grow (old codes, new codes).
ENUM_CHECKS = [
    ("demands", "status", "ck_demands_demand_status", ["draft", "published", "closed", "fulfilled"], ["hidden"]),
    ("results", "status", "ck_results_result_status", ["draft", "published", "withdrawn", "validated"], ["hidden"]),
    ("notifications", "kind", "ck_notifications_notification_kind",
     ["pairing_proposed", "pairing_accepted", "pairing_declined", "pairing_withdrawn", "pairing_expired",
      "pairing_overdue", "message", "new_match", "validation_request", "bid_received", "bid_update",
      "bid_selected", "bid_rejected", "agreement_sign", "engagement_update", "milestone_overdue", "report_update"],
     ["moderation"]),
]


def _replace_checks(grow: bool) -> None:
    """Swap each enum's CHECK constraint for one with the grown (or, downgrading, the old) codes."""
    for table, column, name, old, new in ENUM_CHECKS:
        codes = old + new if grow else old
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(name), type_="check")
            batch_op.create_check_constraint(
                op.f(name), f"{column} IN ({', '.join(repr(code) for code in codes)})")


def upgrade():
    _replace_checks(grow=True)
    for table in ("demands", "results"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("hidden_at", sa.DateTime(), nullable=True))
            batch_op.add_column(sa.Column("hidden_reason", sa.String(length=500), server_default="", nullable=False))
            batch_op.add_column(sa.Column("hidden_from", sa.String(length=32), nullable=True))
            batch_op.add_column(sa.Column("appealed_at", sa.DateTime(), nullable=True))
        with op.batch_alter_table(table, schema=None) as batch_op:  # "" filled the existing rows
            batch_op.alter_column("hidden_reason", existing_type=sa.String(length=500), server_default=None)
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.Enum("demand", "result", "message", name="report_target", native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("status", sa.Enum("open", "actioned", "dismissed", name="moderation_status", native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], name=op.f("fk_reports_reporter_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"], name=op.f("fk_reports_resolved_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index("ix_reports_target", ["target", "target_id"], unique=False)


def downgrade():
    op.drop_table("reports")
    for table in ("demands", "results"):
        op.execute(f"UPDATE {table} SET status = hidden_from WHERE status = 'hidden'")  # back where it was
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("appealed_at")
            batch_op.drop_column("hidden_from")
            batch_op.drop_column("hidden_reason")
            batch_op.drop_column("hidden_at")
    op.execute("DELETE FROM notifications WHERE kind = 'moderation'")
    _replace_checks(grow=False)
