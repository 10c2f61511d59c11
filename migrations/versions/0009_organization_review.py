"""the operators' review of organizations: an organization registered under a name like an
existing one's keeps which one it looks like (services/lookalike.py); a rejection or a revoked
verification keeps its time and the reason the organization reads

Revision ID: 9e5a7c1f3b69
Revises: 8d4f6b0e2a58
Create Date: 2026-11-28 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e5a7c1f3b69'
down_revision = '8d4f6b0e2a58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("similar_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rejected_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.String(length=500), server_default="", nullable=False))
        batch_op.create_foreign_key(op.f("fk_organizations_similar_to_id_organizations"), "organizations",
                                    ["similar_to_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("organizations", schema=None) as batch_op:  # "" filled the existing rows
        batch_op.alter_column("review_note", existing_type=sa.String(length=500), server_default=None)


def downgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_organizations_similar_to_id_organizations"), type_="foreignkey")
        batch_op.drop_column("review_note")
        batch_op.drop_column("rejected_at")
        batch_op.drop_column("similar_to_id")
