"""the lists' default order (status, newest first, ties by id) and the workspace's (organization,
last updated) each covered by one index, so a page of a large list reads twenty index entries
instead of sorting the table or a group of equal timestamps

Revision ID: 5a1c0e7d9b21
Revises: 476719d9829e
Create Date: 2026-11-28 08:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5a1c0e7d9b21'
down_revision = '476719d9829e'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("demands", "results"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_status_published_at")
            batch_op.create_index(f"ix_{table}_status_published_at", ["status", "published_at", "id"], unique=False)
            batch_op.create_index(f"ix_{table}_organization_updated", ["organization_id", "updated_at", "id"],
                                  unique=False)


def downgrade():
    for table in ("demands", "results"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_organization_updated")
            batch_op.drop_index(f"ix_{table}_status_published_at")
            batch_op.create_index(f"ix_{table}_status_published_at", ["status", "published_at"], unique=False)
