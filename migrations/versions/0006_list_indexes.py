"""a field's list in its default order (status, field, newest first, ties by id) read off one index:
at a million listings the field-filtered list walked the newest-first index past every other
field's rows; a region filter is answered off (region, status) and the results' sorts by
maturity and price off their own indexes instead of sorting every published result; the overdue
sweep reads proposals by (status, respond_by, id), oldest first

Revision ID: 6b2d1f8e0c34
Revises: 5a1c0e7d9b21
Create Date: 2026-11-28 12:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '6b2d1f8e0c34'
down_revision = '5a1c0e7d9b21'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("demands", "results"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_status_field_published_at",
                                  ["status", "field_code", "published_at", "id"], unique=False)
            batch_op.create_index(f"ix_{table}_region_status", ["region", "status"], unique=False)
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.create_index("ix_results_status_trl", ["status", "trl", "id"], unique=False)
        batch_op.create_index("ix_results_status_asking_price", ["status", "asking_price", "id"], unique=False)
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_index("ix_pairings_status_respond_by")
        batch_op.create_index("ix_pairings_status_respond_by", ["status", "respond_by", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("results", schema=None) as batch_op:
        batch_op.drop_index("ix_results_status_asking_price")
        batch_op.drop_index("ix_results_status_trl")
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_index("ix_pairings_status_respond_by")
        batch_op.create_index("ix_pairings_status_respond_by", ["status", "respond_by"], unique=False)
    for table in ("demands", "results"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_region_status")
            batch_op.drop_index(f"ix_{table}_status_field_published_at")
