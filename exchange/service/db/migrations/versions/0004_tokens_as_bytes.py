"""Identity tokens stored as their 32 bytes (``bytea``), not as 64 hex characters.

Every index of the identity table is keyed by the token, so the key halves: measured on 480,000 rows, the
three indexes 172 -> 106 MB (about 20 GB less at 300 million people), and claims straight to PostgreSQL
71,431 -> 81,311 a second (bench/README.md, "Exchange sync"). The API keeps speaking hex; the store converts.

The token is the identity table's partition key, which PostgreSQL does not retype in place: the old table
is locked and renamed, the table is made again under its names (same partitions, page room, indexes and
checks), filled from the old one, which is then dropped. The conflict and verification tables change the
column in place.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PARTITIONS = 16  # as 0001 made them
STATUSES = "'claimed', 'active', 'retired', 'reserved', 'transferring_out', 'ended'"
COLUMNS = (
    "province, status, gender, birth_year, education, political_status, household_type, new_employment_form, "
    "org_level, union_type, unit_nature, claimed_at, updated_at, last_seq"
)


def _rebuild_identity(token_type: str, token_from_old: str) -> None:
    # Held until the migration commits: no write can reach the old table while its rows are copied.
    op.execute("LOCK TABLE identity IN ACCESS EXCLUSIVE MODE")
    # The old table steps aside without its indexes, so the new one gets every name 0001-0003 gave.
    op.execute("ALTER TABLE identity RENAME TO identity_old")
    for remainder in range(PARTITIONS):
        op.execute(f"ALTER TABLE identity_p{remainder:02d} RENAME TO identity_old_p{remainder:02d}")
    op.execute("DROP INDEX identity_province_token, identity_unconfirmed_claim")
    op.execute("ALTER TABLE identity_old DROP CONSTRAINT identity_pkey")
    # PostgreSQL 18 names NOT NULL constraints, and a name still taken would get a suffix on the new table.
    op.execute(
        "ALTER TABLE identity_old ALTER COLUMN token DROP NOT NULL, ALTER COLUMN province DROP NOT NULL, "
        "ALTER COLUMN status DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL"
    )
    op.execute(f"""
        CREATE TABLE identity (
            token {token_type} PRIMARY KEY, province char(2) NOT NULL, status text NOT NULL,
            gender text, birth_year smallint, education text, political_status text, household_type text,
            new_employment_form text, org_level text, union_type text, unit_nature text,
            claimed_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now(), last_seq bigint,
            CONSTRAINT identity_status CHECK (status IN ({STATUSES}))
        ) PARTITION BY HASH (token)
    """)
    for remainder in range(PARTITIONS):
        op.execute(
            f"CREATE TABLE identity_p{remainder:02d} PARTITION OF identity "
            f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {remainder}) WITH (fillfactor = 80)"
        )
    op.execute(
        f"INSERT INTO identity (token, {COLUMNS}) SELECT {token_from_old}, {COLUMNS} FROM identity_old"  # noqa: S608
    )
    op.execute("DROP TABLE identity_old")
    # The two secondary indexes are built after the rows are in: one sort each instead of a row-by-row insert.
    op.execute("CREATE INDEX identity_province_token ON identity (province, token)")
    op.execute("CREATE INDEX identity_unconfirmed_claim ON identity (province, token) WHERE status = 'claimed'")


def upgrade() -> None:
    _rebuild_identity("bytea", "decode(token, 'hex')")
    op.execute("ALTER TABLE identity ADD CONSTRAINT identity_token_bytes CHECK (octet_length(token) = 32)")
    for table in ("conflict", "verification_log"):
        op.execute(f"ALTER TABLE {table} ALTER COLUMN token TYPE bytea USING decode(token, 'hex')")


def downgrade() -> None:
    for table in ("conflict", "verification_log"):
        op.execute(f"ALTER TABLE {table} ALTER COLUMN token TYPE char(64) USING encode(token, 'hex')")
    _rebuild_identity("char(64)", "encode(token, 'hex')")
