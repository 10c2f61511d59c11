"""the demands' sorts by budget and by deadline, as visitors and other organizations see them (a
confidential demand's values empty), each read off an expression index: at a million listings
such a page sorted every published demand (PostgreSQL only: SQLite cannot index NULLS LAST)

Revision ID: 8d4f6b0e2a58
Revises: 7c3e5a9d1f47
Create Date: 2026-11-28 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d4f6b0e2a58'
down_revision = '7c3e5a9d1f47'
branch_labels = None
depends_on = None

LISTED = "(CASE WHEN (visibility = 'confidential') THEN NULL ELSE {} END)"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":  # SQLite cannot index NULLS LAST
        return
    op.create_index("ix_demands_status_budget_listed", "demands",
                    ["status", sa.text(LISTED.format("budget_max") + " DESC NULLS LAST"), sa.text("id DESC")])
    op.create_index("ix_demands_status_deadline_listed", "demands",
                    ["status", sa.text(LISTED.format("deadline") + " ASC NULLS LAST"), sa.text("id DESC")])


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_demands_status_deadline_listed", table_name="demands")
    op.drop_index("ix_demands_status_budget_listed", table_name="demands")
