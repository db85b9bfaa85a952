"""Statistics rollups: every organisation keeps its subtree's current members counted by each pair of
dimensions, so a count of a province does not scan its members (DESIGN.md, Scale).

- ``statistics_counted``: what the rollups hold for each current member: the path above their union (the
  organisations whose rollups count them) and their value in every dimension, ages as on
  ``statistics_rollup_day``; a change is counted as the difference between the old and the new values.
- ``statistics_rollup``: per organisation, pair of dimensions, their two values and membership status, the
  members below the organisation (not those of its own union) and the sum of their ages.
- ``statistics_dirty``: members written since the rollups were brought up to date. Statement-level
  triggers append to it; writers never touch the rollups themselves, so they never wait on each other
  there. ``province_node.services.statistics_rollup`` folds it in before a count.

Every current member is marked here, so the first count after the upgrade builds the rollups.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DIMENSION_COLUMNS = (
    "org_level",
    "union_type",
    "unit_nature",
    "gender",
    "age_band",
    "education",
    "political_status",
    "household_type",
    "new_employment_form",
)

# Updates that change what members are counted by: the table and the columns that matter.
MARKED_UPDATES = (
    ("member", ("gender", "birth_date", "education", "political_status", "household_type", "new_employment_form")),
    ("organisation", ("path", "org_level", "union_type")),
    ("unit", ("nature",)),
)
# The current members an updated row (``changed``) concerns.
MEMBERS_OF = {
    "member": "SELECT id FROM changed",
    "organisation": "SELECT member_id FROM membership JOIN changed ON union_id = changed.id WHERE status <> 'ended'",
    "unit": "SELECT member_id FROM membership JOIN changed ON unit_id = changed.id WHERE status <> 'ended'",
}


def upgrade() -> None:
    op.create_table(
        "statistics_counted",
        sa.Column("member_id", sa.BigInteger(), primary_key=True),
        sa.Column("parent_path", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        *(sa.Column(name, sa.Text()) for name in DIMENSION_COLUMNS),
        sa.Column("age", sa.Integer()),
        sa.Column("birthday", sa.SmallInteger()),
    )
    op.create_index("statistics_counted_birthday", "statistics_counted", ["birthday"])
    op.create_table(
        "statistics_rollup",
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("pair", sa.SmallInteger(), nullable=False),
        sa.Column("key1", sa.Text()),
        sa.Column("key2", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("members", sa.BigInteger(), nullable=False),
        sa.Column("age_sum", sa.BigInteger(), nullable=False),
        sa.Column("aged", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "statistics_rollup_key",
        "statistics_rollup",
        ["organisation_id", "pair", "key1", "key2", "status"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_table("statistics_dirty", sa.Column("member_id", sa.BigInteger(), nullable=False))
    op.create_table("statistics_rollup_day", sa.Column("day", sa.Date(), primary_key=True))
    _create_triggers()
    op.execute("INSERT INTO statistics_dirty SELECT member_id FROM membership WHERE status <> 'ended'")


def _create_triggers() -> None:
    op.execute(
        """CREATE FUNCTION statistics_mark_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
               INSERT INTO statistics_dirty SELECT member_id FROM changed;
               RETURN NULL;
           END $$"""
    )
    for event, image in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        op.execute(
            f"""CREATE TRIGGER membership_statistics_{event.lower()} AFTER {event} ON membership
                REFERENCING {image} TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION statistics_mark_memberships()"""
        )
    for table, columns in MARKED_UPDATES:
        differs = " OR ".join(f"b.{column} IS DISTINCT FROM a.{column}" for column in columns)
        op.execute(
            f"""CREATE FUNCTION statistics_mark_{table}_updates() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO statistics_dirty
                    WITH changed AS (SELECT a.id FROM after_rows a JOIN before_rows b USING (id) WHERE {differs})
                    {MEMBERS_OF[table]};
                    RETURN NULL;
                END $$"""  # noqa: S608 - constant names and columns
        )
        op.execute(
            f"""CREATE TRIGGER {table}_statistics_update AFTER UPDATE ON {table}
                REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
                FOR EACH STATEMENT EXECUTE FUNCTION statistics_mark_{table}_updates()"""
        )


def downgrade() -> None:
    for table, _columns in MARKED_UPDATES:
        op.execute(f"DROP TRIGGER {table}_statistics_update ON {table}")
        op.execute(f"DROP FUNCTION statistics_mark_{table}_updates()")
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER membership_statistics_{event} ON membership")
    op.execute("DROP FUNCTION statistics_mark_memberships()")
    for table in ("statistics_rollup_day", "statistics_dirty", "statistics_rollup", "statistics_counted"):
        op.drop_table(table)
