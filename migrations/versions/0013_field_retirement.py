"""the taxonomy's fields can be retired by an operator: their listings keep them, forms no longer
offer them

Revision ID: d4e9f1a5b7c3
Revises: c3d8e0f4a692
Create Date: 2026-11-28 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e9f1a5b7c3'
down_revision = 'c3d8e0f4a692'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("fields", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("fields", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
