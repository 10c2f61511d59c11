"""an organization registered under a name like an existing one's keeps which one it looks like
(services/lookalike.py), for the operators to see

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
        batch_op.create_foreign_key(op.f("fk_organizations_similar_to_id_organizations"), "organizations",
                                    ["similar_to_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_organizations_similar_to_id_organizations"), type_="foreignkey")
        batch_op.drop_column("similar_to_id")
