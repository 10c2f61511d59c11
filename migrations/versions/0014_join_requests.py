"""requests to join an organization already on the platform, decided by its owner or an operator;
"join_request" joins the notification kinds

Revision ID: e5f0a2b6c8d4
Revises: d4e9f1a5b7c3
Create Date: 2026-11-28 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f0a2b6c8d4'
down_revision = 'd4e9f1a5b7c3'
branch_labels = None
depends_on = None

KINDS = ["pairing_proposed", "pairing_accepted", "pairing_declined", "pairing_withdrawn", "pairing_expired",
         "pairing_overdue", "message", "new_match", "validation_request", "bid_received", "bid_update",
         "bid_selected", "bid_rejected", "agreement_sign", "engagement_update", "milestone_overdue", "report_update",
         "moderation", "listing_freshness"]


def _notification_kinds(codes: list[str]) -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_notification_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notifications_notification_kind"),
                                         f"kind IN ({', '.join(repr(code) for code in codes)})")


def upgrade():
    _notification_kinds(KINDS + ["join_request"])
    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("role", sa.Enum("enterprise", "researcher", "center", "admin", name="role", native_enum=False,
                                  create_constraint=True, length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("status", sa.Enum("pending", "approved", "declined", name="join_status", native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_join_requests_organization_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_join_requests_decided_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_join_requests_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_requests")),
    )
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_requests_email"), ["email"], unique=False)
        batch_op.create_index("ix_join_requests_organization_status", ["organization_id", "status"], unique=False)


def downgrade():
    op.drop_table("join_requests")
    op.execute("DELETE FROM notifications WHERE kind = 'join_request'")
    _notification_kinds(KINDS)
