"""files attached to demands and results (stored outside the web root under server-made names)

Revision ID: a7b2c4d8e0f6
Revises: f6a1b3c7d9e5
Create Date: 2026-11-28 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7b2c4d8e0f6'
down_revision = 'f6a1b3c7d9e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "listing_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=True),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(demand_id IS NULL) <> (result_id IS NULL)",
                           name=op.f("ck_listing_attachments_one_listing")),
        sa.CheckConstraint("size > 0", name=op.f("ck_listing_attachments_size_positive")),
        sa.ForeignKeyConstraint(["demand_id"], ["demands.id"], name=op.f("fk_listing_attachments_demand_id_demands"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["result_id"], ["results.id"], name=op.f("fk_listing_attachments_result_id_results"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_listing_attachments_uploaded_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_attachments")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_listing_attachments_stored_name")),
    )
    with op.batch_alter_table("listing_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_attachments_demand_id"), ["demand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_attachments_result_id"), ["result_id"], unique=False)


def downgrade():
    with op.batch_alter_table("listing_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_attachments_result_id"))
        batch_op.drop_index(batch_op.f("ix_listing_attachments_demand_id"))
    op.drop_table("listing_attachments")
