"""A version of the data statistics are counted from: every statement that writes members, memberships,
organisations or units adds a row to ``statistics_change`` (a statement-level trigger, so bulk imports add
one row per statement, not per member), and the version is the sum of the rows' weights.

Rows are appended, never updated, so concurrent writers never wait on each other here; the row becomes
visible with the writer's commit, so a reader that sees a version sees the data written before it.
Compaction folds many rows into one of the same total weight, in one transaction.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COUNTED_TABLES = ("member", "membership", "organisation", "unit")


def upgrade() -> None:
    op.create_table(
        "statistics_change",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("weight", sa.BigInteger(), server_default=sa.text("1"), nullable=False),
    )
    op.execute(
        """CREATE FUNCTION statistics_changed() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
               INSERT INTO statistics_change DEFAULT VALUES;
               RETURN NULL;
           END $$"""
    )
    for table in COUNTED_TABLES:
        op.execute(
            f"""CREATE TRIGGER {table}_statistics_changed
                AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION statistics_changed()"""
        )


def downgrade() -> None:
    for table in COUNTED_TABLES:
        op.execute(f"DROP TRIGGER {table}_statistics_changed ON {table}")
    op.execute("DROP FUNCTION statistics_changed()")
    op.drop_table("statistics_change")
