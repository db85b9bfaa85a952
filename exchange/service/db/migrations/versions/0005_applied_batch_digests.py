"""The digest of every batch applied, per province and seq, so a node that reuses a seq with other events
(its database restored from a backup, two nodes serving one province) is refused with SEQUENCE_REUSED
instead of being acknowledged as a redelivery. Batches applied before have no digest and are not checked.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE applied_batch (province char(2) NOT NULL, seq bigint NOT NULL, digest bytea NOT NULL, "
        "PRIMARY KEY (province, seq))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE applied_batch")
