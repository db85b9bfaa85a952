"""The exchange schema: peer registry, identity index (hash-partitioned), progress, conflicts, tally,
verification log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOW = sa.text("now()")
PARTITIONS = 16  # fixed here: a later change of exchange.service.db.tables.IDENTITY_PARTITIONS needs its own migration
STATUSES = "'claimed', 'active', 'retired', 'reserved', 'transferring_out', 'ended'"
DIMENSIONS = ("gender", "birth_year", "education", "political_status", "household_type", "new_employment_form",
              "org_level", "union_type", "unit_nature")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "peer",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("provinces", postgresql.ARRAY(sa.Text()), nullable=False, server_default=sa.text("'{}'::text[]")),
        sa.Column("public_jwk", postgresql.JSONB(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('node', 'gateway')", name="peer_kind"),
    )
    op.create_table(
        "identity",
        sa.Column("token", sa.CHAR(64), primary_key=True),
        sa.Column("province", sa.CHAR(2), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        *(
            sa.Column(name, sa.SmallInteger() if name == "birth_year" else sa.Text(), nullable=True)
            for name in DIMENSIONS
        ),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("last_seq", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="identity_status"),
        postgresql_partition_by="HASH (token)",
    )
    for remainder in range(PARTITIONS):
        op.execute(
            f"CREATE TABLE identity_p{remainder:02d} PARTITION OF identity "
            f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {remainder})"
        )
    op.create_index("identity_province_token", "identity", ["province", "token"])
    op.create_table(
        "province_progress",
        sa.Column("province", sa.CHAR(2), primary_key=True),
        sa.Column("acknowledged", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        sa.Column("events_applied", sa.BigInteger(), nullable=False, server_default=sa.text("0")),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "conflict",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("token", sa.CHAR(64), nullable=False),
        sa.Column("holder", sa.CHAR(2), nullable=False),
        sa.Column("claimant", sa.CHAR(2), nullable=False),
        sa.Column("claimant_status", sa.Text(), nullable=False),
        sa.Column("claimant_dimensions", postgresql.JSONB(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.CHAR(2), nullable=True),
        sa.CheckConstraint(f"claimant_status IN ({STATUSES})", name="conflict_claimant_status"),
        sa.CheckConstraint("holder <> claimant", name="conflict_two_provinces"),
        sa.CheckConstraint("(resolved_at IS NULL) = (resolution IS NULL)", name="conflict_resolution_when_resolved"),
    )
    op.create_index(
        "conflict_open_token_claimant",
        "conflict",
        ["token", "claimant"],
        unique=True,
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_index("conflict_holder", "conflict", ["holder", "id"])
    op.create_index("conflict_claimant", "conflict", ["claimant", "id"])
    op.create_table(
        "tally",
        sa.Column("province", sa.CHAR(2), primary_key=True),
        sa.Column("dimension", sa.Text(), primary_key=True),
        sa.Column("code", sa.Text(), primary_key=True),
        sa.Column("members", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "verification_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True),
        sa.Column("peer", sa.Text(), nullable=False),
        sa.Column("token", sa.CHAR(64), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("member", sa.Boolean(), nullable=False),
        sa.Column("province", sa.CHAR(2), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )


def downgrade() -> None:
    for table in ("verification_log", "tally", "conflict", "province_progress", "identity", "peer"):
        op.drop_table(table)
