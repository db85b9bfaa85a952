"""A province's index rows are listed through two partial indexes, one per side of a claim, instead of one index
of every row beside the index of unconfirmed claims: a claim then adds one index entry less (the key and the
unconfirmed-claims index), about a quarter of PostgreSQL's work for a claim (23 -> 18 µs of server CPU with
the unconfirmed-claims index dropped, 18 -> 12 with the listing index dropped too, bench/README.md). The
listing merges the two ordered index scans (``store.reads.identities``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX identity_registered ON identity (province, token) WHERE status <> 'claimed'")
    op.execute("DROP INDEX identity_province_token")


def downgrade() -> None:
    op.execute("CREATE INDEX identity_province_token ON identity (province, token)")
    op.execute("DROP INDEX identity_registered")
