"""pairings keep their two listings' organizations, each indexed with the creation time, so an
organization's pairings (its lists, its workspace) are read off an index instead of being joined
from its listings — which PostgreSQL answered by hashing the whole pairings table

Revision ID: 7c3e5a9d1f47
Revises: 6b2d1f8e0c34
Create Date: 2026-11-28 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e5a9d1f47'
down_revision = '6b2d1f8e0c34'
branch_labels = None
depends_on = None

SIDES = (("demand", "demands"), ("result", "results"))


def upgrade():
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        for side, _ in SIDES:
            batch_op.add_column(sa.Column(f"{side}_organization_id", sa.Integer(), nullable=True))
    for side, table in SIDES:
        op.execute(f"UPDATE pairings SET {side}_organization_id = (SELECT {table}.organization_id FROM {table} "
                   f"WHERE {table}.id = pairings.{side}_id)")
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        for side, _ in SIDES:
            batch_op.alter_column(f"{side}_organization_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(op.f(f"fk_pairings_{side}_organization_id_organizations"), "organizations",
                                        [f"{side}_organization_id"], ["id"])
            batch_op.create_index(f"ix_pairings_{side}_organization_created",
                                  [f"{side}_organization_id", "created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        for side, _ in SIDES:
            batch_op.drop_index(f"ix_pairings_{side}_organization_created")
            batch_op.drop_constraint(op.f(f"fk_pairings_{side}_organization_id_organizations"), type_="foreignkey")
            batch_op.drop_column(f"{side}_organization_id")
