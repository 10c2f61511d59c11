"""outgoing e-mail (every message written in the transaction that caused it, delivered after the
commit, retried with backoff); users' e-mail preferences per notification kind and the time of
their last daily digest

Revision ID: f6a1b3c7d9e5
Revises: e5f0a2b6c8d4
Create Date: 2026-11-28 22:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6a1b3c7d9e5'
down_revision = 'e5f0a2b6c8d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbound_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=500), nullable=False),
        sa.Column("status", sa.Enum("queued", "sending", "sent", "failed", name="mail_status", native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_outbound_emails_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_emails")),
    )
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbound_emails_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_outbound_emails_status_next", ["status", "next_attempt_at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        # empty (NULL) for the existing accounts: every kind at its default
        batch_op.add_column(sa.Column("email_preferences", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("last_digest_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_digest_at")
        batch_op.drop_column("email_preferences")
    with op.batch_alter_table("outbound_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_outbound_emails_status_next")
        batch_op.drop_index(batch_op.f("ix_outbound_emails_user_id"))
    op.drop_table("outbound_emails")
